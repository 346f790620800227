"""Bench harness overhead: what the engine adds to each measured process.

Usage: python bench/harness_overhead.py [--home DIR] [--runs N]

Builds the start-up workload (a Go binary that prints the time and exits),
then in one process, alternating blocks: the same binary spawned and waited
for bare (subprocess, perf_counter around spawn+wait), and the engine running
the ``startup`` suite natively for N runs. The engine's time per run is the
interval between its successive progress callbacks (proc.run, output parsing,
sample bookkeeping). Prints the medians, the difference and the ratio.
Goal (issue 4): difference <= 5 ms per run.

HOME defaults to GOARCHLAB_HOME; the Go toolchain is the one goarchlab
resolves there, else the go on PATH.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from goarchlab.bench import engine, hostfacts, suites, variants
from goarchlab.host import detect
from goarchlab.toolchains.model import goarchlab_home


def bare(binary: Path, n: int) -> list[float]:
    """Wall seconds of ``n`` plain spawn+wait of ``binary``."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        # Deliberately not proc.run: the anchor is the process alone, with the least
        # machinery around it, so everything goarchlab adds shows up in the difference.
        subprocess.run([str(binary)], capture_output=True, check=True)
        out.append(time.perf_counter() - t0)
    return out


def engine_runs(ctx: suites.SuiteContext, plan: variants.Plan, n: int, db: Path) -> list[float]:
    """Seconds between successive measured runs of the engine (startup suite, native)."""
    stamps: list[float] = []

    def prog(done: int, total: int, what: str) -> None:
        stamps.append(time.perf_counter())

    ctx = suites.SuiteContext(ctx.host, ctx.env, ctx.home, ctx.toolchains, bench="ExecToMain")
    engine.run(engine.Request(("startup",), (plan,), runs=n, warmup=0), ctx, progress=prog,
               store_path=db)
    return [b - a for a, b in itertools.pairwise(stamps)][: n - 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=200)
    a = ap.parse_args()
    home = a.home or goarchlab_home()
    env = dict(os.environ)
    host = detect()
    ctx = suites.SuiteContext(host, env, home, hostfacts.default_toolchains(env, Path.cwd(), home))
    plan = variants.base_plan(host)
    binary = suites.build_workload("startup", plan, ctx)
    bare(binary, 20)  # warm the page cache and the loader
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "results.db"
        b1 = bare(binary, a.runs // 2)
        e = engine_runs(ctx, plan, a.runs, db)
        b2 = bare(binary, a.runs // 2)
    b = statistics.median(b1 + b2) * 1e3
    m = statistics.median(e) * 1e3
    print(f"machine: {os.cpu_count()} CPUs, {host.cpu_model}, {host.os_version}")
    print(f"bare spawn+wait of the startup binary: median {b:.2f} ms ({len(b1 + b2)} runs)")
    print(f"engine per measured run:               median {m:.2f} ms ({len(e)} runs)")
    print(f"overhead per run: {m - b:+.2f} ms (ratio {m / b:.2f}); goal <= 5 ms")


if __name__ == "__main__":
    main()
