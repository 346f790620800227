"""Results of ``goarchlab matrix``: one cell per Go version x target x step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from goarchlab.outcome import Status

if TYPE_CHECKING:
    from goarchlab.toolchains.api import Go

STEPS = ("build", "vet", "test")
#: Cell statuses (:class:`goarchlab.outcome.Status`): ``pass``, ``fail`` (``detail``:
#: the first failing test or the first error line), ``skip`` (``detail``: why it did
#: not run).
STATUSES = tuple(s.value for s in Status)


@dataclass(frozen=True)
class Cell:
    """One step of one Go version on one target.

    ``go``: e.g. ``go1.22.10``; ``target``: ``linux/arm64``; ``step``: build,
    vet or test. ``status``: :class:`~goarchlab.outcome.Status`. ``runner``: how the
    tests ran, the runner's label (:attr:`goarchlab.targets.Runner.label`: ``native``,
    ``qemu-aarch64 via binfmt``, ``qemu-aarch64``, ``rosetta``, a custom command;
    empty for build/vet and skipped tests).
    ``host``: the ``goos/goarch`` of the machine that ran the cell (merged
    results come from several machines). ``time_s``: wall seconds (>= 0).
    """

    go: str
    target: str
    step: str
    status: Status
    detail: str
    time_s: float
    runner: str
    host: str


@dataclass(frozen=True)
class MatrixReport:
    """A whole matrix run (or the merge of several).

    ``hosts``: the machines the cells ran on; ``go_versions`` and ``targets``
    in the order asked; ``packages``: what build and vet ran on; ``test_args``:
    what ``go test`` got; ``wall_s``: wall seconds of the run (of the longest
    run when merged).
    """

    #: v2: a cell's ``runner`` is the runner's label (v1 wrote ``binfmt`` for a kernel
    #: handler and the program's name for a custom runner).
    SCHEMA = "goarchlab.matrix/v2"
    #: Older schemas :func:`goarchlab.matrix.merge.load` still reads (same fields).
    READS = ("goarchlab.matrix/v1", "goarchlab.matrix/v2")

    hosts: tuple[str, ...]
    go_versions: tuple[str, ...]
    targets: tuple[str, ...]
    packages: tuple[str, ...]
    test_args: tuple[str, ...]
    cells: tuple[Cell, ...]
    wall_s: float
    #: Which Go ran each --go version and why (set by the CLI; empty after a merge).
    toolchains: tuple[Go, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no cell failed."""
        return not any(c.status == Status.FAIL for c in self.cells)

    def cell(self, go: str, target: str, step: str) -> Cell | None:
        """The cell of ``go`` x ``target`` x ``step``, or None."""
        return next((c for c in self.cells
                     if (c.go, c.target, c.step) == (go, target, step)), None)
