"""The numerical core behind benchstat, reimplemented so goarchlab's numbers equal its.

Why our own code: goarchlab promises benchstat's verdicts without asking users to
install Go tools, so the three procedures benchstat (golang.org/x/perf/benchmath,
on top of github.com/aclements/go-moremath/stats) uses are written here from their
definitions, following the same arithmetic where a last-bit difference could flip a
decision:

* :func:`median` — the R8 sample quantile at q=0.5 (Hyndman & Fan 1996).
* :func:`quantile_ci` — the confidence interval of a quantile from order statistics:
  exact binomial accumulation outward from the mode (left-biased) for n <= 30, the
  normal approximation with continuity correction above.
* :func:`mann_whitney_u` — the two-sided Mann-Whitney U test: the exact U distribution
  (Mann & Whitney 1947 recurrence) without ties up to 50 values per side, the exact
  distribution with ties (enumerated over tie groups, Klotz 1966) up to 25, else the
  normal approximation with tie and continuity corrections.

``tests/bench/test_stats_benchstat.py`` checks all of it against the benchstat binary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

#: Largest sample size (each side) for the exact U distribution without ties.
EXACT_LIMIT = 50
#: Largest sample size (each side) for the exact U distribution with ties.
TIES_EXACT_LIMIT = 25
#: Up to this n the median CI sums the exact binomial distribution.
QUANTILE_CI_EXACT_LIMIT = 30


class SamplesEqualError(ValueError):
    """Every value of both samples is the same: the U test is meaningless."""

    def __init__(self) -> None:
        super().__init__("all samples are equal")


def median(sorted_values: Sequence[float]) -> float:
    """The R8 quantile at 0.5 of ascending ``sorted_values`` (n >= 1); NaN when empty."""
    return quantile(sorted_values, 0.5)


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The R8 sample quantile of ascending ``sorted_values`` at ``q`` in [0, 1]."""
    xs = sorted_values
    if not xs:
        return math.nan
    if q <= 0:
        return xs[0]
    if q >= 1:
        return xs[-1]
    n = 1 / 3.0 + q * (len(xs) + 1 / 3.0)  # same operation order as go-moremath
    frac, kf = math.modf(n)
    k = int(kf)
    if k <= 0:
        return xs[0]
    if k >= len(xs):
        return xs[-1]
    return xs[k - 1] + frac * (xs[k] - xs[k - 1])


@dataclass(frozen=True)
class QuantileCI:
    """Order statistics bounding a quantile's confidence interval.

    ``lo_order``/``hi_order`` are 1-based: the interval is ``xs[lo_order-1]`` to
    ``xs[hi_order-1]``; ``lo_order < 1`` means -inf and ``hi_order > n`` means +inf.
    ``confidence`` is the achieved level in [0, 1].
    """

    n: int
    quantile: float
    confidence: float
    lo_order: int
    hi_order: int

    def bounds(self, sorted_values: Sequence[float]) -> tuple[float, float]:
        """(lo, hi) of the interval for ascending ``sorted_values`` of length ``n``."""
        lo = -math.inf if self.lo_order < 1 else sorted_values[self.lo_order - 1]
        hi = (
            math.inf
            if self.hi_order - 1 >= len(sorted_values)
            else sorted_values[self.hi_order - 1]
        )
        return lo, hi


def _choose(n: int, k: int) -> float:
    # Binomial coefficient as go-moremath's mathx.Choose returns it: exact up to n=20,
    # exp(lgamma) beyond. The rounding matters: it breaks ties between mirror-image
    # binomial probabilities in quantile_ci.
    if k == 0 or k == n:
        return 1.0
    if k < 0 or n < k:
        return 0.0
    if n <= 20:
        return float(math.comb(n, k))
    return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1))


#: How go-moremath's float binomial coefficients compare for mirror pairs:
#: ``_GO_CHOOSE_MIRROR[n][k]`` is the sign of Choose(n, k) - Choose(n, n-k) for k < n/2.
#: The two are equal mathematically, but for 20 < n benchstat computes them as
#: exp(lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1)) and the subtraction order leaves
#: them a few ulps apart; the median CI's left-or-right choice for equal binomial
#: probabilities follows those bits and so moves the interval by one order statistic.
#: Recorded from mathx.Choose as benchstat runs it on linux/amd64 (Go's amd64 math.Exp
#: with FMA); n above 30 uses the normal approximation and needs no table.
_GO_CHOOSE_MIRROR: dict[int, str] = {
    21: "==-=-=+-+==",
    22: "==-=-=+-+=-",
    23: "==-=-=+-+=+=",
    24: "==-=-=+-+=+-",
    25: "==-=-=+-+=-=+",
    26: "==-=-=+-+=-==",
    27: "==-=-=+-+=--=-",
    28: "==-=-=+-+=-=--",
    29: "==-=----+=-==-=",
    30: "==-=-----=-==--",
}


def _left_first(n: int, q: float, kl: int, kr: int, lp: float, rp: float) -> bool:
    # The CI grows towards the larger neighbouring probability, left on ties. For the
    # median, mirror-image probabilities are equal; decide them as benchstat's floats do.
    if q == 0.5 and kl + kr == n and n in _GO_CHOOSE_MIRROR:
        k = min(kl, kr)
        sign = _GO_CHOOSE_MIRROR[n][k]
        if sign == "=":
            return True
        return (sign == "+") == (k == kl)
    return lp >= rp


def _binom_pmf(n: int, p: float, k: int) -> float:
    if k < 0 or k > n:
        return 0.0
    return _choose(n, k) * math.pow(p, k) * math.pow(1 - p, n - k)


def _norm_cdf(x: float, mu: float = 0.0, sigma: float = 1.0) -> float:
    return math.erfc(-(x - mu) / (sigma * math.sqrt(2))) / 2


def _norm_inv_cdf(p: float, mu: float, sigma: float) -> float:
    # Acklam's rational approximation plus one Halley refinement step, as go-moremath.
    a = (
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    )
    b = (
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    )
    c = (
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    )
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    plow = 0.02425
    if p < 0 or p > 1:
        return math.nan
    if p == 0:
        return -math.inf
    if p == 1:
        return math.inf
    if p < plow or 1 - plow < p:
        q = math.sqrt(-2 * math.log(p if p < plow else 1 - p))
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        )
        if p >= plow:
            x = -x
    else:
        q = p - 0.5
        r = q * q
        x = (
            (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
            * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        )
    e = 0.5 * math.erfc(-x / math.sqrt(2)) - p
    u = e * math.sqrt(2 * math.pi) * math.exp(x * x / 2)
    x = x - u / (1 + x * u / 2)
    return x * sigma + mu


@lru_cache(maxsize=512)
def quantile_ci(n: int, q: float, confidence: float) -> QuantileCI:
    """Order statistics of the ``confidence`` interval (0..1) of quantile ``q`` (0..1)
    in a sample of ``n`` >= 0 values, as go-moremath's ``stats.QuantileCI``."""
    if confidence >= 1:
        return QuantileCI(n, q, 1.0, 0, n + 1)
    if n <= QUANTILE_CI_EXACT_LIMIT:
        # The number of values below the population quantile is Binomial(n, q); add
        # probability outward from the (lower) mode, the larger neighbour first and
        # the left one on ties, until the level is reached.
        x = int(math.ceil(float(n + 1) * q) - 1)
        if q == 0:
            x = 0
        accum = _binom_pmf(n, q, x)
        lo, hi = x, x + 1
        lp, rp = _binom_pmf(n, q, lo - 1), _binom_pmf(n, q, hi)
        while accum < confidence and (lp > 0 or rp > 0):
            if _left_first(n, q, lo - 1, hi, lp, rp):
                accum += lp
                lo -= 1
                lp = _binom_pmf(n, q, lo - 1)
            else:
                accum += rp
                hi += 1
                rp = _binom_pmf(n, q, hi)
        achieved = accum
    else:
        mu = n * q
        sigma = math.sqrt(n * q * (1 - q))
        l1 = _norm_inv_cdf((1 - confidence) / 2, mu, sigma)
        r1 = 2 * mu - l1
        lo = math.floor(math.floor(l1 - 0.5) + 0.5) + 1
        hi = math.floor(math.ceil(r1 - 0.5) + 0.5) + 1

        def cdf(a: int, b: int) -> float:
            return _norm_cdf(b - 0.5, mu, sigma) - _norm_cdf(a - 0.5, mu, sigma)

        achieved = cdf(lo, hi)
        biased = cdf(lo, hi - 1)
        if biased >= confidence and biased < achieved:
            achieved, hi = biased, hi - 1
        if lo <= 0 and hi >= n + 1:
            achieved = 1.0
    return QuantileCI(n, q, achieved, max(lo, 0), min(hi, n + 1))


@lru_cache(maxsize=256)
def _u_dist_no_ties(n1: int, n2: int, u_max: int) -> tuple[float, ...]:
    # Mann & Whitney's recurrence p[n,m](U) = (n p[n-1,m](U-m) + m p[n,m-1](U)) / (n+m),
    # evaluated in the same order and precision as go-moremath so p-values agree to the
    # last bit (a p exactly at alpha must get the same verdict). Each row is built with
    # a comprehension from the previous rows, which is what go-moremath's in-place
    # update computes too (it reads index U of the old rows only).
    nn, mm = (n1, n2) if n1 <= n2 else (n2, n1)
    memo = [[0.0] * (u_max + 1) for _ in range(nn + 1)]
    for m in range(mm + 1):
        memo[0][0] = 1.0
        for n in range(1, min(nn, m) + 1):
            lp = memo[n - 1]
            rp = memo[n] if n <= m - 1 else memo[m - 1]
            ulim = min(n * m, u_max)
            nm = float(n + m)
            fn, fm = float(n), float(m)
            head = [(0.0 + fm * rp[u]) / nm for u in range(min(m, ulim + 1))]
            tail = [(fn * lp[u - m] + fm * rp[u]) / nm for u in range(m, ulim + 1)]
            memo[n][: ulim + 1] = head + tail
    return tuple(memo[nn])


def _u_cdf_no_ties(n1: int, n2: int, u: float) -> float:
    if u < 0:
        return 0.0
    if u >= n1 * n2:
        return 1.0
    ui = math.floor(u)
    flip = ui >= (n1 * n2 + 1) // 2
    if flip:
        ui = n1 * n2 - ui - 1
    # The recurrence's value at U never depends on larger U, so one table up to the
    # largest U a CDF can need serves every call for this (n1, n2): a table of many
    # rows with equal counts computes it once.
    pdfs = _u_dist_no_ties(min(n1, n2), max(n1, n2), (n1 * n2 + 1) // 2)
    p = 0.0
    for v in pdfs[: ui + 1]:
        p += v
    return 1 - p if flip else p


def _u_cdf_ties(n1: int, ties: tuple[int, ...], u: float) -> float:
    # P(U1 <= u) under the null with tie groups ``ties`` (sizes in rank order): choose
    # r_k members of group k for sample 1; each contributes the group's mid-rank. Count
    # the arrangements exactly with integers, over 2*R1 so mid-ranks stay integral.
    # States that can no longer stay under the limit are dropped as soon as even the
    # smallest remaining ranks would push them over it.
    limit = math.floor(2 * u + n1 * (n1 + 1))  # 2*U1 <= 2u  <=>  2*R1 <= this
    total = sum(ties)
    counts: list[dict[int, int]] = [{} for _ in range(n1 + 1)]
    counts[0][0] = 1
    start = 0
    for t in ties:
        two_mid = 2 * start + t + 1  # twice the average rank of ranks start+1..start+t
        start += t
        left = total - start  # values after this group
        nxt: list[dict[int, int]] = [{} for _ in range(n1 + 1)]
        for k in range(n1 + 1):
            row = counts[k]
            if not row:
                continue
            for r in range(min(t, n1 - k) + 1):
                k2 = k + r
                need = n1 - k2
                if need > left:
                    continue
                # the smallest the remaining `need` values can add: ranks start+1.. (x2)
                floor_rest = need * (2 * start + need + 1)
                add = r * two_mid
                ways = math.comb(t, r)
                dst = nxt[k2]
                for two_r, c in row.items():
                    v = two_r + add
                    if v + floor_rest <= limit:
                        dst[v] = dst.get(v, 0) + c * ways
        counts = nxt
    hit = sum(counts[n1].values())
    return hit / math.comb(total, n1)


def mann_whitney_u(x1: Sequence[float], x2: Sequence[float]) -> tuple[float, float]:
    """Two-sided Mann-Whitney U test; returns ``(U1, p)`` with p in [0, 1].

    ``U1`` counts pairs where the x1 value is larger, ties as 0.5 (0..n1*n2).
    Raises ``ValueError`` for an empty sample and :class:`SamplesEqualError` when all
    values are equal.
    """
    n1, n2 = len(x1), len(x2)
    if n1 == 0 or n2 == 0:
        raise ValueError("sample is too small")
    merged = sorted([(v, 1) for v in x1] + [(v, 2) for v in x2], key=lambda t: t[0])
    r1 = 0.0
    ties: list[int] = []
    i = 0
    while i < len(merged):
        first_rank, value, in1 = i + 1, merged[i][0], 0
        while i < len(merged) and merged[i][0] == value:
            in1 += merged[i][1] == 1
            i += 1
        if in1:
            r1 += (i + first_rank) / 2 * in1
        ties.append(i - first_rank + 1)
    has_ties = any(t > 1 for t in ties)
    u1 = r1 - n1 * (n1 + 1) / 2
    u2 = n1 * n2 - u1
    u_small = min(u1, u2)
    limit = TIES_EXACT_LIMIT if has_ties else EXACT_LIMIT
    if n1 <= limit and n2 <= limit:
        if len(ties) == 1:
            raise SamplesEqualError()
        if u1 == u2:
            return u1, 1.0  # the whole (symmetric) distribution
        if has_ties:
            p = _u_cdf_ties(n1, tuple(ties), u_small) * 2
        else:
            p = _u_cdf_no_ties(n1, n2, u_small) * 2
        return u1, p
    tie_corr = float(sum(t * t * t - t for t in ties))
    big_n = float(n1 + n2)
    sigma = math.sqrt(n1 * n2 * ((big_n + 1) - tie_corr / (big_n * (big_n - 1))) / 12)
    if sigma == 0:
        raise SamplesEqualError()
    numer = u1 - n1 * n2 / 2
    numer -= math.copysign(0.5, numer) if numer != 0 else 0.0
    z = numer / sigma
    cdf = _norm_cdf(z)
    return u1, 2 * min(cdf, 1 - cdf)


def u_test_min_p(n: int) -> float:
    """Smallest two-sided p the U test can reach with n values per side (n >= 1)."""
    return 2 / math.comb(2 * n, n) if n > 1 else 1.0


def geomean(values: Sequence[float]) -> float:
    """Geometric mean of positive ``values``; NaN when empty or any value <= 0.

    Uses go-moremath's running mean of logs so results match benchstat's geomean row.
    """
    if not values:
        return math.nan
    m = 0.0
    for i, x in enumerate(values):
        if x <= 0:
            return math.nan
        m += (math.log(x) - m) / (i + 1)
    return math.exp(m)
