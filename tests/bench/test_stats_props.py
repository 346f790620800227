"""Properties of the statistics (hypothesis) and an independent brute-force oracle
for the exact Mann-Whitney distribution, ties included."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goarchlab.bench import benchmath, stats
from goarchlab.bench.model import Sample

small_ints = st.lists(st.integers(-50, 50), min_size=1, max_size=12)
values = st.lists(
    st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
)


def brute_force_p(x1: list[float], x2: list[float]) -> float:
    """Two-sided p by enumerating every split of the pooled values (mid-ranks for
    ties), with benchmath's definition: 2 * P(U1 <= min(U1, U2)), 1 when U1 == U2."""
    pooled = sorted(x1 + x2)
    ranks: dict[float, float] = {}
    for v in set(pooled):
        idx = [i + 1 for i, w in enumerate(pooled) if w == v]
        ranks[v] = sum(idx) / len(idx)
    n1, n2 = len(x1), len(x2)

    def u_of(group: list[float]) -> float:
        return sum(ranks[v] for v in group) - n1 * (n1 + 1) / 2

    u1 = u_of(x1)
    u_small = min(u1, n1 * n2 - u1)
    if u1 == n1 * n2 - u1:
        return 1.0
    hits = total = 0
    for combo in itertools.combinations(range(n1 + n2), n1):
        total += 1
        hits += u_of([pooled[i] for i in combo]) <= u_small + 1e-9
    return 2 * hits / total


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=7),
    st.lists(st.integers(0, 6), min_size=1, max_size=7),
)
def test_exact_u_matches_enumeration(a: list[int], b: list[int]) -> None:
    xa, xb = [float(v) for v in a], [float(v) for v in b]
    if len(set(xa + xb)) == 1:
        with pytest.raises(benchmath.SamplesEqualError):
            benchmath.mann_whitney_u(xa, xb)
        return
    _, p = benchmath.mann_whitney_u(xa, xb)
    assert p == pytest.approx(brute_force_p(xa, xb), abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(values, values)
def test_p_is_a_probability(a: list[float], b: list[float]) -> None:
    c = stats.compare(a, b)
    assert 0.0 <= c.p_value <= 1.0 + 1e-12
    assert (c.verdict == "~") == (c.p_value > c.alpha)
    assert c.n1 == len(a) and c.n2 == len(b)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=60, unique=True))
def test_no_ties_is_symmetric(pool: list[float]) -> None:
    """Without ties swapping the samples gives the same p and the mirrored delta."""
    if len(pool) < 2:
        return
    cut = len(pool) // 2
    a, b = pool[:cut], pool[cut:]
    if not a:
        return
    ab, ba = stats.compare(a, b), stats.compare(b, a)
    assert ab.p_value == pytest.approx(ba.p_value, abs=1e-12)
    assert ab.significant == ba.significant


@settings(max_examples=200, deadline=None)
@given(small_ints, small_ints, st.integers(-1000, 1000))
def test_shift_invariance(a: list[int], b: list[int], shift: int) -> None:
    """Adding a constant to both samples keeps the ranks, hence p (exact in integers)."""
    p1 = stats.compare([float(v) for v in a], [float(v) for v in b]).p_value
    p2 = stats.compare([float(v + shift) for v in a], [float(v + shift) for v in b]).p_value
    assert p1 == p2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=30), st.integers(2, 64))
def test_summary_bounds_and_scale(vals: list[int], k: int) -> None:
    s = stats.summarize([float(v) for v in vals])
    assert s.lo <= s.center <= s.hi
    assert min(vals) <= s.center <= max(vals)
    # Order statistics scale with the data (powers of two keep it exact).
    s2 = stats.summarize([float(v) * k for v in vals]) if k & (k - 1) == 0 else None
    if s2 is not None:
        assert s2.center == s.center * k and s2.lo == s.lo * k and s2.hi == s.hi * k
    finite = not (math.isinf(s.lo) or math.isinf(s.hi))
    assert finite == (len(vals) >= 6)
    assert finite == (not s.warnings)
    assert s.confidence >= 0.95


def test_p_above_one_is_capped() -> None:
    """benchstat prints p=1.333 for [1 2] vs [2] (checked with benchstat 2026-09-08);
    benchmath reproduces it, stats caps it at 1 with the same verdict."""
    assert benchmath.mann_whitney_u([1.0, 2.0], [2.0])[1] == pytest.approx(4 / 3)
    c = stats.compare([1.0, 2.0], [2.0])
    assert c.p_value == 1.0 and c.verdict == "~"


def test_warnings_carry_benchstats_wording() -> None:
    assert stats.summarize([1, 2, 3]).warnings == (
        "need >= 6 samples for confidence interval at level 0.95",
    )
    assert stats.summarize([1, 2, 3], confidence=0.9).warnings == (
        "need >= 5 samples for confidence interval at level 0.9",
    )
    c = stats.compare([1, 2, 3], [4, 5, 6])
    assert c.verdict == "~" and c.p_value == pytest.approx(0.1)
    assert c.warnings == ("need >= 4 samples to detect a difference at alpha level 0.05",)
    assert stats.compare([5, 5, 5, 5], [5, 5, 5, 5]).warnings == ("all samples are equal",)
    # With 4 per side the smallest p is 2/70 < 0.05: a complete separation is significant.
    c4 = stats.compare([1, 2, 3, 4], [5, 6, 7, 8])
    assert c4.verdict == "+160.00%" and c4.p_value == pytest.approx(2 / 70)
    assert stats.min_samples_for_test(0.001) == (">=", 7)


def test_delta_and_verdict_edges() -> None:
    assert stats.format_delta(0.05, 0.05, 1.0, 2.0) == "+100.00%"  # p == alpha counts
    assert stats.format_delta(0.0501, 0.05, 1.0, 2.0) == "~"
    assert stats.format_delta(0.01, 0.05, 0.0, 2.0) == "?"
    assert stats.format_delta(0.01, 0.05, 3.0, 3.0) == "0.00%"
    assert stats.delta_pct(0.0, 1.0) is None
    exact = stats.compare([100.0], [110.0], assume="exact")
    assert exact.verdict == "+10.00%" and exact.p_value == 0 and exact.p_str() == "n=1"
    s = stats.summarize([7.0, 7.0, 8.0], assume="exact")
    assert s.center == 7.0 and s.warnings == (
        "exact distribution expected, but values range from 7 to 8",
    )


def test_geomean_and_tables() -> None:
    assert stats.geomean([1.0, 100.0]) == pytest.approx(10.0)
    assert stats.geomean([1.0, 0.0]) is None
    samples = [
        Sample("a", "X", "ns/op", (10.0, 11, 12, 10, 11, 12)),
        Sample("b", "X", "ns/op", (20.0, 22, 24, 20, 22, 24)),
        Sample("a", "Y", "ns/op", (5.0, 5, 5, 5, 5, 5)),
        Sample("b", "Y", "ns/op", (5.0, 5, 5, 5, 5, 5)),
        Sample("a", "Z", "B/op", (1.0,)),
    ]
    (t, t2) = stats.build_tables(samples)
    assert t.unit == "sec/op" and t.columns == ("a", "b") and t2.unit == "B/op"
    x = t.rows[0].cells[1]
    assert x.summary.center == pytest.approx(22e-9) and x.comparison.verdict == "+100.00%"
    assert t.geomean[1].delta_pct == pytest.approx((math.sqrt(2) - 1) * 100)
    assert "all samples are equal" in t.footnotes
    assert t.notes == ()  # ±9% is under goarchlab's ±10% note threshold
    assert t2.rows[0].cells[1] is None and not t2.geomean_shown
    assert t2.geomean[1].warnings == (
        "benchmark set differs from baseline; geomeans may not be comparable",
        "summaries must be >0 to compute geomean",
        "ratios must be >0 to compute geomean",
    )


def test_high_variance_note_is_goarchlabs_own() -> None:
    noisy = [Sample("a", "N", "ns/op", (10.0, 20, 15, 10, 20, 15)),
             Sample("b", "N", "ns/op", (15.0, 15, 15, 15, 15, 15))]  # fmt: skip
    (t,) = stats.build_tables(noisy)
    assert t.notes == (
        "N (a): high variance: ±33% (over ±10%); the machine may be busy, "
        "or the benchmark needs more runs",
    )
    assert not any("variance" in f for f in t.footnotes)  # not a benchstat footnote


def test_numbers_in_warnings_print_as_go_v() -> None:
    """Recorded from fmt.Sprintf("%v", x) with go1.27.3."""
    xs = [0.95, 0.05, 1e-5, 123456, 1234567, 1e6, 999999, 100, 0.0001, 3248288, 1e21,
          2.5e-7, 3, 1e20, 12345678.5]  # fmt: skip
    go = ("0.95|0.05|1e-05|123456|1.234567e+06|1e+06|999999|100|0.0001|3.248288e+06|"
          "1e+21|2.5e-07|3|1e+20|1.23456785e+07")  # fmt: skip
    assert "|".join(stats._go_v(x) for x in xs) == go
