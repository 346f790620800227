"""The result of one ``goarchlab doctor`` run (schema ``goarchlab.doctor/v1``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from goarchlab.doctor.model import Finding, Severity

if TYPE_CHECKING:
    from goarchlab.doctor.fixes import AppliedFix  # made only by --fix

#: The order areas are shown in; areas not listed follow, alphabetically.
AREA_ORDER = ("host", "path", "goroot", "goenv", "cgo", "tools", "homebrew", "project",
              "toolchains")


@dataclass(frozen=True)
class TranslatorSummary:
    """A way this host runs foreign binaries: ``kind`` (binfmt, rosetta, qemu), the
    GOARCH it runs, and its ``name`` (``qemu-aarch64``, ``Rosetta 2``)."""

    kind: str
    arch: str
    name: str


@dataclass(frozen=True)
class CompilerSummary:
    """A C compiler on PATH: ``name``, resolved ``path``, ``-dumpmachine`` triple and
    the GOARCH it targets (None when unknown)."""

    name: str
    path: str
    triple: str
    goarch: str | None


@dataclass(frozen=True)
class HostSummary:
    """The host facts doctor judged against (see goarchlab.host.Host)."""

    os: str
    os_version: str
    native_arch: str
    process_arch: str
    translated: bool
    cpu_model: str
    cpu_count: int
    translators: tuple[TranslatorSummary, ...]
    c_compilers: tuple[CompilerSummary, ...]


@dataclass(frozen=True)
class GoSummary:
    """The go that wins on PATH: ``path``, ``version`` (None when unknown), its own
    ``platform`` (``linux/arm64``) and ``runs`` (``native``, ``translated``,
    ``cannot-run``, or ``unknown`` when it could not be identified)."""

    path: str
    version: str | None
    platform: str
    runs: str


@dataclass(frozen=True)
class Skipped:
    """A check that did not run because a fact it needs is missing (``reason``)."""

    id: str
    reason: str


@dataclass(frozen=True)
class Counts:
    """How many findings of each severity (each >= 0)."""

    ok: int
    info: int
    warn: int
    error: int


@dataclass(frozen=True)
class DoctorReport:
    """What ``goarchlab doctor`` found.

    ``checks``: the ids that were selected, in id order; ``findings``: sorted by
    area (:data:`AREA_ORDER`), then severity (error first), then id.
    ``exit_code``: 1 when any finding is an error (or as bad as ``--fail-on``), else 0.
    ``fixes_applied``: what ``--fix`` did before these findings were collected (empty otherwise).
    ``elapsed_s``: wall time of the checks in seconds.
    """

    SCHEMA = "goarchlab.doctor/v1"

    host: HostSummary | None
    go: GoSummary | None
    project: str | None
    checks: tuple[str, ...]
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    counts: Counts
    fixes_applied: tuple[AppliedFix, ...]
    exit_code: int
    elapsed_s: float


def area_key(area: str) -> tuple[int, str]:
    """Sort key that puts areas in :data:`AREA_ORDER`, unknown ones after, by name."""
    return (AREA_ORDER.index(area), "") if area in AREA_ORDER else (len(AREA_ORDER), area)


def sort_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    """Findings by area, then severity (error first), then id and title."""
    return tuple(sorted(findings, key=lambda f: (area_key(f.area), -f.severity.rank, f.id,
                                                 f.title)))


def count(findings: tuple[Finding, ...]) -> Counts:
    """Count findings per severity."""
    n = {s: 0 for s in Severity}
    for f in findings:
        n[f.severity] += 1
    return Counts(n[Severity.OK], n[Severity.INFO], n[Severity.WARN], n[Severity.ERROR])
