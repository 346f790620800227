package main

// Go versions as the shim reads them from version files and toolchain names,
// and the choice among the installed toolchains (the rules of
// goarchlab/toolchains/resolve.py).

import (
	"strconv"
	"strings"
)

// version is a parsed Go version; key orders it like cmd/go's internal/gover.
type version struct {
	major, minor, kind, pre, patch int // kind: 0 lang, 1 alpha, 2 beta, 3 rc, 4 release
}

// parse reads go1.22.10, 1.22, go1.23rc1, 1.20 (the go1.20 release) like
// GoVersion.parse. Hand-written, not regexp, to keep the shim's start-up small.
func parse(s string) (version, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "go")
	num := func() (int, bool) {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		n, err := strconv.Atoi(s[:i])
		s = s[i:]
		return n, err == nil
	}
	var v version
	var ok bool
	if v.major, ok = num(); !ok {
		return v, false
	}
	hasMinor := strings.HasPrefix(s, ".")
	if hasMinor {
		s = s[1:]
		if v.minor, ok = num(); !ok {
			return v, false
		}
	}
	switch {
	case s == "":
		if hasMinor && (v.major < 1 || v.major == 1 && v.minor < 21) {
			v.kind = 4 // "1.20" is the go1.20 release
		}
		return v, true
	case strings.HasPrefix(s, "."):
		s = s[1:]
		v.kind = 4
		v.patch, ok = num()
	default:
		for i, k := range []string{"alpha", "beta", "rc"} {
			if strings.HasPrefix(s, k) {
				s, v.kind = s[len(k):], i+1
				v.pre, ok = num()
				break
			}
		}
	}
	return v, ok && s == ""
}

// modLine splits a go.mod/go.work line "go 1.22 // comment" into directive and value.
func modLine(line string) (string, string, bool) {
	if i := strings.Index(line, "//"); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(line)
	if len(f) != 2 || (f[0] != "go" && f[0] != "toolchain") {
		return "", "", false
	}
	return f[0], f[1], true
}

func (a version) less(b version) bool {
	x := [5]int{a.major, a.minor, a.kind, a.pre, a.patch}
	y := [5]int{b.major, b.minor, b.kind, b.pre, b.patch}
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// matches reports whether v is the version or series that want names.
func (v version) matches(want version) bool {
	if want.kind == 0 {
		return v.major == want.major && v.minor == want.minor
	}
	return v == want
}

// pick names the installed toolchain that serves c (the newest that matches;
// a go.mod go line is a minimum), or "" when none does.
func pick(c choice, found bool, have map[string]version) string {
	best, bestV := "", version{}
	consider := func(name string, v version) {
		if best == "" || bestV.less(v) {
			best, bestV = name, v
		}
	}
	if !found || strings.EqualFold(c.value, "latest") {
		for n, v := range have {
			consider(n, v)
		}
		return best
	}
	want, ok := parse(c.value)
	if !ok {
		return ""
	}
	for n, v := range have {
		if c.minimum {
			if v.major == want.major && v.minor == want.minor && !v.less(want) {
				consider(n, v)
			}
		} else if v.matches(want) {
			consider(n, v)
		}
	}
	if best == "" && c.minimum {
		for n, v := range have {
			if !v.less(want) {
				consider(n, v)
			}
		}
	}
	return best
}
