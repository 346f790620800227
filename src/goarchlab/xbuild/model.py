"""Results of ``goarchlab xbuild``: one record per target and the run around them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from goarchlab.outcome import Severity, Status

if TYPE_CHECKING:
    from goarchlab.toolchains.api import Go

class TargetStatus(enum.StrEnum):
    """Status of one target; :attr:`outcome` maps it onto the shared
    :class:`goarchlab.outcome.Status` (the values stay those of goarchlab.xbuild/v1).

    ``ok``: built, verified (and reproducible when asked). ``build-failed``: the go
    command failed (``error`` holds its first lines). ``verify-failed``: built, but the
    artifact is not what was asked for. ``not-reproducible``: two independent builds
    gave different bytes. ``skipped``: not attempted (``reason`` says why, e.g. cgo
    without a C cross compiler).
    """

    OK = "ok"
    BUILD_FAILED = "build-failed"
    VERIFY_FAILED = "verify-failed"
    NOT_REPRODUCIBLE = "not-reproducible"
    SKIPPED = "skipped"

    @property
    def outcome(self) -> Status:
        """pass (ok), skip (skipped) or fail (the three failures)."""
        return {TargetStatus.OK: Status.PASS, TargetStatus.SKIPPED: Status.SKIP}.get(
            self, Status.FAIL)


#: The target statuses as strings, in order.
STATUSES = tuple(s.value for s in TargetStatus)


@dataclass(frozen=True)
class ArtifactCheck:
    """One verification of an artifact against what the build asked for.

    ``name``: what was checked (``headers``, ``format``, ``arch``, ``stripped``,
    ``dwarf``, ``static``, ``buildinfo``, ``go``, ``GOOS``, ``GOARCH``, a level
    variable such as ``GOAMD64``, ``CGO_ENABLED``, ``-trimpath``, ``-tags``,
    ``-ldflags``, ``-X main.version``, ``no build path``). ``ok``: the artifact
    matches. ``severity`` (:class:`goarchlab.outcome.Severity`): ``error`` (a
    mismatch fails the target) or ``warn`` (reported only). ``source``: where the
    actual value was read (``header``, ``buildinfo``, ``bytes`` for a search of the
    file's contents).
    """

    name: str
    ok: bool
    expected: str
    actual: str
    source: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class BuildArtifact:
    """A built file: its ``path`` (final, under the output directory), ``size``
    in bytes, ``sha256`` (hex), header ``format`` (elf, macho, pe, or ``unknown``
    when goarchlab cannot read it), and the facts read from it."""

    path: str
    size: int
    sha256: str
    format: str
    arch: str
    static: bool | None
    stripped: bool | None
    dwarf: bool | None
    go_version: str
    settings: dict[str, str]


@dataclass(frozen=True)
class Reproducibility:
    """The second, independent build of ``--reproducible``.

    ``ok``: both builds gave identical bytes. ``sha256``: the second build's
    hash. ``workdir``: how the second build's source tree was made (``copy`` of
    the module or ``git clone`` of its repository) and ``cache``: ``fresh`` (an
    empty GOCACHE, as on another machine) or ``shared``. ``detail``: what differs
    (the first differing build-info setting, or the first differing offset).
    """

    ok: bool
    sha256: str
    workdir: str
    cache: str
    detail: str
    time_s: float


@dataclass(frozen=True)
class TargetResult:
    """One target of the run.

    ``target``: ``goos/goarch`` or ``goos/goarch/level``. ``status``: a
    :class:`TargetStatus`. ``reason``: one line saying why a target is not ok.
    ``error``: the first lines of the go command's output when the build failed.
    ``cgo``: CGO_ENABLED used for the build (``"0"``/``"1"``); ``time_s``: wall
    time of the ``go build`` in seconds.
    """

    target: str
    status: TargetStatus
    reason: str
    error: tuple[str, ...]
    cgo: str
    time_s: float
    artifact: BuildArtifact | None
    checks: tuple[ArtifactCheck, ...]
    reproducible: Reproducibility | None

    @property
    def ok(self) -> bool:
        """True when the target built, verified and (if asked) reproduced."""
        return self.status == TargetStatus.OK


@dataclass(frozen=True)
class XbuildReport:
    """A whole ``goarchlab xbuild`` run.

    ``package``: the main package's import path; ``name``: the artifact base
    name; ``go``: the toolchain version; ``goroot``; ``out_dir``; ``flags``: the
    build flags given (``ldflags``, ``trimpath``, ``tags``, ``cgo``: ``0``/``1``
    forced or ``default``); ``jobs``: parallel
    builds (>= 1); ``wall_s``: wall time of the whole run in seconds.
    ``sha256sums``/``manifest``: the files written (None when no target succeeded).
    ``toolchain``: which Go ran and why (goarchlab.toolchains.api.Go;
    set by the CLI, None otherwise).
    """

    SCHEMA = "goarchlab.xbuild/v1"

    package: str
    name: str
    go: str
    goroot: str
    out_dir: str
    flags: dict[str, str]
    jobs: int
    wall_s: float
    targets: tuple[TargetResult, ...]
    sha256sums: str | None
    manifest: str | None
    toolchain: Go | None = None

    @property
    def ok(self) -> bool:
        """True when every target is ok."""
        return all(t.ok for t in self.targets)
