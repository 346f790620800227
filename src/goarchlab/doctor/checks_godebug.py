"""GODEBUG: every key checked against the active toolchain's own sources.

A key is known to a Go release when one of these reads it (go1.27.3 sources):

* ``src/internal/godebugs/table.go`` ``All``: the documented settings
  (``{Name: "http2client", Package: "net/http"}``), since Go 1.21;
* the same file's ``Removed`` list: removed settings, which have no effect; from
  the release whose entries carry an ``Old`` predicate (go1.27.3 has it, earlier
  lists such as ``{Name: "x509sha1", Removed: 24}`` do not) an *old* value makes
  every program built with that release, the go command included, stop at start
  (``runtime/proc.go``: ``removed GODEBUG ... set to old value``);
* ``src/runtime/runtime1.go`` ``dbgvars`` and ``memprofilerate``: the runtime's
  debugging variables (``gctrace``, ``madvdontneed``), integer values; a value
  above the limit of a ``if debug.X > N { throw(...) }`` in ``parsedebugvars``
  (``cgocheck=2`` in go1.22.10 and go1.27.3) stops every program at start;
* ``src/internal/cpu``: ``cpu.<feature>=on|off`` and ``cpu.all`` for the target arch;
* ``godebug.New("#name")`` anywhere in ``src``: undocumented settings (searched
  only when a key is not found above, because that walk reads every source file).

Anything else is ignored by the runtime and the standard library, silently.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from goarchlab.doctor import facts, localgo
from goarchlab.doctor.claims import CLAIMS
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix, Severity, check

#: goarchlab.gocmd.godebugs.TABLE_REF (a test keeps them equal): that module, its
#: dataclasses and regular expressions are imported only when GODEBUG is set.
REF_TABLE = "$GOROOT/src/internal/godebugs/table.go"
REF_RUNTIME = "$GOROOT/src/runtime/runtime1.go (dbgvars)"

_DBGVAR = re.compile(r'^\s*\{name:\s*"([^"]+)"', re.M)
_DBGFIELD = re.compile(r'\{name:\s*"([^"]+)",\s*(?:value|atomic):\s*&debug\.(\w+)')
_THROW = re.compile(r'if debug\.(\w+) > (\d+) \{\s*throw\("([^"]*)"\)')
_CPU_OPT = re.compile(r'\{Name:\s*"([a-z0-9_]+)"')
_HASH_NEW = re.compile(rb'godebug\.New\("#([^"]+)"\)')
#: internal/cpu file stems per GOARCH.
_CPU_FILES = {"amd64": "x86", "386": "x86", "arm64": "arm64", "arm": "arm",
              "ppc64": "ppc64x", "ppc64le": "ppc64x", "mips64": "mips64x",
              "mips64le": "mips64x", "mips": "mips", "mipsle": "mipsle", "riscv64": "riscv64",
              "loong64": "loong64", "s390x": "s390x", "wasm": "wasm"}


@dataclass(frozen=True)
class Known:
    """The GODEBUG keys one toolchain reads (see the module docstring).

    ``documented``: name -> package; ``removed``: name -> (Go 1.N minor it was
    removed in, the old values that are fatal); ``runtime``: runtime variables;
    ``cpu``: cpu option names for the target arch; ``has_table``: False before Go 1.21.
    ``fatal``: runtime variable -> (largest value the runtime accepts, the message it
    throws above it).
    """

    documented: dict[str, str]
    removed: dict[str, tuple[int, tuple[str, ...]]]
    runtime: frozenset[str]
    cpu: frozenset[str]
    has_table: bool
    fatal: dict[str, tuple[int, str]] = dataclasses.field(default_factory=dict)


def _read(p: Path) -> str:
    try:
        return p.read_text(errors="replace")
    except OSError:
        return ""


def parse_known(src: Path, goarch: str) -> Known:
    """Read the GODEBUG keys of the toolchain whose source tree is ``src``."""
    # The table parser is shared with goarchlab godebug (gocmd/godebugs.py).
    from goarchlab.gocmd import godebugs

    table = godebugs.parse_table(_read(src / "internal" / "godebugs" / "table.go"))
    documented = {s.name: s.package for s in table.settings}
    removed = {r.name: (r.removed, r.old_values) for r in table.removed}
    rt = _read(src / "runtime" / "runtime1.go")
    block = rt.split("var dbgvars", 1)[1].split("\n}", 1)[0] if "var dbgvars" in rt else ""
    runtime = set(_DBGVAR.findall(block))
    if '"memprofilerate"' in rt:
        runtime.add("memprofilerate")
    key_of = {f: n for n, f in _DBGFIELD.findall(block)}
    fatal = {key_of[f]: (int(limit), msg) for f, limit, msg in _THROW.findall(rt) if f in key_of}
    cpu: set[str] = set()
    stem = _CPU_FILES.get(goarch)
    cdir = src / "internal" / "cpu"
    if stem and cdir.is_dir():
        # cpu_arm.go and cpu_arm_*.go, not cpu_arm64.go (likewise mips and mips64x).
        for f in cdir.glob(f"cpu_{stem}*.go"):
            own = f.stem == f"cpu_{stem}" or f.stem.startswith(f"cpu_{stem}_")
            if own and not f.name.endswith("_test.go"):
                cpu.update(_CPU_OPT.findall(_read(f)))
        cpu.add("all")
    return Known(documented, removed, frozenset(runtime), frozenset(cpu), table.present,
                 fatal)


def undocumented(src: Path) -> dict[str, str]:
    """``godebug.New("#name")`` settings in non-test sources: name -> file (relative)."""
    found: dict[str, str] = {}
    for d, dirs, files in os.walk(src):
        dirs[:] = [x for x in dirs if x not in ("testdata", "vendor")]
        for f in files:
            if not f.endswith(".go") or f.endswith("_test.go"):
                continue
            p = os.path.join(d, f)
            try:
                with open(p, "rb") as fh:
                    b = fh.read()
            except OSError:
                continue
            if b'godebug.New("#' in b:
                for m in _HASH_NEW.findall(b):
                    found.setdefault(m.decode(), os.path.relpath(p, src))
    return found


def _int32(v: str) -> bool:
    try:
        return -(1 << 31) <= int(v, 10) < (1 << 31) and v.strip() == v and "_" not in v
    except ValueError:
        return False


@check("goenv.godebug", "goenv", "every GODEBUG key checked against the active toolchain's "
       "own sources (internal/godebugs/table.go, runtime, internal/cpu)")
def check_godebug(ctx: Context) -> Iterator[Finding]:
    """Judge each ``key=value`` of GODEBUG (read only from the OS environment)."""
    value = ctx.env.get("GODEBUG", "")
    if not value:
        return
    tc = localgo.toolchain(ctx)
    env = facts.try_go_env(ctx) or {}
    goarch = env.get("GOARCH") or ctx.host.native_arch
    src = tc.goroot / "src"
    known = ctx.memo(("godebug-known", str(src), goarch), lambda: parse_known(src, goarch))
    name = tc.name or "this toolchain"
    if not known.has_table:
        yield Finding("goenv.godebug", "goenv", Severity.INFO,
                      f"GODEBUG={value} not checked: {name} has no {REF_TABLE}",
                      "the GODEBUG table exists since Go 1.21")
        return
    fields = value.split(",")
    good: list[str] = []
    out: list[Finding] = []
    hidden: dict[str, str] | None = None
    for field in fields:
        if not field:
            continue
        key, eq, val = field.partition("=")
        if not eq:
            out.append(Finding("goenv.godebug", "goenv", Severity.WARN,
                               f"GODEBUG entry '{field}' has no '=value' and is ignored",
                               "GODEBUG is a comma-separated list of key=value"))
            continue
        if key in known.removed:
            minor, old = known.removed[key]
            if val in old:
                out.append(Finding(
                    "goenv.godebug-removed", "goenv", Severity.ERROR,
                    f"GODEBUG {field}: {key} was removed in Go 1.{minor} and {val} is its old "
                    "value",
                    f"every program built with {name}, the go command included, stops at "
                    f"start with 'removed GODEBUG \"{key}\" set to old value \"{val}\"'",
                    refs=(REF_TABLE, f"https://go.dev/doc/godebug#go-1{minor}")))
            else:
                out.append(Finding("goenv.godebug", "goenv", Severity.INFO,
                                   f"GODEBUG {key} was removed in Go 1.{minor}",
                                   f"{field} is allowed but has no effect with {name}",
                                   refs=(REF_TABLE,)))
            continue
        if key in known.documented or key in known.runtime:
            if key in known.fatal and _int32(val) and int(val) > known.fatal[key][0]:
                out.append(Finding(
                    "goenv.godebug-fatal", "goenv", Severity.ERROR,
                    f"GODEBUG {field}: above {known.fatal[key][0]}, every program stops at start",
                    f"every program built with {name}, the go command included, stops with "
                    f"'fatal error: {known.fatal[key][1]}'", refs=(REF_RUNTIME,)))
                continue
            if key in known.runtime and key not in known.documented and not _int32(val):
                out.append(Finding("goenv.godebug", "goenv", Severity.WARN,
                                   f"GODEBUG {field}: the runtime ignores non-integer values",
                                   f"{key} is a runtime debugging variable (integer)",
                                   refs=(REF_RUNTIME,)))
            good.append(field)
            continue
        if key.startswith("cpu.") and known.cpu:
            feat = key[4:]
            if feat not in known.cpu:
                why = f"{feat} is not a CPU feature option of {name} for GOARCH={goarch}"
            elif val not in ("on", "off"):
                why = f"cpu options take on or off, not {val!r}"
            else:
                good.append(field)
                continue
            out.append(Finding("goenv.godebug", "goenv", Severity.WARN,
                               f"GODEBUG {field} is ignored", f"{why}; the runtime prints a "
                               "GODEBUG warning and goes on", refs=("$GOROOT/src/internal/cpu",)))
            continue
        if hidden is None:
            hidden = ctx.memo(("godebug-hidden", str(src)), lambda: undocumented(src))
        if key in hidden:
            good.append(field)
            out.append(Finding("goenv.godebug", "goenv", Severity.INFO,
                               f"GODEBUG {key} is an undocumented setting of {name}",
                               f"read by {hidden[key]} (godebug.New(\"#{key}\"))"))
            continue
        claim = CLAIMS["godebug-mmap"] if key == "mmap" else None
        checked = (f"Checked against {name}'s {REF_TABLE}, runtime/runtime1.go, internal/cpu "
                   "and its undocumented godebug.New(\"#...\") settings")
        if claim:
            detail = f"Guides claim '{claim.claim}', but {claim.truth}. {checked}"
        else:
            detail = (f"the runtime and the standard library ignore unknown keys, so {field} "
                      f"does nothing. {checked}")
        out.append(Finding("goenv.godebug-unknown", "goenv", Severity.WARN,
                           f"{key} is not a GODEBUG setting of {name}", detail,
                           refs=claim.refs if claim else (REF_TABLE, REF_RUNTIME)))
    keep = ",".join(good)
    # GODEBUG can only come from the OS environment ('go env -w' refuses it).
    fix = Fix(f"set GODEBUG={keep} in your shell profile" if keep else
              "unset GODEBUG in your shell profile", None)
    for f in out:
        if f.severity in (Severity.WARN, Severity.ERROR):
            f = Finding(f.id, f.area, f.severity, f.title, f.detail, fix, f.refs)
        yield f
    if good:
        yield Finding("goenv.godebug", "goenv", Severity.OK,
                      f"GODEBUG settings known to {name}: {', '.join(good)}",
                      "; ".join(f"{k}: {_where(known, k)}" for k in
                                dict.fromkeys(g.split("=")[0] for g in good)))


def _where(known: Known, key: str) -> str:
    """Who reads ``key``, for the report."""
    if key in known.documented:
        return known.documented[key]
    if key in known.runtime:
        return "runtime debugging variable"
    if key.startswith("cpu."):
        return "internal/cpu"
    return "undocumented"
