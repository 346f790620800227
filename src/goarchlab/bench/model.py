"""Shared result records of ``goarchlab bench``: samples, statistics, variants and runs.

Every record is a frozen dataclass so results can be handed between the engine,
the statistics, the store and the renderers without anyone mutating them.
The statistics records (:class:`Summary`, :class:`Comparison`, the table rows)
mirror golang.org/x/perf/benchmath and cmd/benchstat field by field, because the
numbers they carry are checked against benchstat's own output.

Units: a :class:`Sample`'s values are in its ``unit`` as the benchmark printed it
(``ns/op``, ``B/op``, ``allocs/op``, ``sec/op``, custom units). The table builder in
:mod:`goarchlab.bench.stats` normalises ``ns`` to ``sec`` and ``MB`` to ``B`` exactly as
benchstat does, so its centres are in the tidied unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from goarchlab.outcome import RunnerKind

#: What kind of runner executed a variant's binaries (``Variant.runner_kind``): the
#: values of :class:`goarchlab.outcome.RunnerKind`, the kinds of ``targets.Runner``.
RUNNER_KINDS = tuple(k.value for k in RunnerKind)


@dataclass(frozen=True)
class Sample:
    """Repeated measurements of one metric of one benchmark in one variant.

    ``variant``: the :class:`Variant` name (a column in comparisons).
    ``benchmark``: the full benchmark name without the ``Benchmark`` prefix, including
    sub-benchmark keys and the ``-N`` GOMAXPROCS suffix if any, e.g. ``Sha256/size=64-8``
    (benchstat's ``.fullname``).
    ``unit``: the metric's unit as printed, e.g. ``ns/op``, ``B/op``, ``allocs/op``,
    ``sec/op``, ``B``.
    ``values``: one value per run, in run order (not sorted), finite floats.
    ``iterations``: optional ``b.N`` per run (same length as ``values``), for the
    Go benchmark format; empty when the metric is not from ``go test -bench``.
    """

    variant: str
    benchmark: str
    unit: str
    values: tuple[float, ...]
    iterations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Summary:
    """The median of a sample and its confidence interval (benchmath ``Summary``).

    ``center``: the sample median (R8 quantile, as go-moremath computes it), in the
    sample's unit. ``lo``/``hi``: the confidence interval bounds from order statistics;
    ``-inf``/``+inf`` when the sample is too small for the requested confidence (the
    JSON form turns them into null). ``n``: number of values (>= 1).
    ``confidence``: the *achieved* confidence level of [lo, hi], in [0, 1], at least the
    requested one. ``warnings``: benchstat-style footnotes, e.g.
    ``"need >= 6 samples for confidence interval at level 0.95"``.
    """

    center: float
    lo: float
    hi: float
    n: int
    confidence: float
    warnings: tuple[str, ...] = ()

    def range_pct(self) -> float | None:
        """Half-width of the interval as a percentage of the centre (0..inf).

        The larger of ``hi/center - 1`` and ``1 - lo/center``, times 100, as benchstat's
        ``PctRangeString`` computes it. ``math.inf`` for an infinite bound, ``None`` when
        the bounds' signs differ from the centre's (not expressible as a percentage).
        """
        if math.isinf(self.lo) or math.isinf(self.hi):
            return math.inf
        sign = _sign(self.center)
        if sign != _sign(self.lo) or sign != _sign(self.hi):
            return None
        if self.center == 0:
            return 0.0
        return 100 * max(self.hi / self.center - 1, 1 - self.lo / self.center)

    def range_str(self) -> str:
        """The interval as benchstat prints it after ``±``: ``"3%"``, ``"∞"`` or ``"?"``."""
        pct = self.range_pct()
        if pct is None:
            return "?"
        if math.isinf(pct):
            return "∞"
        return f"{_go_round_half_even(pct)}%"


@dataclass(frozen=True)
class Comparison:
    """A two-sided Mann-Whitney U test between a baseline and a new sample.

    ``delta_pct``: ``(new_center/old_center - 1) * 100`` in percent (any real), ``0.0``
    when the centres are equal, ``None`` when the old centre is 0 (benchstat prints
    ``?``). Reported even when not significant (the verdict then says ``~``).
    ``p_value``: in [0, 1]; 1 when the test could not run (all values equal, empty).
    ``n1``/``n2``: baseline and new sample sizes. ``alpha``: the significance threshold.
    ``verdict``: exactly benchstat's delta column: ``"~"`` when ``p_value > alpha``,
    else ``"+12.34%"``/``"-5.00%"``/``"0.00%"``/``"?"``.
    ``warnings``: e.g. ``"need >= 4 samples to detect a difference at alpha level 0.05"``,
    ``"all samples are equal"``.
    """

    delta_pct: float | None
    p_value: float
    n1: int
    n2: int
    alpha: float
    verdict: str
    warnings: tuple[str, ...] = ()

    @property
    def significant(self) -> bool:
        """True when the test rejects "same distribution" (``p_value <= alpha``)."""
        return self.verdict != "~"

    def p_str(self) -> str:
        """benchstat's ``(p=0.PPP n=N)`` text without the parentheses."""
        s = f"p={self.p_value:.3f} " if self.p_value != 0 else ""
        if self.n1 == self.n2:
            return s + f"n={self.n1}"
        return s + f"n={self.n1}+{self.n2}"


@dataclass(frozen=True)
class TableCell:
    """One variant's entry in a table row: its summary and, off the baseline column,
    its comparison against the baseline (``None`` in the baseline column or when the
    baseline has no sample for this benchmark)."""

    variant: str
    summary: Summary
    comparison: Comparison | None = None


@dataclass(frozen=True)
class TableRow:
    """One benchmark in a :class:`Table`; ``cells`` follow ``Table.columns`` and hold
    ``None`` where a variant has no sample for this benchmark."""

    benchmark: str
    cells: tuple[TableCell | None, ...]


@dataclass(frozen=True)
class GeomeanCell:
    """The geomean row's entry for one column.

    ``value``: geometric mean of the column's centres (tidied unit), ``None`` when a
    centre is <= 0. ``ratio``: geometric mean of new/baseline centre ratios (``None`` in
    the baseline column or when undefined); ``delta_pct`` = ``(ratio - 1) * 100``.
    """

    value: float | None
    ratio: float | None
    warnings: tuple[str, ...] = ()

    @property
    def delta_pct(self) -> float | None:
        """``(ratio - 1) * 100`` in percent, or ``None``."""
        return None if self.ratio is None else (self.ratio - 1) * 100


@dataclass(frozen=True)
class Table:
    """A benchstat-like table for one unit: rows of benchmarks, columns of variants.

    ``unit``: the tidied unit (``sec/op``, ``B/op``, ...). ``columns``: variant names,
    the first is the baseline. ``geomean``: one :class:`GeomeanCell` per column, always
    computed (its value or ratio is ``None`` where undefined); benchstat's text output
    shows the geomean row only for more than one row, see ``geomean_shown``.
    ``footnotes``: the distinct warnings in the order benchstat numbers them.
    ``notes``: goarchlab's own remarks that benchstat does not make (a cell whose
    interval is wider than ±10%), each naming benchmark and variant.
    """

    unit: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    geomean: tuple[GeomeanCell, ...]
    confidence: float
    alpha: float
    footnotes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def geomean_shown(self) -> bool:
        """benchstat's text output shows the geomean row only for more than one row."""
        return len(self.rows) > 1


@dataclass(frozen=True)
class Variant:
    """One side of a benchmark comparison: toolchain x target x runner x env x build flags.

    ``name``: unique within a run, short and printable (e.g. ``native``, ``qemu-arm64``,
    ``go1.22.10``, ``GOGC=50``). ``toolchain_version``: ``go1.27.3`` style.
    ``target``: ``GOOS/GOARCH`` with an optional level, e.g. ``linux/arm64`` or
    ``linux/amd64/v3``. ``runner_kind``: how binaries ran (a
    :class:`~goarchlab.outcome.RunnerKind` value; a plain string when read back from
    the store or a JSON file). ``runner``: the runner's label
    (:attr:`goarchlab.targets.Runner.label`, e.g. ``qemu-aarch64 via binfmt``; empty
    for native).
    ``env``: extra environment as sorted (key, value) pairs. ``build_flags``: extra
    ``go build``/``go test -c`` flags.
    """

    name: str
    toolchain_version: str
    target: str
    runner_kind: str
    env: tuple[tuple[str, str], ...] = ()
    build_flags: tuple[str, ...] = ()
    runner: str = ""

    @property
    def goos(self) -> str:
        """GOOS part of ``target``."""
        return self.target.split("/")[0]

    @property
    def goarch(self) -> str:
        """GOARCH part of ``target``."""
        parts = self.target.split("/")
        return parts[1] if len(parts) > 1 else ""

    @property
    def runner_label(self) -> str:
        """What ran the binaries, for people: the runner's name, else its kind."""
        return self.runner or self.runner_kind


@dataclass(frozen=True)
class RunRecord:
    """One ``goarchlab bench`` run as stored in ``results.db`` and exported as JSON.

    ``run_id``: unique text id (:func:`goarchlab.bench.store.new_run_id`), stable across
    machines so merged results never collide. ``started_at``/``ended_at``: ISO 8601 UTC
    timestamps (``2026-11-27T14:20:00Z``); ``ended_at`` empty while unfinished.
    ``host_json``: the host facts as a JSON object text (``goarchlab.host`` model).
    ``variants``: the compared variants, baseline first. ``samples``: raw measurements.
    ``suites``: suite names or package patterns that ran. ``command_line``: argv of the
    ``goarchlab`` invocation. ``notes``: problems met while running (a crashed or
    hung variant, a pre-flight warning); the finished samples are kept regardless.
    ``complete``: False when the run was cut short (crash, timeout, Ctrl-C).
    ``hostname``: the machine's name, to tell merged results apart.
    """

    run_id: str
    started_at: str
    host_json: str
    variants: tuple[Variant, ...]
    samples: tuple[Sample, ...]
    suites: tuple[str, ...] = ()
    command_line: tuple[str, ...] = ()
    ended_at: str = ""
    notes: tuple[str, ...] = ()
    complete: bool = True
    hostname: str = ""
    goarchlab_version: str = ""


@dataclass(frozen=True)
class RunInfo:
    """One line of ``goarchlab bench history`` (no samples loaded).

    ``n_samples``: number of stored values over all samples. Times as in
    :class:`RunRecord`.
    """

    run_id: str
    started_at: str
    ended_at: str
    suites: tuple[str, ...]
    variants: tuple[str, ...]
    n_samples: int
    complete: bool
    hostname: str


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _go_round_half_even(x: float) -> str:
    # Go's %.0f rounds the exact binary value half to even, like Python's format.
    return f"{x:.0f}"
