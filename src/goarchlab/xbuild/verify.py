"""Check an artifact against what its build asked for, from the file alone.

Sources of truth, in order: the executable's own headers (format, arch,
static/dynamic, symbol table, DWARF), the Go build info embedded by cmd/go
(GOOS/GOARCH, the level variable, CGO_ENABLED, -trimpath, -tags, -ldflags)
and, where neither records a fact, the file's bytes.

What build info records is fixed by cmd/go (load.setBuildInfo in
``src/cmd/go/internal/load/pkg.go``): ``-ldflags`` is recorded only when
-trimpath is *not* set (go.dev/issue/52372, because linker flags may carry
system paths), so with -trimpath the linker flags are checked through their
effects: ``-s`` leaves no symbol table, ``-w`` no DWARF, ``-X pkg.var=value``
puts ``value`` in the file, and -trimpath itself leaves no absolute path of
the module directory in the file.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable
from pathlib import Path

from goarchlab.binary.model import BinaryInfo
from goarchlab.errors import UsageError
from goarchlab.outcome import Severity
from goarchlab.targets import split_exec
from goarchlab.xbuild.model import ArtifactCheck

# The executable format each GOOS produces (cmd/link); others are not checked.
_FORMAT = {"windows": "pe", "darwin": "macho", "ios": "macho", "js": "wasm", "wasip1": "wasm"}
_ELF_OSES = {"linux", "android", "freebsd", "netbsd", "openbsd", "dragonfly", "solaris",
             "illumos"}


def expected_format(goos: str) -> str | None:
    """The header format cmd/link writes for ``goos`` (elf, macho, pe, wasm), or None."""
    if goos in _ELF_OSES:
        return "elf"
    return _FORMAT.get(goos)


def ldflag_tokens(ldflags: str) -> list[str]:
    """Split ``-ldflags`` as cmd/go does (load.PerPackageFlag.set): an optional
    ``pattern=`` prefix dropped, the rest split by cmd/internal/quoted.Split
    (spaces; ``'...'`` or ``"..."`` without escapes)."""
    v = ldflags.strip()
    if v and v[0] != "-" and "=" in v:
        v = v.split("=", 1)[1]
    try:
        return split_exec(v)
    except UsageError:
        return v.split()


_TRUE = {"1", "t", "T", "true", "TRUE", "True"}


def link_bool(tokens: list[str], name: str) -> bool | None:
    """The value cmd/link's flag package gives the boolean flag ``-name`` (``-s``,
    ``--s``, ``-s=false``; the last one wins), or None when it is not given."""
    val = None
    for tok in tokens:
        if tok in (f"-{name}", f"--{name}"):
            val = True
        elif tok.startswith((f"-{name}=", f"--{name}=")):
            val = tok.split("=", 1)[1] in _TRUE
    return val


def go_tags(tags: str) -> str:
    """``-tags`` as cmd/go records it in build info (work.tagsFlag.Set): a value with a
    space or a ``'`` is split like a command line, else on commas with empty fields
    dropped; the tags joined with commas ("" when there are none)."""
    if " " in tags or "'" in tags:
        try:
            return ",".join(split_exec(tags))
        except UsageError:
            return tags
    return ",".join(t for t in tags.split(",") if t)


def x_values(tokens: list[str]) -> list[tuple[str, str]]:
    """The ``-X importpath.name=value`` settings in linker flags, as (name, value)."""
    out: list[tuple[str, str]] = []
    for i, tok in enumerate(tokens):
        arg = None
        if tok in ("-X", "--X") and i + 1 < len(tokens):
            arg = tokens[i + 1]
        elif tok.startswith(("-X=", "--X=")):
            arg = tok.split("=", 1)[1]
        if arg and "=" in arg:
            name, value = arg.split("=", 1)
            out.append((name, value))
    return out


def file_contains(path: Path, needles: list[bytes]) -> list[bool]:
    """For each needle, whether it occurs in the file (memory-mapped, no full read)."""
    with path.open("rb") as f:
        if path.stat().st_size == 0:
            return [False for _ in needles]
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return [bool(n) and mm.find(n) >= 0 for n in needles]


def verify(
    info: BinaryInfo,
    path: Path,
    *,
    goos: str,
    goarch: str,
    level_key: str | None,
    level: str,
    cgo: str,
    go_version: str,
    ldflags: str,
    trimpath: bool,
    tags: str,
    module_dir: Path | None,
    contains: Callable[[list[bytes]], list[bool]] | None = None,
) -> tuple[ArtifactCheck, ...]:
    """Every check of one artifact; ``level``: the level the target asked for ("" for
    none: then the recorded default is reported in the artifact, not checked).

    ``module_dir``: the main module's directory, searched for in the file's bytes
    to check -trimpath. ``contains``: for each needle, whether it occurs anywhere in
    the file (default: :func:`file_contains` of ``path``; xbuild passes a search of
    the mapping it hashed). Returns the checks in a fixed order.
    """
    checks: list[ArtifactCheck] = []

    def add(name, ok, expected, actual, source, severity=Severity.ERROR):
        checks.append(ArtifactCheck(name, bool(ok), str(expected), str(actual), source,
                                    Severity(severity)))

    fmt = expected_format(goos)
    if fmt:
        add("format", info.format == fmt, fmt, info.format, "header")
    sl = info.slices[0] if info.slices else None
    if sl is None:
        return tuple(checks)
    add("arch", sl.goarch == goarch, goarch, sl.goarch, "header")
    tokens = ldflag_tokens(ldflags)
    want_stripped = bool(link_bool(tokens, "s"))
    if fmt in ("elf", "pe", "macho"):
        # goarchlab.binary calls a Mach-O stripped when it has no local symbols
        # (its LC_SYMTAB keeps the dylib imports even with -s); wasm has no
        # symbol table at all, so it is not checked.
        add("stripped", sl.stripped == want_stripped, want_stripped, sl.stripped, "header")
    no_dwarf = link_bool(tokens, "w")
    if no_dwarf is None:
        no_dwarf = want_stripped  # cmd/link: -s implies -w unless -w is given
    if no_dwarf:
        add("dwarf", not sl.dwarf, False, sl.dwarf, "header")
    if goos == "linux" and cgo == "0":
        # Without cgo, cmd/link's internal linker writes a static ELF on linux (a
        # request for external linking fails in cmd/go, load.LinkerDeps, so a built
        # artifact was linked internally).
        add("static", sl.static, True, sl.static, "header")
    bi = sl.go
    if bi is None:
        # Neither goarchlab nor 'go version -m' (debug/buildinfo) reads build info
        # from WebAssembly, so its absence there says nothing about the artifact.
        add("buildinfo", False, "present", "absent", "buildinfo",
            "warn" if info.format == "wasm" else "error")
        return tuple(checks)
    s = bi.settings
    add("go", bi.go_version == go_version, go_version, bi.go_version, "buildinfo")
    add("GOOS", s.get("GOOS") == goos, goos, s.get("GOOS", "-"), "buildinfo")
    add("GOARCH", s.get("GOARCH") == goarch, goarch, s.get("GOARCH", "-"), "buildinfo")
    if level_key and level:
        add(level_key, s.get(level_key) == level, level, s.get(level_key, "-"), "buildinfo")
    add("CGO_ENABLED", s.get("CGO_ENABLED") == cgo, cgo, s.get("CGO_ENABLED", "-"), "buildinfo")
    add("-trimpath", (s.get("-trimpath") == "true") == trimpath, str(trimpath).lower(),
        s.get("-trimpath", "false"), "buildinfo")
    want_tags = go_tags(tags)
    if want_tags:
        add("-tags", s.get("-tags") == want_tags, want_tags, s.get("-tags", "-"), "buildinfo")
    if ldflags and not trimpath:
        add("-ldflags", s.get("-ldflags") == ldflags, ldflags, s.get("-ldflags", "-"),
            "buildinfo")
    xs = x_values(tokens)
    needles = [v.encode() for _, v in xs]
    if trimpath and module_dir is not None:
        needles.append(str(module_dir).encode())
    if contains is None:
        def contains(ns: list[bytes]) -> list[bool]:
            return file_contains(path, ns)
    found = contains(needles) if needles else []
    for (name, value), hit in zip(xs, found, strict=False):
        # The linker silently ignores -X for a wrong path or a dropped variable.
        add(f"-X {name}", hit, f"{value!r} in file", "found" if hit else "not found", "bytes",
            "warn")
    if trimpath and module_dir is not None:
        leaked = found[-1]
        add("no build path", not leaked, f"{module_dir} absent", "present" if leaked else "absent",
            "bytes")
    return tuple(checks)
