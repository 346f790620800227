"""Benchmark statistics as benchstat computes them: summaries, comparisons, tables.

The rules are golang.org/x/perf/benchmath's ``AssumeNothing`` (the default for every
unit): the centre is the median, its interval comes from order statistics, and two
samples are compared with a two-sided Mann-Whitney U test; a difference is reported
only when ``p <= alpha`` (benchstat prints ``~`` when ``p > alpha``). Units the
caller marks ``assume="exact"`` (benchstat takes that from a ``Unit <unit>
assume=exact`` line; :func:`build_tables`'s ``assume``) use ``AssumeExact``: the
mode, no test, and a warning when the values vary.

Warnings carry benchstat's own wording so users can look them up. goarchlab adds one
note benchstat does not print (benchstat v2 has no variance warning): see
:data:`HIGH_VARIANCE_PCT`. It is kept out of the comparison with benchstat.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

from goarchlab.bench import benchmath
from goarchlab.bench.benchfmt import tidy_unit
from goarchlab.bench.model import (
    Comparison,
    GeomeanCell,
    Sample,
    Summary,
    Table,
    TableCell,
    TableRow,
)

DEFAULT_CONFIDENCE = 0.95
DEFAULT_ALPHA = 0.05
#: goarchlab's own note (not benchstat's) when a CI's half-width exceeds this percent.
HIGH_VARIANCE_PCT = 10.0
HIGH_VARIANCE_NOTE = (
    "high variance: ±{pct:.0f}% (over ±{limit:.0f}%); the machine may be busy, "
    "or the benchmark needs more runs"
)

_MEDIAN_SAMPLES_LIMIT = 50
_U_TEST_TABLE_LIMIT = 9  # benchmath tabulates the U test's minimum p up to n=9


def _go_v(x: float) -> str:
    """A float as Go's ``%v`` prints it (benchstat formats its warnings so): shortest
    digits, exponent form when the decimal exponent is below -4 or at least 6
    (``0.95``, ``1e-05``, ``123456``, ``3.248288e+06``)."""
    if not math.isfinite(x):
        return {math.inf: "+Inf", -math.inf: "-Inf"}.get(x, "NaN")
    if x == 0:
        return "0"
    d = Decimal(repr(float(x))).normalize()
    exp = d.adjusted()
    if -4 <= exp < 6:
        return format(d, "f")
    sign, digits, _ = d.as_tuple()
    mant = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    return f"{'-' if sign else ''}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def min_samples_for_ci(confidence: float) -> tuple[str, int]:
    """(op, n): the fewest values giving a finite median CI at ``confidence`` (0..1),
    e.g. ``(">=", 6)`` at 0.95; ``(">", 50)`` when even 50 is not enough."""
    for n in range(2, _MEDIAN_SAMPLES_LIMIT + 1):
        ci = benchmath.quantile_ci(n, 0.5, confidence)
        if ci.lo_order > 0 and ci.hi_order <= n:
            return ">=", n
    return ">", _MEDIAN_SAMPLES_LIMIT


def min_samples_for_test(alpha: float) -> tuple[str, int]:
    """(op, n): the fewest values per side with which the U test can reach ``alpha``,
    e.g. ``(">=", 4)`` at 0.05; ``(">", 10)`` beyond benchmath's table."""
    for n in range(1, _U_TEST_TABLE_LIMIT + 1):
        if benchmath.u_test_min_p(n) <= alpha:
            return ">=", n
    return ">", _U_TEST_TABLE_LIMIT + 1


def summarize(
    values: Sequence[float], confidence: float = DEFAULT_CONFIDENCE, *, assume: str = "nothing"
) -> Summary:
    """Median of ``values`` (n >= 1) and its ``confidence`` (0..1) interval.

    ``assume="exact"`` summarises by the mode with [min, max] as the interval and warns
    when the values differ. Raises ``ValueError`` for an empty sequence.
    """
    if not values:
        raise ValueError("cannot summarize an empty sample")
    xs = sorted(float(v) for v in values)
    if assume == "exact":
        return _summarize_exact(xs)
    ci = benchmath.quantile_ci(len(xs), 0.5, confidence)
    center = benchmath.median(xs)
    lo, hi = ci.bounds(xs)
    warnings: list[str] = []
    if math.isinf(lo) or math.isinf(hi):
        op, need = min_samples_for_ci(confidence)
        warnings.append(
            f"need {op} {need} samples for confidence interval at level {_go_v(confidence)}"
        )
    return Summary(center, lo, hi, len(xs), ci.confidence, tuple(warnings))


def _summarize_exact(xs: list[float]) -> Summary:
    mode, count, best = xs[0], 0, 0
    run_val = xs[0]
    for v in xs:
        count = count + 1 if v == run_val else 1
        run_val = v
        if count > best:
            mode, best = v, count
    warnings = ()
    if best != len(xs):
        warnings = (
            f"exact distribution expected, but values range from {_go_v(xs[0])} to {_go_v(xs[-1])}",
        )
    return Summary(mode, xs[0], xs[-1], len(xs), 1.0, warnings)


def format_delta(p_value: float, alpha: float, old: float, new: float) -> str:
    """benchstat's delta column: ``~`` when ``p_value > alpha``, else ``+X.XX%``,
    ``0.00%`` for equal centres, ``?`` when the old centre is 0."""
    if p_value > alpha:
        return "~"
    if old == new:
        return "0.00%"
    if old == 0:
        return "?"
    return f"{((new / old) - 1.0) * 100.0:+.2f}%"


def delta_pct(old: float, new: float) -> float | None:
    """Percent change of the centre, ``(new/old - 1) * 100``; None when old is 0."""
    if old == new:
        return 0.0
    if old == 0:
        return None
    return ((new / old) - 1.0) * 100.0


def compare(
    a_values: Sequence[float],
    b_values: Sequence[float],
    alpha: float = DEFAULT_ALPHA,
    *,
    assume: str = "nothing",
    a_center: float | None = None,
    b_center: float | None = None,
) -> Comparison:
    """Compare baseline ``a_values`` with ``b_values`` (two-sided U test at ``alpha``).

    The delta is between the medians (or the given centres, which callers that already
    summarised pass to avoid recomputing). ``p_value`` is in [0, 1] (benchstat's raw
    value capped at 1, see below); it is 1 with the warning
    ``"all samples are equal"`` when every value is the same. ``assume="exact"``
    skips the test (p=0, always a delta) as benchmath's AssumeExact.
    """
    n1, n2 = len(a_values), len(b_values)
    if a_center is None:
        a_center = summarize(a_values, assume=assume).center if n1 else math.nan
    if b_center is None:
        b_center = summarize(b_values, assume=assume).center if n2 else math.nan
    if assume == "exact":
        # benchmath's AssumeExact leaves alpha at 0 and p at 0: the delta always shows.
        p, cmp_alpha, warnings = 0.0, 0.0, []
    else:
        cmp_alpha = alpha
        warnings = []
        try:
            _, p = benchmath.mann_whitney_u(a_values, b_values)
            # With ties the exact U distribution is asymmetric and doubling its
            # smaller tail can exceed 1 (benchstat prints e.g. p=1.333 for [1 2] vs
            # [2]). A probability above 1 means nothing; cap it. The verdict is "~"
            # either way, so only the printed p differs from benchstat's.
            p = min(p, 1.0)
        except ValueError as e:  # includes SamplesEqualError
            p = 1.0
            warnings.append(str(e))
        else:
            if p > alpha:
                op, need = min_samples_for_test(alpha)
                if n1 < need and n2 < need:
                    warnings.append(
                        f"need {op} {need} samples to detect a difference at alpha level "
                        f"{_go_v(alpha)}"
                    )
    return Comparison(
        delta_pct=delta_pct(a_center, b_center),
        p_value=p,
        n1=n1,
        n2=n2,
        alpha=cmp_alpha,
        verdict=format_delta(p, cmp_alpha, a_center, b_center),
        warnings=tuple(warnings),
    )


def geomean(values: Iterable[float]) -> float | None:
    """Geometric mean of positive values (benchstat's geomean row); None if any <= 0
    or none given."""
    gm = benchmath.geomean(list(values))
    return None if math.isnan(gm) else gm


def variance_note(summary: Summary, limit_pct: float = HIGH_VARIANCE_PCT) -> str | None:
    """goarchlab's own high-variance note for ``summary`` when its interval's half-width
    exceeds ``limit_pct`` percent (not a benchstat warning); None otherwise."""
    pct = summary.range_pct()
    if pct is not None and not math.isinf(pct) and pct > limit_pct:
        return HIGH_VARIANCE_NOTE.format(pct=pct, limit=limit_pct)
    return None


def build_tables(
    samples: Iterable[Sample],
    columns: Sequence[str] | None = None,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    alpha: float = DEFAULT_ALPHA,
    assume: dict[str, str] | None = None,
) -> tuple[Table, ...]:
    """benchstat-like tables, one per (tidied) unit, as data for the renderers.

    ``samples``: any order; samples of the same (variant, benchmark, unit) are pooled.
    ``columns``: variant names in column order, the first is the baseline (default:
    order of first appearance); variants not listed are dropped. Rows follow the first
    appearance of each benchmark; tables follow the first appearance of each unit.
    Units are tidied as benchstat does (``ns/op`` values become ``sec/op`` seconds).
    ``assume``: per tidied unit, ``"exact"`` or ``"nothing"`` (default).
    """
    assume = assume or {}
    pooled: dict[str, dict[tuple[str, str], list[float]]] = {}
    seen_cols: list[str] = []
    rows_by_unit: dict[str, list[str]] = {}
    for s in samples:
        unit, factor = tidy_unit(s.unit)
        cell = pooled.setdefault(unit, {}).setdefault((s.benchmark, s.variant), [])
        cell.extend(v * factor for v in s.values)
        rows = rows_by_unit.setdefault(unit, [])
        if s.benchmark not in rows:
            rows.append(s.benchmark)
        if s.variant not in seen_cols:
            seen_cols.append(s.variant)
    cols = tuple(columns) if columns is not None else tuple(seen_cols)
    tables = []
    for unit, cells in pooled.items():
        tables.append(
            _build_table(
                unit,
                cells,
                rows_by_unit[unit],
                cols,
                confidence,
                alpha,
                assume.get(unit, "nothing"),
            )
        )
    return tuple(tables)


def _build_table(
    unit: str,
    cells: dict[tuple[str, str], list[float]],
    row_names: list[str],
    cols: tuple[str, ...],
    confidence: float,
    alpha: float,
    assume: str,
) -> Table:
    rows: list[TableRow] = []
    footnotes: list[str] = []
    notes: list[str] = []

    def note(msgs: Iterable[str]) -> None:
        for m in msgs:
            if m not in footnotes:
                footnotes.append(m)

    for name in row_names:
        if not any((name, c) in cells for c in cols):
            continue
        base_vals = cells.get((name, cols[0])) if cols else None
        base_sum = summarize(base_vals, confidence, assume=assume) if base_vals else None
        row_cells: list[TableCell | None] = []
        for i, col in enumerate(cols):
            vals = cells.get((name, col))
            if not vals:
                row_cells.append(None)
                continue
            summ = base_sum if i == 0 else summarize(vals, confidence, assume=assume)
            cmp = None
            if i > 0 and base_vals and base_sum is not None:
                cmp = compare(
                    base_vals,
                    vals,
                    alpha,
                    assume=assume,
                    a_center=base_sum.center,
                    b_center=summ.center,
                )
            note(summ.warnings)
            hv = variance_note(summ)
            if hv is not None:
                notes.append(f"{name} ({col}): {hv}")
            if cmp is not None:
                note(cmp.warnings)
            row_cells.append(TableCell(col, summ, cmp))
        rows.append(TableRow(name, tuple(row_cells)))
    geo = tuple(_geomean_cell(rows, i) for i in range(len(cols)))
    if len(rows) > 1:
        for g in geo:
            note(g.warnings)
    return Table(unit, cols, tuple(rows), geo, confidence, alpha, tuple(footnotes), tuple(notes))


def _geomean_cell(rows: list[TableRow], col: int) -> GeomeanCell:
    n_base = sum(1 for r in rows if r.cells[0] is not None)
    centers: list[float] = []
    ratios: list[float] = []
    bad_ratio = False
    warnings: list[str] = []
    for r in rows:
        cell = r.cells[col]
        if cell is None:
            continue
        centers.append(cell.summary.center)
        base = r.cells[0]
        if col > 0 and base is not None:
            a, b = cell.summary.center, base.summary.center
            if a == b:
                ratios.append(1.0)
            elif b == 0:
                bad_ratio = True
                ratios.append(0.0)
            else:
                ratios.append(a / b)
    if col > 0 and n_base != len(ratios):
        warnings.append("benchmark set differs from baseline; geomeans may not be comparable")
    value = geomean(centers)
    if value is None:
        warnings.append("summaries must be >0 to compute geomean")
    ratio = None
    if col > 0 and not bad_ratio:
        ratio = geomean(ratios)
        if ratio is None:
            warnings.append("ratios must be >0 to compute geomean")
    return GeomeanCell(value, ratio, tuple(warnings))
