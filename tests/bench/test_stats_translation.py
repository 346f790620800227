"""The translation report's interval and stability warning against benchstat's rules.

benchstat (golang.org/x/perf benchmath/anone.go) gives a median no 95% interval below
6 samples ("need >= 6 samples for confidence interval at level 0.95"); the bootstrap
interval of the translation report follows the same rule, checked against goarchlab's
own benchstat port (stats.summarize), which tests/bench/test_stats_benchstat.py checks
against the real benchstat.
"""

from __future__ import annotations

import math
import re

import pytest

from goarchlab.bench import report, stats
from goarchlab.bench.model import RunRecord, Sample, Variant
from goarchlab.render import bench_text

VARIANTS = (Variant("native", "go1.27.3", "linux/amd64", "native"),
            Variant("qemu", "go1.27.3", "linux/arm64", "qemu"))


def _run(n: int, iterations: int = 1000) -> RunRecord:
    nat = [100.0 + i for i in range(n)]
    tr = [1600.0 + 3 * i for i in range(n)]
    its = (iterations,) * n
    samples = (Sample("native", "cpu/SHA256-2", "ns/op", tuple(nat), its),
               Sample("qemu", "cpu/SHA256-2", "ns/op", tuple(tr), its))
    return RunRecord("r1", "2026-12-07T00:00:00Z", "{}", VARIANTS, samples)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_no_interval_where_benchstat_gives_none(n):
    summ = stats.summarize([100.0 + i for i in range(n)])
    assert math.isinf(summ.lo) or math.isinf(summ.hi)  # benchstat: no interval
    tr = report.translation_report(_run(n))
    g = tr.geomean
    assert not g.has_interval and not g.significant
    assert g.interval_str().startswith("none")
    md = bench_text.markdown(_run(n), (), tr)
    assert f"| cpu | {g.ratio:.2f}x | none (n={n}; needs >= 6) |" in md
    assert g.lo is None and g.hi is None  # nothing to show, in JSON either
    assert "too few" in tr.advice and not re.search(r"interval \d", tr.advice)


def test_interval_from_six_samples_as_benchstat():
    summ = stats.summarize([100.0 + i for i in range(6)])
    assert not (math.isinf(summ.lo) or math.isinf(summ.hi))
    g = report.translation_report(_run(6)).geomean
    assert g.has_interval and g.significant and g.lo <= g.ratio <= g.hi
    assert report.MIN_INTERVAL_SAMPLES == stats.min_samples_for_ci(0.95)[1] == 6


def test_single_iteration_runs_carry_a_stability_warning():
    """-benchtime 1x: each run times one iteration, mostly translation warm-up."""
    tr = report.translation_report(_run(10, iterations=1))
    assert len(tr.warnings) == 2 and all("warm-up" in w for w in tr.warnings)
    assert "unstable" in bench_text.markdown(_run(10, iterations=1), (), tr)
    assert report.translation_report(_run(10)).warnings == ()
