package main

// Activation: the helper behind `goarchlab shell-init SHELL --activate`.
//
// The prompt hook runs `goarchlab-activate SHELL KEY` (a hard link to this
// binary, so it resolves exactly as the shim does: resolveRoot) on every
// prompt and directory change, and evals what it prints. KEY is what the
// previous run printed for the hook to keep; when the new key is the same the
// helper prints nothing, so an unchanged prompt costs one exec of a small
// static binary and no shell work. It runs every prompt (no caching in the
// shell) so that a .go-version edited in the same directory counts at once.
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
	if len(args) < 1 || len(args) > 2 || (args[0] != "bash" && args[0] != "zsh" && args[0] != "fish") {
		os.Stderr.WriteString("usage: " + activateName + " bash|zsh|fish [KEY]\n")
		return 2
	}
	prev := ""
	if len(args) == 2 {
		prev = args[1]
	}
	key, goroot, msg := activationKey(home)
	if key == prev {
		return 0
	}
	o := &shellOut{fish: args[0] == "fish"}
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
	if o.fish {
		o.b.WriteString("set -g _goarchlab_key " + o.quote(key) + "\n")
	} else {
		o.b.WriteString("_goarchlab_key=" + o.quote(key) + "\n")
	}
	os.Stdout.WriteString(o.b.String())
	if msg != "" {
		os.Stderr.WriteString("goarchlab: " + msg + "\n")
	}
	return 0
}
