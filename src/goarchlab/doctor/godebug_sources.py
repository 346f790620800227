"""Which GODEBUG keys a toolchain reads, from its own sources (checks_godebug's
module docstring lists them).

Imported by the goenv.godebug check only when GODEBUG is set: a run without it
does not create :class:`Known` or compile these regular expressions (~1.5 ms of
CPU on Python 3.11).
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path

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
