"""``goarchlab api OLD NEW``: exported-API changes between two versions of a module
and the semantic-version step they require.

apidiff writes each side's export data in module mode (``apidiff -m -w FILE
MODULE`` run inside that side's directory, so go/packages loads that copy) and
then compares the two files (``apidiff -m OLD.x NEW.x``). The step follows
gorelease's rules: incompatible changes need a new major version (a minor one
while the module is at v0, where semver promises nothing); compatible additions
a minor one; anything else a patch.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from goarchlab import proc
from goarchlab.api import source
from goarchlab.api.tool import tool_env
from goarchlab.errors import GoarchlabError

if TYPE_CHECKING:
    from goarchlab.toolchains.api import Go

APIDIFF_TIMEOUT = 900.0
_STEPS = ("none", "patch", "minor", "major")


@dataclass(frozen=True)
class ApiReport:
    """The comparison. ``incompatible``/``compatible``: apidiff's messages;
    ``required``: ``major``, ``minor`` or ``patch``; ``taken``: the step from
    ``old_version`` to ``new_version`` when both are semver, else ""; ``ok``: the
    gate passes (see :func:`verdict`); ``reason`` says why it fails or passes."""

    SCHEMA = "goarchlab.api/v1"

    module: str
    old: str
    new: str
    old_version: str
    new_version: str
    incompatible: tuple[str, ...]
    compatible: tuple[str, ...]
    required: str
    taken: str
    ok: bool
    reason: str
    #: Which Go ran and why (set by the CLI).
    toolchain: Go | None = None


def parse_text(text: str) -> tuple[list[str], list[str]]:
    """(incompatible, compatible) messages of apidiff's text report."""
    inc: list[str] = []
    com: list[str] = []
    cur: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("Incompatible changes:"):
            cur = inc
        elif line.startswith("Compatible changes:"):
            cur = com
        elif line.startswith("- ") and cur is not None:
            cur.append(line[2:].strip())
    return inc, com


def required_step(incompatible: bool, compatible: bool, base_major: int | None) -> str:
    """The smallest release step these changes allow; ``base_major`` 0 applies v0 rules."""
    if incompatible:
        return "minor" if base_major == 0 else "major"
    return "minor" if compatible else "patch"


def step_taken(old: str, new: str) -> str:
    """``major``/``minor``/``patch``/``none`` between two semvers ("" if either is not one)."""
    a, b = source.semver(old), source.semver(new)
    if a is None or b is None:
        return ""
    if b[0] != a[0]:
        return "major"
    if b[1] != a[1]:
        return "minor"
    return "patch" if b[2] != a[2] else "none"


def verdict(inc: list[str], com: list[str], old_v: str, new_v: str,
            module: str) -> tuple[str, str, bool, str]:
    """(required, taken, ok, reason) for the changes between versions ``old_v``/``new_v``."""
    sv = source.semver(old_v)
    major = sv[0] if sv else _major_of_path(module)
    req = required_step(bool(inc), bool(com), major)
    taken = step_taken(old_v, new_v)
    if taken:
        ok = _STEPS.index(taken) >= _STEPS.index(req)
        why = (f"{old_v} -> {new_v} is a {taken} step; these changes need {req}")
        return req, taken, ok, why
    if inc and major != 0:
        return req, "", False, (f"{len(inc)} incompatible change(s): the next release must "
                                f"be a new major version, module path "
                                f"{_next_major_path(module, major)}")
    if inc:
        return req, "", True, "incompatible changes at v0: the next release needs a new minor"
    return req, "", True, f"compatible: the next release needs at least a {req} step"


def _split_major(module: str) -> tuple[str, int | None]:
    """(prefix, major) of a module path, split as golang.org/x/mod/module's
    SplitPathVersion does: a ``/vN`` suffix for N >= 2, or for gopkg.in paths a
    ``.vN`` suffix for every N (``-unstable`` allowed after it); None when the
    path names no major (v0 or v1)."""
    if module.startswith("gopkg.in/"):
        head, dot, tail = module.removesuffix("-unstable").rpartition(".v")
        return (head, int(tail)) if dot and tail.isdigit() else (module, None)
    head, slash, tail = module.rpartition("/v")
    if slash and tail.isdigit() and not tail.startswith("0") and int(tail) >= 2:
        return head, int(tail)
    return module, None


def _major_of_path(module: str) -> int | None:
    return _split_major(module)[1]


def _next_major_path(module: str, major: int | None) -> str:
    """The module path of the major version after ``major`` (None: v0/v1)."""
    prefix, _ = _split_major(module)
    sep = "." if module.startswith("gopkg.in/") else "/"
    return f"{prefix}{sep}v{(major or 1) + 1}"


def run(old: str, new: str, *, cwd: Path, go: Path, env: Mapping[str, str], apidiff: Path,
        progress: Callable[[str], None] = lambda s: None) -> ApiReport:
    """Compare ``old`` and ``new`` (git refs, ``.``, or ``module@version``).

    Raises GoarchlabError when a side cannot be had or apidiff cannot load it.
    """
    with tempfile.TemporaryDirectory(prefix="goarchlab-api-") as tmp:
        t = Path(tmp)
        sides = []
        for name, spec in (("old", old), ("new", new)):
            progress(f"fetching {spec}")
            side = source.materialise(spec, cwd, go, env, t / name)
            progress(f"loading {side.module} at {spec}")
            x = t / f"{name}.x"
            _apidiff(apidiff, ["-m", "-w", str(x), side.module], side.dir, env,
                     f"{side.module} at {spec}")
            sides.append((side, x))
        (a, ax), (b, bx) = sides
        progress("comparing")
        r = _apidiff(apidiff, ["-m", str(ax), str(bx)], t, env, f"{old} vs {new}")
    inc, com = parse_text(r)
    req, taken, ok, why = verdict(inc, com, a.version, b.version, a.module)
    return ApiReport(a.module, old, new, a.version, b.version, tuple(inc), tuple(com),
                     req, taken, ok, why)


def _apidiff(exe: Path, args: list[str], cwd: Path, env: Mapping[str, str], what: str) -> str:
    # GOWORK=off (tool_env): each side is loaded as its own module, whatever
    # go.work surrounds it.
    r = proc.run([str(exe), *args], env=tool_env(env), timeout=APIDIFF_TIMEOUT, cwd=cwd)
    if not r.ok:
        lines = [ln.strip() for ln in (r.stderr or r.stdout).splitlines()
                 if ln.strip() and not ln.startswith("Ignoring internal package")]
        # go/packages reports "loading M: -: # pkg" and then the compiler's
        # "file.go:L:C: message" lines: the latter say what is wrong.
        detail = next((ln for ln in lines if ".go:" in ln), lines[0] if lines else
                      f"exit {r.returncode}")
        raise GoarchlabError(f"apidiff could not load {what}: {detail[:300]}",
                             "the module must build at both versions (try 'go build ./...')")
    return r.stdout
