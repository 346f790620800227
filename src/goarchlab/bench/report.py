"""The translation report and the regression verdicts (their Markdown and benchfmt
text: render/bench_text.py).

Slowdown method (documented in docs/bench.md): for one benchmark, the slowdown
is median(translated) / median(native) of its time metric (``ns/op``). For a
suite it is the geometric mean of its benchmarks' slowdowns, and the overall
figure is the geometric mean of the suites' (start-up and build excluded; they
are reported on their own). The 95% interval is a percentile bootstrap:
:data:`BOOTSTRAP_RESAMPLES` times, every benchmark's two samples are resampled
with replacement, the same statistic is recomputed, and the 2.5th and 97.5th
percentiles of those values are the bounds. The generator is seeded, so the
same samples always give the same interval. Like benchstat, no interval is given
when a benchmark has fewer runs than a 95% interval of a median needs (6:
golang.org/x/perf benchmath/anone.go, medianSamples; :func:`stats.min_samples_for_ci`):
a bootstrap of 2-5 values only reshuffles those few values.

Runs of very few iterations (``-benchtime 1x``) time mostly one-time costs
(the first execution of code that QEMU or Rosetta must translate first, caches
warming up), not steady state: the report carries a stability warning for them,
as pyperf does for too-short benchmarks.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from goarchlab.bench import benchmath, stats
from goarchlab.bench.model import RunRecord, Sample, Table, Variant

BOOTSTRAP_RESAMPLES = 1000
_SEED = 20261127
#: Suites reported apart from the overall geomean.
_APART = ("startup", "build")
#: The fewest runs per benchmark and side for a 95% interval, as benchstat (6).
MIN_INTERVAL_SAMPLES = stats.min_samples_for_ci(0.95)[1]
#: Below this many iterations per run (median b.N), a run mostly times one-time costs.
#: Go's own benchmarks grow b.N until a run lasts -benchtime (testing.B.launch); a
#: fixed tiny count such as 1x never gets past the first, translating execution.
MIN_STABLE_ITERATIONS = 10


@dataclass(frozen=True)
class Slowdown:
    """translated/native time ratio of one suite (or overall): ``ratio`` (> 0, 2.0 means
    twice as slow), its 95% bootstrap interval ``lo``..``hi``, and how many benchmarks
    went into it. ``samples``: the fewest runs of any of them on either side; below
    :data:`MIN_INTERVAL_SAMPLES` there is no interval (benchstat prints none either),
    and ``lo``/``hi`` are None. ``significant``: there is an interval and it excludes 1."""

    suite: str
    ratio: float
    lo: float | None
    hi: float | None
    benchmarks: int
    samples: int = MIN_INTERVAL_SAMPLES

    @classmethod
    def of(cls, suite: str, groups: Sequence[Sequence[tuple]]) -> Slowdown:
        """The slowdown over ``groups`` (per benchmark, the (native, translated) runs),
        with no interval when any benchmark has too few runs on a side."""
        r, lo, hi = ratio_interval(groups)
        n = _fewest(groups)
        if n < MIN_INTERVAL_SAMPLES:
            lo = hi = None
        return cls(suite, r, lo, hi, sum(len(g) for g in groups), n)

    @property
    def has_interval(self) -> bool:
        """True when every benchmark had enough runs for a 95% interval."""
        return self.lo is not None and self.hi is not None

    @property
    def significant(self) -> bool:
        """True when there is an interval and it lies entirely above or below 1."""
        return self.lo is not None and self.hi is not None and (self.lo > 1 or self.hi < 1)

    def interval_str(self, dash: str = "-") -> str:
        """``1.52-1.61``, or ``none (n=3; needs >= 6)`` when there is no interval."""
        if self.lo is None or self.hi is None:
            return f"none (n={self.samples}; needs >= {MIN_INTERVAL_SAMPLES})"
        return f"{self.lo:.2f}{dash}{self.hi:.2f}"


@dataclass(frozen=True)
class TranslationReport:
    """Native against translated: per-suite slowdowns, overall geomean, start-up cost.

    ``startup_ms``: median exec-to-main in milliseconds (native, translated), None
    when the startup suite did not run; ``first_run_ms``: the first exec of a fresh
    binary (native, translated), which shows Rosetta's ahead-of-time translation.
    ``advice``: one sentence a developer can act on. ``warnings``: stability warnings
    (too few iterations per run), shown with the result.
    """

    native: str
    translated: str
    runner: str
    suites: tuple[Slowdown, ...]
    geomean: Slowdown | None
    startup_ms: tuple[float, float] | None
    first_run_ms: tuple[float, float] | None
    advice: str
    warnings: tuple[str, ...] = ()


def suite_of(benchmark: str) -> str:
    """The suite a stored benchmark name belongs to (``cpu/SHA256/64B-2`` -> ``cpu``)."""
    return benchmark.split("/", 1)[0]


def _time_pairs(samples: Sequence[Sample], a: str, b: str) -> dict[str, list[tuple]]:
    by = {(s.variant, s.benchmark): s.values for s in samples if s.unit == "ns/op"}
    groups: dict[str, list[tuple]] = {}
    for (v, bench), xs in by.items():
        if v != a or bench.endswith("/FirstRun") or bench.endswith("/Wall"):
            continue
        ys = by.get((b, bench))
        if ys and min(xs) > 0 and min(ys) > 0:
            groups.setdefault(suite_of(bench), []).append((sorted(xs), sorted(ys)))
    return groups


def _stat(groups: Sequence[Sequence[tuple]]) -> float:
    gm = benchmath.geomean
    return gm([gm([benchmath.median(y) / benchmath.median(x) for x, y in g]) for g in groups])


def ratio_interval(groups: Sequence[Sequence[tuple]]) -> tuple[float, float, float]:
    """(ratio, lo, hi): the geomean-of-geomeans of median ratios and its 95% bootstrap
    interval. ``groups``: per suite, (sorted native values, sorted translated values)."""
    point = _stat(groups)
    rng = random.Random(_SEED)
    reps = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        rg = [[(sorted(rng.choices(x, k=len(x))), sorted(rng.choices(y, k=len(y))))
               for x, y in g] for g in groups]
        reps.append(_stat(rg))
    reps.sort()
    lo = reps[int(0.025 * (len(reps) - 1))]
    hi = reps[math.ceil(0.975 * (len(reps) - 1))]
    return point, lo, hi


def translation_pair(variants: Sequence[Variant]) -> tuple[Variant, Variant] | None:
    """(native, translated): the native baseline and the first translated variant."""
    native = next((v for v in variants if v.runner_kind == "native"), None)
    trans = next((v for v in variants if v.runner_kind != "native"), None)
    return (native, trans) if native and trans else None


def translation_report(run: RunRecord) -> TranslationReport | None:
    """The report for a run that has a native and a translated variant, else None."""
    pair = translation_pair(run.variants)
    if pair is None:
        return None
    nat, tr = pair
    groups = _time_pairs(run.samples, nat.name, tr.name)
    slow = []
    for suite, g in groups.items():
        slow.append(Slowdown.of(suite, [g]))
    core = [g for s, g in groups.items() if s not in _APART]
    geo = Slowdown.of("geomean", core) if core else None
    startup = _medians(run.samples, "startup/ExecToMain", nat.name, tr.name)
    first = _medians(run.samples, "startup/FirstRun", nat.name, tr.name)
    runner = tr.runner_label
    return TranslationReport(nat.name, tr.name, runner, tuple(slow), geo, startup, first,
                             advice(nat, tr, tuple(slow), geo, startup),
                             stability_warnings(run.samples, (nat.name, tr.name)))


def _fewest(groups: Sequence[Sequence[tuple]]) -> int:
    """The fewest runs of any benchmark on either side (>= 1)."""
    return min(min(len(x), len(y)) for g in groups for x, y in g)


def stability_warnings(samples: Sequence[Sample], variants: Sequence[str]) -> tuple[str, ...]:
    """One warning per variant whose ``ns/op`` runs had a median b.N below
    :data:`MIN_STABLE_ITERATIONS` (e.g. ``-benchtime 1x``): such a run times mostly the
    first execution, in which QEMU translates each block of code before running it and
    Rosetta 2 may still translate, plus cold caches, so translated/native ratios come
    out far larger than in steady state (61.8x at 1x against 16x at the default
    benchtime, measured under qemu-aarch64)."""
    out = []
    for v in variants:
        few = sorted({s.benchmark for s in samples if s.variant == v and s.unit == "ns/op"
                      and s.iterations and not s.benchmark.startswith("startup/")
                      and benchmath.median(sorted(s.iterations)) < MIN_STABLE_ITERATIONS})
        if few:
            shown = ", ".join(few[:3]) + (f" and {len(few) - 3} more" if len(few) > 3 else "")
            out.append(f"unstable: {v} ran {shown} for fewer than {MIN_STABLE_ITERATIONS} "
                       "iterations per run, which times mostly start-up and translation "
                       "warm-up, not steady-state speed; use a longer -benchtime "
                       "(the default, or 100x and more)")
    return tuple(out)


def _medians(samples: Sequence[Sample], bench: str, a: str, b: str
             ) -> tuple[float, float] | None:
    vals = {s.variant: s.values for s in samples if s.benchmark == bench and s.unit == "ns/op"}
    if a in vals and b in vals:
        return (benchmath.median(sorted(vals[a])) / 1e6, benchmath.median(sorted(vals[b])) / 1e6)
    return None


def advice(nat: Variant, tr: Variant, suites: Sequence[Slowdown], geo: Slowdown | None,
           startup_ms: tuple[float, float] | None) -> str:
    """One sentence a developer can act on, from the measured slowdowns."""
    how = tr.runner_label
    if geo is None:
        if startup_ms:
            extra = startup_ms[1] - startup_ms[0]
            return (f"Each {tr.target} process starts {extra:.1f} ms later under {how}; "
                    "keep short-lived tools (linters, generators, test binaries) native.")
        return "Not enough paired samples for a verdict; run more suites or more runs."
    core = [s for s in suites if s.suite not in _APART] or list(suites)
    worst = max(core, key=lambda s: s.ratio)
    if not geo.has_interval:
        return (f"Geomean {geo.ratio:.2f}x under {how}, from {geo.samples} run(s) per "
                f"benchmark: too few for a 95% interval (benchstat needs >= "
                f"{MIN_INTERVAL_SAMPLES}); run more before acting on it.")
    if not geo.significant:
        return (f"No measurable translation cost under {how} for these workloads "
                f"(geomean {geo.ratio:.2f}x, 95% interval {geo.interval_str()}); "
                "confirm on native hardware before relying on it.")
    if geo.ratio < 1:
        return (f"The translated {tr.target} build ran faster here ({geo.ratio:.2f}x); "
                f"check that the native {nat.target} build is not missing an optimisation "
                "(GOAMD64/GOARM64 level, cgo) before concluding.")
    if geo.ratio >= 3:
        return (f"Translated {tr.target} code runs {geo.ratio:.1f}x slower under {how} "
                f"({worst.suite} worst at {worst.ratio:.1f}x): build, test and profile natively "
                f"for {nat.target}, and keep {how} for cross-architecture correctness checks, "
                "not for timing.")
    return (f"Translation costs {100 * (geo.ratio - 1):.0f}% under {how} ({worst.suite} worst at "
            f"{worst.ratio:.2f}x): install a native {nat.target} Go toolchain and tools so "
            "nothing in your edit-build-test loop runs translated (goarchlab doctor lists them).")


def _higher_is_better(unit: str) -> bool:
    return unit.endswith("/s")


def regressions(tables: Sequence[Table]) -> list[str]:
    """Benchmarks that got significantly worse than the baseline, as ``name (unit) +x%``."""
    out = []
    for t in tables:
        for row in t.rows:
            for cell in row.cells[1:]:
                c = cell.comparison if cell else None
                if c is None or not c.significant or c.delta_pct is None:
                    continue
                worse = c.delta_pct < 0 if _higher_is_better(t.unit) else c.delta_pct > 0
                if worse:
                    out.append(f"{row.benchmark} ({t.unit}, {cell.variant}) {c.verdict}")
    return out
