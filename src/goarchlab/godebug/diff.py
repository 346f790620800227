"""``godebug diff OLD NEW``: the GODEBUG defaults a go line move from OLD to NEW changes.

The rule is the go command's own (go1.27.3 and go1.22.10,
``$GOROOT/src/cmd/go/internal/load/godebug.go``, ``godebugForGoVersion``)::

    for _, info := range godebugs.All {
        if n < info.Changed {          // n: minor of the main module's go version
            def[info.Name] = info.Old
        }
    }

so a setting defaults to ``Old`` while the go line is below ``Changed``, and moving
the go line from OLD to NEW switches exactly those with OLD < Changed <= NEW. Only
``All`` takes part: a setting in ``Removed`` has the new behaviour under every go
line, which is why removed ones are listed apart. The answer is the toolchain's
(its table.go), so a NEW newer than the toolchain is refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd import godebugs
from goarchlab.gocmd.env import go_env
from goarchlab.gocmd.version import GoVersion
from goarchlab.godebug.model import Change, DiffReport, Removed


@dataclass(frozen=True)
class GoFacts:
    """What the go command says of itself: ``version`` (None for a devel build),
    ``name`` (``go1.27.3``), ``goroot``; and for ``cwd``: ``gowork`` (the go.work in
    use, "" or ``off`` when none) and ``gofips140``."""

    version: GoVersion | None
    name: str
    goroot: Path
    gowork: str
    gofips140: str


def go_facts(go: Path | str, env: Mapping[str, str], cwd: Path | None = None) -> GoFacts:
    """Ask ``go env -json GOVERSION GOROOT GOWORK GOFIPS140`` (in ``cwd``)."""
    e = go_env(go, env, cwd=cwd, keys=("GOVERSION", "GOROOT", "GOWORK", "GOFIPS140"))
    name = e.get("GOVERSION", "")
    return GoFacts(GoVersion.try_parse(name), name, Path(e.get("GOROOT", "")),
                   e.get("GOWORK", ""), e.get("GOFIPS140", ""))


def language(text: str, what: str) -> GoVersion:
    """``text`` (``1.21``, ``go1.21``, ``1.21.5``, ``go1.23rc1``) as a language version
    (``go1.21``); UsageError for anything else, or a major version other than 1
    (the go command computes GODEBUG defaults only for ``1.N``)."""
    v = GoVersion.parse(text)
    if v.major != 1:
        raise UsageError(f"{what} {text!r}: GODEBUG defaults exist only for Go 1.N go lines",
                         "write it like 1.21, go1.21 or 1.21.5")
    return v.lang


def load_table(facts: GoFacts) -> godebugs.Table:
    """The toolchain's table; GoarchlabError (exit 3) when it has none (before Go 1.21)."""
    table = godebugs.read_table(facts.goroot)
    if not table.present:
        raise GoarchlabError(
            f"{facts.name} (GOROOT {facts.goroot}) has no {godebugs.TABLE_REF}: "
            "the GODEBUG table exists since Go 1.21",
            "pass --go 1.21 or newer")
    return table


def diff(facts: GoFacts, old_text: str, new_text: str) -> DiffReport:
    """The settings whose default changes between go lines ``old_text`` and
    ``new_text``, by the toolchain ``facts`` describes.

    UsageError for a version that is no Go 1.N; GoarchlabError (exit 3) when the
    newer of the two is newer than the toolchain (its table cannot know what that
    release changed) or when the toolchain has no table."""
    old, new = language(old_text, "OLD"), language(new_text, "NEW")
    if facts.version is None:
        raise GoarchlabError(f"cannot tell which Go release {facts.name!r} is "
                             f"(GOROOT {facts.goroot})", "pass --go with a release, e.g. --go 1.27")
    top = max(old, new)
    if top.minor > facts.version.minor:
        side = "NEW" if top == new else "OLD"
        raise GoarchlabError(
            f"{side} {top} is newer than the toolchain that answers, {facts.name} "
            f"(GOROOT {facts.goroot}): its table cannot know what Go 1.{top.minor} changed",
            f"rerun with --go 1.{top.minor} (installed if missing)")
    table = load_table(facts)
    lo, hi = sorted((old.minor, new.minor))
    changes = tuple(
        Change(s.name, s.package, f"go1.{s.changed}", s.old, f"//go:debug {s.name}={s.old}",
               godebugs.doc_url(s.changed), s.opaque, s.immutable)
        for s in sorted(table.settings, key=lambda s: (s.changed, s.name))
        if lo < s.changed <= hi)
    # A removed setting was still there for a module written at go lo; now neither
    # go line brings its old behaviour back.
    removed = tuple(
        Removed(r.name, f"go1.{r.removed}", r.old_values, godebugs.doc_url(r.removed))
        for r in sorted(table.removed, key=lambda r: (r.removed, r.name))
        if r.removed > lo)
    direction = "upgrade" if old < new else "downgrade" if old > new else "none"
    return DiffReport(str(old), str(new), direction, changes, removed,
                      str(facts.goroot / "src" / "internal" / "godebugs" / "table.go"))
