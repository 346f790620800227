"""False claims of popular Go setup guides, how doctor recognises that a user applied
one, and the truth with where it is defined.

DESIGN.md (principle 2) lists them; doctor never repeats them. A check that
spots an applied claim cites the entry (``CLAIMS[...]``) so the wording lives in
one place. Facts were read from the go1.27.3 and go1.22.10 sources named in
``refs``; a check that depends on the Go version says so itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    """A false claim: ``id``; the ``claim`` as guides word it; ``applied``: the
    setting by which doctor recognises it and the check that does; ``truth``: what
    is actually so; ``refs``: where the truth is defined."""

    id: str
    claim: str
    applied: str
    truth: str
    refs: tuple[str, ...]


CLAIMS: dict[str, Claim] = {c.id: c for c in (
    Claim(
        "godebug-mmap",
        "GODEBUG=mmap=1 enables an M3 memory-mapping optimisation",
        "GODEBUG contains mmap=... (check goenv.godebug)",
        "there is no GODEBUG setting named mmap; the runtime and the standard library "
        "ignore unknown keys, so it does nothing",
        ("$GOROOT/src/internal/godebugs/table.go", "$GOROOT/src/runtime/runtime1.go (dbgvars)",
         "https://go.dev/doc/godebug"),
    ),
    Claim(
        "goarm-arm64",
        "GOARM=8 binds M3 (or other ARMv8) instructions for arm64",
        "GOARM set while GOARCH=arm64 (check goenv.levels)",
        "GOARM applies only to GOARCH=arm (32-bit: 5, 6, 7); the arm64 variable is "
        "GOARM64 (Go 1.23+: v8.0 to v9.5, optionally ,lse and ,crypto)",
        ("go help environment", "$GOROOT/src/internal/buildcfg/cfg.go"),
    ),
    Claim(
        "gcflags-vectorise",
        "-gcflags='-l -m' enables vectorisation",
        "GOFLAGS carries -gcflags with -l and/or -m (check goenv.goflags)",
        "-l disables inlining (usually slower code), -m only prints the compiler's "
        "optimisation decisions; the gc compiler does not auto-vectorise loops",
        ("go tool compile -help", "$GOROOT/src/cmd/compile/internal/base/flag.go"),
    ),
    Claim(
        "cgo-default-off",
        "Go 1.22 defaults CGO_ENABLED to false",
        "CGO_ENABLED=0 set explicitly while a C compiler is on PATH (check cgo.enabled)",
        "since Go 1.20 the go command defaults CGO_ENABLED to 0 only when the default C "
        "compiler (gcc; clang on darwin, ios, freebsd, openbsd) is not found on PATH and CC "
        "is unset, and for cross-compiles; otherwise the default is 1",
        ("$GOROOT/src/cmd/go/internal/cfg/cfg.go (defaultContext)",
         "https://go.dev/doc/go1.20#cgo"),
    ),
    Claim(
        "darwin-arm64-121",
        "darwin/arm64 is supported since Go 1.21",
        "not a setting; stated in doctor's own wording only (never repeated)",
        "darwin/arm64 arrived in Go 1.16 and is a first-class port",
        ("https://go.dev/doc/go1.16#darwin", "go tool dist list -json (FirstClass)"),
    ),
    Claim(
        "llvm-backend",
        "Go uses an LLVM backend",
        "not a setting; stated in doctor's own wording only (never repeated)",
        "the gc toolchain has its own compiler backend (cmd/compile/internal/ssa); "
        "gollvm is a separate, experimental toolchain hosted by the Go project",
        ("$GOROOT/src/cmd/compile/internal/ssa", "https://go.googlesource.com/gollvm"),
    ),
)}
