"""Results of ``goarchlab xbuild``: one record per target and the run around them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goarchlab.toolchains.api import Go

#: Status of one target. ``ok``: built, verified (and reproducible when asked).
#: ``build-failed``: the go command failed (``error`` holds its first lines).
#: ``verify-failed``: built, but the artifact is not what was asked for.
#: ``not-reproducible``: two independent builds gave different bytes.
#: ``skipped``: not attempted (``reason`` says why, e.g. cgo without a C cross compiler).
STATUSES = ("ok", "build-failed", "verify-failed", "not-reproducible", "skipped")


@dataclass(frozen=True)
class Check:
    """One verification of an artifact against what the build asked for.

    ``name``: what was checked (``headers``, ``format``, ``arch``, ``stripped``,
    ``dwarf``, ``static``, ``buildinfo``, ``go``, ``GOOS``, ``GOARCH``, a level
    variable such as ``GOAMD64``, ``CGO_ENABLED``, ``-trimpath``, ``-tags``,
    ``-ldflags``, ``-X main.version``, ``no build path``). ``ok``: the artifact
    matches. ``severity``: ``error`` (a mismatch fails the target) or ``warn``
    (reported only). ``source``: where the actual value was read (``header``,
    ``buildinfo``, ``bytes`` for a search of the file's contents).
    """

    name: str
    ok: bool
    expected: str
    actual: str
    source: str
    severity: str = "error"


@dataclass(frozen=True)
class Artifact:
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

    ``target``: ``goos/goarch`` or ``goos/goarch/level``. ``status``: one of
    :data:`STATUSES`. ``reason``: one line saying why a target is not ok.
    ``error``: the first lines of the go command's output when the build failed.
    ``cgo``: CGO_ENABLED used for the build (``"0"``/``"1"``); ``time_s``: wall
    time of the ``go build`` in seconds.
    """

    target: str
    status: str
    reason: str
    error: tuple[str, ...]
    cgo: str
    time_s: float
    artifact: Artifact | None
    checks: tuple[Check, ...]
    reproducible: Reproducibility | None

    @property
    def ok(self) -> bool:
        """True when the target built, verified and (if asked) reproduced."""
        return self.status == "ok"


@dataclass(frozen=True)
class XbuildResult:
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
