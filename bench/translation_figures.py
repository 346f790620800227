"""Translation figures of this machine: every suite native against translated.

Usage: python bench/translation_figures.py [--home DIR] [--runs N] [--benchtime T]

Runs cpu, alloc, sched, syscall, cgo, startup and build (warm GOCACHE only: a
cold build under an emulator takes minutes per sample) for this host's default
pair (on amd64 Linux: linux/amd64 native against linux/arm64 under
qemu-aarch64), N interleaved runs each, and prints per suite the slowdown
translated/native with its 95% bootstrap interval, the start-up cost and the
geomean. The run is stored like any ``goarchlab bench`` run.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from goarchlab.bench import engine, hostfacts, suites, variants
from goarchlab.host import detect
from goarchlab.toolchains.model import goarchlab_home


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--benchtime", default="100ms")
    a = ap.parse_args()
    home = a.home or goarchlab_home()
    env = dict(os.environ)
    host = detect()
    plans, note = variants.default_plans(host)
    if note:
        raise SystemExit(note)
    provide = hostfacts.default_toolchains(env, Path.cwd(), home)
    t0 = time.perf_counter()
    results = []
    for names, bench in ((("cpu", "alloc", "sched", "syscall", "cgo", "startup"), "."),
                         (("build",), "cache=warm")):
        ctx = suites.SuiteContext(host, env, home, provide, benchtime=a.benchtime, bench=bench)
        res = engine.run(engine.Request(names, tuple(plans), runs=a.runs), ctx)
        if res.error:
            raise SystemExit(f"{res.error} ({res.error_hint})")
        results.append(res)
    print(f"machine: {os.cpu_count()} CPUs, {host.cpu_model}, {host.os_version}, "
          f"kernel {host.kernel}")
    print(f"{plans[1].name} ({plans[1].variant.runner}) against {plans[0].name}, "
          f"{a.runs} runs each, benchtime {a.benchtime}, {time.perf_counter() - t0:.0f} s")
    print(f"{'suite':10} {'slowdown':>10} {'95% interval':>16} {'benchmarks':>11}")
    for res in results:
        tr = res.translation
        for s in tr.suites:
            print(f"{s.suite:10} {s.ratio:9.2f}x {s.lo:7.2f}–{s.hi:<8.2f} {s.benchmarks:11d}")
        if tr.geomean and "cpu" in {s.suite for s in tr.suites}:
            g = tr.geomean
            print(f"{'geomean':10} {g.ratio:9.2f}x {g.lo:7.2f}–{g.hi:<8.2f} {g.benchmarks:11d}")
        for st in res.statuses:
            if st.status == "skipped":
                print(f"{st.suite:10} skipped for {st.variant}: {st.reason}")
        if tr.startup_ms:
            print(f"start-up (exec to main): {tr.startup_ms[0]:.2f} ms native, "
                  f"{tr.startup_ms[1]:.2f} ms translated")
    print("run ids:", " ".join(r.run.run_id for r in results))
    print("advice:", results[0].translation.advice)


if __name__ == "__main__":
    main()
