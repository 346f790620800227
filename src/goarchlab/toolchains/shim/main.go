// Command shim is goarchlab's go/gofmt shim: it finds the Go version the
// current directory asks for and execs that toolchain's binary in place.
//
// It is a Go program rather than a shell or Python script so that a `go`
// call costs one small static exec on top of the real one (~1 ms), not an
// interpreter start. The rules mirror goarchlab/toolchains/resolve.py exactly
// (the tests run both on the same trees):
//
//	GOARCHLAB_GO_VERSION; nearest .go-version; nearest .tool-versions with a
//	golang/go entry; toolchain line of the nearest go.work (unless GOWORK=off)
//	else go.mod; that file's go line as a minimum; HOME/version; newest installed.
//
// Version files are read as UTF-8, or UTF-16 LE/BE after that byte-order
// mark (a UTF-8 mark is dropped). `system` runs the first go on PATH that is
// not this shim. When the version is not installed, or a version file names
// no Go (two words, control characters, 1.22.x), it hands over to
// `goarchlab toolchain exec`, which installs it with a message or gives the
// one verdict on the file (resolve.Choice.error), so that no message is
// written twice.
//
// Invoked as goarchlab-activate (a hard link to the same binary) it is the
// prompt hook's helper of `goarchlab shell-init SHELL --activate` (activate.go).
package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf16"
)

// Set at build time with -ldflags -X: the goarchlab executable, or a Python
// interpreter plus pyModule ("goarchlab") when there is no console script.
var goarchlab, pyModule string

type choice struct {
	value, where string
	minimum      bool
}

func where(path string, n int) string { return path + ":" + strconv.Itoa(n) }

// consulted, when not nil (the activation helper), records every path a
// resolution reads or looks for, so that the prompt hook can tell from the
// shell alone whether the answer can have changed (activate.go).
var consulted *watchList

// look records path as present, or absent when err says it does not exist.
func look(path string, err error, isFile bool) {
	if consulted == nil {
		return
	}
	if err != nil && (os.IsNotExist(err) || errors.Is(err, syscall.ENOTDIR)) {
		consulted.absent = append(consulted.absent, path)
		return
	}
	consulted.present = append(consulted.present, path)
	if isFile {
		consulted.dirs = append(consulted.dirs, filepath.Dir(path))
	}
}

func upward(dir string) []string {
	var out []string
	for {
		out = append(out, dir)
		parent := filepath.Dir(dir)
		if parent == dir {
			return out
		}
		dir = parent
	}
}

// text reads path decoded like resolve.read_text: UTF-8, or the encoding
// its byte-order mark names (the mark dropped).
func text(path string) (string, bool) {
	b, err := os.ReadFile(path)
	look(path, err, true)
	if err != nil {
		return "", false
	}
	utf16le, utf16be := len(b) >= 2 && b[0] == 0xff && b[1] == 0xfe, len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff
	switch {
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		return string(b[3:]), true
	case utf16le || utf16be:
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			if utf16le {
				u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
			} else {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			}
		}
		return string(utf16.Decode(u)), true
	}
	return string(b), true
}

// scan calls fn on each line of path (1-based, without its \r) until fn returns true.
func scan(path string, fn func(line string, n int) bool) bool {
	t, ok := text(path)
	if !ok {
		return false
	}
	for n, line := range strings.Split(t, "\n") {
		if fn(strings.TrimSuffix(line, "\r"), n+1) {
			return true
		}
	}
	return false
}

// control reports a NUL or other control character (tab aside), as resolve._bad_chars.
func control(s string) bool {
	for _, r := range s {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return true
		}
	}
	return false
}

// invalid marks a choice whose file resolve.py refuses; the hand-over says why.
const invalid = "\x00invalid"

func request(cwd, home string) (choice, bool) {
	if v := strings.TrimSpace(os.Getenv("GOARCHLAB_GO_VERSION")); v != "" {
		if control(v) {
			v = invalid
		}
		return choice{v, "GOARCHLAB_GO_VERSION", false}, true
	}
	dirs := upward(cwd)
	var c choice
	// A .go-version line (or the global file's) holds one word; anything else is
	// refused by resolve.py, so it is handed over, never half-read.
	first := func(path string) bool {
		return scan(path, func(line string, n int) bool {
			f := strings.Fields(strings.SplitN(line, "#", 2)[0])
			switch {
			case control(line):
				c = choice{invalid, where(path, n), false}
			case len(f) == 1:
				c = choice{f[0], where(path, n), false}
			case len(f) > 1:
				c = choice{invalid, where(path, n), false}
			default:
				return false
			}
			return true
		})
	}
	for _, d := range dirs {
		if first(filepath.Join(d, ".go-version")) {
			return c, true
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, ".tool-versions")
		if scan(p, func(line string, n int) bool {
			f := strings.Fields(strings.SplitN(line, "#", 2)[0])
			if len(f) >= 2 && (f[0] == "golang" || f[0] == "go") {
				c = choice{f[1], where(p, n), false}
				if control(line) {
					c.value = invalid
				}
				return true
			}
			return false
		}) {
			return c, true
		}
	}
	if mod := moduleFile(dirs); mod != "" {
		var tc, gl *choice
		scan(mod, func(line string, n int) bool {
			key, val, ok := modLine(line)
			if !ok {
				return false
			}
			x := &choice{val, where(mod, n), key == "go"}
			if key == "toolchain" && tc == nil {
				tc = x
			} else if key == "go" && gl == nil {
				gl = x
			}
			return tc != nil && gl != nil
		})
		if tc != nil {
			if _, ok := parse(tc.value); ok {
				return *tc, true
			}
		}
		if gl != nil {
			return *gl, true
		}
	}
	if first(filepath.Join(home, "version")) {
		return c, true
	}
	return choice{}, false
}

func moduleFile(dirs []string) string {
	gowork := os.Getenv("GOWORK")
	if gowork != "" && gowork != "off" {
		return gowork
	}
	isFile := func(p string) bool {
		st, err := os.Stat(p)
		look(p, err, true)
		return err == nil && st.Mode().IsRegular()
	}
	if gowork != "off" {
		for _, d := range dirs {
			if p := filepath.Join(d, "go.work"); isFile(p) {
				return p
			}
		}
	}
	for _, d := range dirs {
		if p := filepath.Join(d, "go.mod"); isFile(p) {
			return p
		}
	}
	return ""
}

// installed lists the native toolchains (names without a platform suffix).
func installed(home string) map[string]version {
	out := map[string]version{}
	dir := filepath.Join(home, "toolchains")
	ents, err := os.ReadDir(dir)
	look(dir, err, false)
	for _, e := range ents {
		// A symlink to a GOROOT counts too; the caller stats bin/TOOL anyway.
		isDir := e.IsDir() || e.Type()&os.ModeSymlink != 0
		if v, ok := parse(e.Name()); ok && v.kind != 0 && isDir {
			out[e.Name()] = v
		}
	}
	return out
}

// resolveRoot is the one resolution the shim and the activation helper share:
// the request for the working directory and the GOROOT of the installed
// toolchain that serves it ("" when none does, or for system), checked to
// hold bin/TOOL.
func resolveRoot(home, tool string) (choice, bool, string) {
	cwd, err := os.Getwd()
	if err != nil {
		cwd = "."
	}
	c, found := request(cwd, home)
	if found && strings.EqualFold(c.value, "system") {
		return c, found, ""
	}
	name := pick(c, found, installed(home))
	if name == "" {
		return c, found, ""
	}
	goroot := filepath.Join(home, "toolchains", name)
	bin := filepath.Join(goroot, "bin", tool)
	_, err = os.Stat(bin)
	look(bin, err, true)
	if err != nil {
		return c, found, ""
	}
	return c, found, goroot
}

func main() {
	tool := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		fail("cannot locate the shim: " + err.Error())
	}
	home := filepath.Dir(filepath.Dir(exe))
	if tool == activateName {
		os.Exit(activate(home, os.Args[1:]))
	}
	c, found, goroot := resolveRoot(home, tool)
	if found && strings.EqualFold(c.value, "system") {
		runSystem(tool, exe)
	}
	bin := filepath.Join(goroot, "bin", tool)
	if goroot == "" {
		handOver(tool, home, c, found)
	}
	env := os.Environ()
	env = setenv(env, "GOROOT", goroot, true)
	env = setenv(env, "GOTOOLCHAIN", "local", false)
	err = syscall.Exec(bin, append([]string{tool}, os.Args[1:]...), env)
	fail("cannot run " + bin + ": " + err.Error())
}

// runSystem execs the first TOOL on PATH that is not this shim (`system`: the go
// on PATH chosen on purpose), with GOTOOLCHAIN=local unless the user set one.
func runSystem(tool, self string) {
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if d == "" {
			continue
		}
		p := filepath.Join(d, tool)
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Mode()&0o111 == 0 {
			continue
		}
		if real, err := filepath.EvalSymlinks(p); err == nil && real == self {
			continue
		}
		if os.SameFile(st, mustStat(self)) {
			continue
		}
		env := setenv(os.Environ(), "GOTOOLCHAIN", "local", false)
		err = syscall.Exec(p, append([]string{tool}, os.Args[1:]...), env)
		fail("cannot run " + p + ": " + err.Error())
	}
	fail("system (the " + tool + " on PATH) is chosen but there is no " + tool +
		" on PATH besides this shim; run: goarchlab toolchain use --unset")
}

func mustStat(p string) os.FileInfo {
	st, _ := os.Stat(p)
	return st
}

// handOver runs `goarchlab toolchain exec -- TOOL ARGS...`, which installs
// the missing version (with a message) and runs it.
func handOver(tool, home string, c choice, found bool) {
	asked, spec := "any Go", "latest"
	if found {
		asked, spec = "Go "+c.value+" (asked by "+c.where+")", c.value
	}
	if c.value == invalid {
		asked, spec = c.where+" (not one version)", "VERSION"
	}
	if _, ok := parse(c.value); found && !ok && !strings.EqualFold(c.value, "latest") {
		if goarchlab == "" {
			os.Stderr.WriteString("goarchlab shim: " + c.where + " names no Go version\n")
			os.Exit(2)
		}
	} else if goarchlab == "" {
		fail(asked + " is not installed; run: goarchlab toolchain install " + spec)
	}
	argv := []string{goarchlab}
	if pyModule != "" {
		argv = append(argv, "-m", pyModule)
	}
	argv = append(append(argv, "toolchain", "exec", "--", tool), os.Args[1:]...)
	// The install must land in this shim's home, whatever GOARCHLAB_HOME says.
	err := syscall.Exec(goarchlab, argv, setenv(os.Environ(), "GOARCHLAB_HOME", home, true))
	fail(asked + " is not installed and " + goarchlab + " cannot run (" + err.Error() +
		"); run: goarchlab toolchain install " + spec)
}

func setenv(env []string, key, value string, override bool) []string {
	for i, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			if override || kv == key+"=" {
				env[i] = key + "=" + value
			}
			return env
		}
	}
	return append(env, key+"="+value)
}

func fail(msg string) {
	os.Stderr.WriteString("goarchlab shim: " + msg + "\n")
	os.Exit(3)
}
