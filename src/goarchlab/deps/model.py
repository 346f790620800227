"""What ``goarchlab deps`` returns: violations, the checks that ran, the graph."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goarchlab.toolchains.api import Go

#: Rule ids, with the one-line description SARIF and the docs show.
RULES: dict[str, str] = {
    "deny": "An import matches a [[deny]] rule for the importing file.",
    "allow": "An import is outside the [[allow]] list for the importing file.",
    "public": "A package of a module is imported that the module does not make public.",
    "single-major": "A module is in the build at more than one major version.",
    "local-replace": "A replace directive points at a local directory.",
    "go-max": "A main module's go directive is above the policy's cap.",
    "retracted": "A module version in the build is retracted by its authors.",
    "deprecated": "A module in the build is deprecated by its authors.",
    "verify": "go mod verify found a module changed in the module cache since its download.",
    "vuln": "govulncheck found a known vulnerability that the code reaches.",
    "load": "A package could not be loaded.",
}


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    ``rule``: a key of :data:`RULES`; ``name``: the policy entry (``deny[0]`` or its
    ``name``); ``file``: relative to the report root, slash-separated; ``line`` and
    ``column`` 1-based; ``why``: the policy's reason or the tool's explanation;
    ``importer``/``imported``: package paths for import rules; ``module``: the
    module concerned (``path`` or ``path@version``), "" when none.
    """

    rule: str
    name: str
    message: str
    why: str
    file: str
    line: int
    column: int = 1
    importer: str = ""
    imported: str = ""
    module: str = ""


class RunState(enum.StrEnum):
    """Whether a policy check ran (not its outcome: a check that ran and found
    violations is ``ran``). ``ran``; ``skipped``: not run (--offline, govulncheck not
    installed); ``incomplete``: ran, but the module proxy failed for some modules."""

    RAN = "ran"
    SKIPPED = "skipped"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class PolicyCheck:
    """One policy check (a rule of :data:`RULES`) and whether it ran: ``status`` is a
    :class:`RunState`; ``detail`` says why it was skipped or incomplete."""

    rule: str
    status: RunState
    detail: str = ""


@dataclass(frozen=True)
class Timing:
    """Wall seconds (>= 0): ``go_s`` the check waited on subprocesses (the longest
    of the go commands run side by side, go list -deps counted after go list -m
    when it had to wait for it, plus govulncheck), ``total_s`` the whole check,
    ``own_s`` = total - go: the time the check took beyond its go commands (work
    done while they run, such as the import rules on go list's output as it is
    printed, is not in it)."""

    go_s: float
    total_s: float

    @property
    def own_s(self) -> float:
        """Seconds the check took beyond its go commands (>= 0)."""
        return max(0.0, self.total_s - self.go_s)

    def to_json(self) -> dict:
        """Rounded to the millisecond."""
        return {"go_s": round(self.go_s, 3), "total_s": round(self.total_s, 3),
                "own_s": round(self.own_s, 3)}


@dataclass(frozen=True)
class DepsReport:
    """The result of ``goarchlab deps``: ``ok`` when there is no violation.

    ``root``: the module (or workspace) root; ``policy``: the file read, or None;
    ``main_modules``; ``packages``/``modules``: counts loaded; ``edges``: module
    requirement edges (``path`` -> ``path``) among selected versions, for graphs.
    ``toolchain``: which Go ran and why (goarchlab.toolchains.api.Go;
    set by the CLI, None otherwise).
    """

    SCHEMA = "goarchlab.deps/v1"

    root: str
    policy: str | None
    go_version: str
    main_modules: tuple[str, ...]
    packages: int
    modules: int
    checks: tuple[PolicyCheck, ...]
    violations: tuple[Violation, ...]
    edges: tuple[tuple[str, str], ...]
    timing: Timing
    toolchain: Go | None = None

    @property
    def ok(self) -> bool:
        """True when no rule was broken."""
        return not self.violations
