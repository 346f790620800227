package main

// Activation: the helper behind `goarchlab shell-init SHELL --activate`.
//
// The prompt hook runs `goarchlab-activate SHELL KEY STAMP` (a hard link to
// this binary, so it resolves exactly as the shim does: resolveRoot) when the
// answer can have changed, and evals what it prints. KEY is what the previous
// run printed for the hook to keep; when the new key is the same, PATH and
// GOROOT are left alone and nothing shows.
//
// The hook decides "can have changed" in the shell itself, without starting
// this program (a Go program's start is ~1.5-2.5 ms; a prompt where nothing
// changed costs a few shell tests instead), the way direnv and mise watch
// their files. Each run prints the watch list of its resolution: every path it
// read or looked for (consulted, main.go), as
//
//	_goarchlab_watch   files and directories that were there, and the
//	                   directories holding the files read: one newer than
//	                   the stamp (edited, replaced, created or deleted in) counts;
//	_goarchlab_absent  paths looked for and not there: one that exists counts;
//	_goarchlab_stamp   a file of this shell under HOME/cache/activate whose
//	                   mtime is set to this run's start minus one second.
//
// The second of margin makes the test hold on file systems with one-second
// times and against coarse kernel clocks: anything written after this run
// read it has an mtime past the stamp's. The hook also compares PWD and the
// environment variables the resolution reads (GOARCHLAB_GO_VERSION, GOWORK)
// with their values at this run. A stamp that cannot be written leaves
// _goarchlab_stamp empty, and the hook then runs the helper on every prompt.
//
// The key is the GOROOT activated, or "system", "none" (nothing installed),
// "missing:VALUE@WHERE" or "invalid:WHERE": for the last two the toolchain's
// bin is taken off PATH so `go` reaches the shim (which installs the version
// or gives the one verdict), and one line goes to stderr, once per change.
//
// Exported state, so that a nested shell can undo what its parent did:
// GOARCHLAB_ACTIVE (the activated GOROOT; doctor reads it too),
// GOARCHLAB_SAVED_GOROOT (the user's GOROOT from before, when there was one)
// and GOARCHLAB_SET_GOTOOLCHAIN (1 when the hook set GOTOOLCHAIN=local, as
// the shim does, so that the activated go never fetches another toolchain).

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

const activateName = "goarchlab-activate"

// shellOut writes shell code for one of bash, zsh or fish.
type shellOut struct {
	fish bool
	b    strings.Builder
}

func (o *shellOut) quote(s string) string {
	if o.fish {
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (o *shellOut) export(k, v string) {
	if o.fish {
		o.b.WriteString("set -gx " + k + " " + o.quote(v) + "\n")
	} else {
		o.b.WriteString("export " + k + "=" + o.quote(v) + "\n")
	}
}

func (o *shellOut) unset(k string) {
	if _, ok := os.LookupEnv(k); !ok {
		return
	}
	if o.fish {
		o.b.WriteString("set -e -g " + k + "\n")
	} else {
		o.b.WriteString("unset " + k + "\n")
	}
}

// list sets a shell array (a fish list) to the distinct values of vs.
func (o *shellOut) list(k string, vs []string) {
	seen := map[string]bool{}
	if o.fish {
		o.b.WriteString("set -g " + k)
	} else {
		o.b.WriteString(k + "=(")
	}
	sep := ""
	if o.fish {
		sep = " "
	}
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			o.b.WriteString(sep + o.quote(v))
			sep = " "
		}
	}
	if o.fish {
		o.b.WriteString("\n")
	} else {
		o.b.WriteString(")\n")
	}
}

func (o *shellOut) set(k, v string) {
	if o.fish {
		o.b.WriteString("set -g " + k + " " + o.quote(v) + "\n")
	} else {
		o.b.WriteString(k + "=" + o.quote(v) + "\n")
	}
}

func (o *shellOut) path(dirs []string) {
	if !o.fish {
		o.export("PATH", strings.Join(dirs, ":"))
		return
	}
	o.b.WriteString("set -gx PATH")
	for _, d := range dirs {
		o.b.WriteString(" " + o.quote(d))
	}
	o.b.WriteString("\n")
}

// printable drops control characters from a path or value shown on stderr.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// activationKey says what the working directory resolves to (see above) and
// the one line to show when that is a version that cannot be activated.
func activationKey(home string) (key, goroot, msg string) {
	c, found, goroot := resolveRoot(home, "go")
	_, parsed := parse(c.value)
	switch {
	case goroot != "":
		return goroot, goroot, ""
	case found && strings.EqualFold(c.value, "system"):
		return "system", "", ""
	case !found:
		return "none", "", ""
	case c.value == invalid || (!parsed && !strings.EqualFold(c.value, "latest")):
		return "invalid:" + c.where, "", printable(c.where) +
			" names no Go version; go stops on it (goarchlab toolchain which says why)"
	}
	return "missing:" + c.value + "@" + c.where, "", "Go " + printable(c.value) +
		" (asked by " + printable(c.where) + ") is not installed; the go shim installs it on first use"
}

// activate prints the code that moves the shell to the toolchain resolved
// for the working directory, or nothing when KEY says it is there already.
// It returns the exit status (2: usage).
func activate(home string, args []string) int {
	if len(args) < 1 || len(args) > 3 || (args[0] != "bash" && args[0] != "zsh" && args[0] != "fish") {
		os.Stderr.WriteString("usage: " + activateName + " bash|zsh|fish [KEY [STAMP]]\n")
		return 2
	}
	prev, stamp := "", ""
	if len(args) >= 2 {
		prev = args[1]
	}
	if len(args) == 3 {
		stamp = args[2]
	}
	start := time.Now()
	consulted = &watchList{}
	key, goroot, msg := activationKey(home)
	o := &shellOut{fish: args[0] == "fish"}
	// The watch list and the stamp are printed on every run, the key unchanged
	// or not: the hook compares the next prompts against them.
	o.list("_goarchlab_watch", append(consulted.present, consulted.dirs...))
	o.list("_goarchlab_absent", consulted.absent)
	o.set("_goarchlab_stamp", touchStamp(home, stamp, start))
	if key == prev {
		os.Stdout.WriteString(o.b.String())
		return 0
	}
	old := os.Getenv("GOARCHLAB_ACTIVE")
	wasActive := old != ""
	// Only a directory of a goarchlab store is taken off PATH: a stray
	// GOARCHLAB_ACTIVE=/usr must not remove /usr/bin.
	var drop []string
	if wasActive && filepath.Base(filepath.Dir(old)) == "toolchains" {
		drop = append(drop, filepath.Join(old, "bin"))
	}
	var dirs []string
	if goroot != "" {
		drop = append(drop, filepath.Join(goroot, "bin"))
		dirs = append(dirs, filepath.Join(goroot, "bin"))
	}
	cur := os.Getenv("PATH")
	for _, d := range filepath.SplitList(cur) {
		keep := true
		for _, x := range drop {
			if filepath.Clean(d) == x && d != "" {
				keep = false
			}
		}
		if keep {
			dirs = append(dirs, d)
		}
	}
	if strings.Join(dirs, ":") != cur {
		o.path(dirs)
	}
	switch {
	case goroot != "":
		if !wasActive {
			if v, ok := os.LookupEnv("GOROOT"); ok {
				o.export("GOARCHLAB_SAVED_GOROOT", v)
			} else {
				o.unset("GOARCHLAB_SAVED_GOROOT")
			}
			if os.Getenv("GOTOOLCHAIN") == "" {
				o.export("GOTOOLCHAIN", "local")
				o.export("GOARCHLAB_SET_GOTOOLCHAIN", "1")
			}
		}
		o.export("GOROOT", goroot)
		o.export("GOARCHLAB_ACTIVE", goroot)
	case wasActive:
		if v, ok := os.LookupEnv("GOARCHLAB_SAVED_GOROOT"); ok {
			o.export("GOROOT", v)
			o.unset("GOARCHLAB_SAVED_GOROOT")
		} else {
			o.unset("GOROOT")
		}
		if os.Getenv("GOARCHLAB_SET_GOTOOLCHAIN") == "1" && os.Getenv("GOTOOLCHAIN") == "local" {
			o.unset("GOTOOLCHAIN")
		}
		o.unset("GOARCHLAB_SET_GOTOOLCHAIN")
		o.unset("GOARCHLAB_ACTIVE")
	}
	o.set("_goarchlab_key", key)
	os.Stdout.WriteString(o.b.String())
	if msg != "" {
		os.Stderr.WriteString("goarchlab: " + msg + "\n")
	}
	return 0
}

// watchList is what one resolution consulted (see consulted in main.go):
// paths that were there, directories holding the files read, and paths
// looked for that were not.
type watchList struct{ present, dirs, absent []string }

// stampDir holds one stamp file per shell; stampKeep is how long one lives
// after its shell last used it (a shell that comes back later makes a new one).
const stampKeep = 30 * 24 * time.Hour

// touchStamp sets the mtime of this shell's stamp (prev, when it is one of
// HOME/cache/activate, else a new file there) to start minus one second, and
// returns its path, or "" when none can be written (the hook then runs the
// helper on every prompt).
func touchStamp(home, prev string, start time.Time) string {
	dir := filepath.Join(home, "cache", "activate")
	at := start.Add(-time.Second)
	if prev != "" && filepath.Dir(prev) == dir && strings.HasPrefix(filepath.Base(prev), "stamp-") {
		if os.Chtimes(prev, at, at) == nil {
			return prev
		}
	}
	if os.MkdirAll(dir, 0o700) != nil {
		return ""
	}
	// A new shell: stamps of shells gone for stampKeep go first.
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if info, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "stamp-") &&
				start.Sub(info.ModTime()) > stampKeep {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	f, err := os.CreateTemp(dir, "stamp-")
	if err != nil {
		return ""
	}
	name := f.Name()
	f.Close()
	if os.Chtimes(name, at, at) != nil {
		os.Remove(name)
		return ""
	}
	return name
}
