"""One HTTP benchmark run: start the server under the variant's runner, load it, stop it.

Each run is a fresh server process (as the other suites run a fresh process per
sample). The first run of each variant (the warm-up, when there is one) also
writes a CPU and a heap profile; every run writes the GC view. A run yields:

==================  ========================================================
``req/s``           answered requests per second (higher is better)
``ns/op``           closed loop only: 1e9 / req/s, wall time per answered
                    request across all connections (so the translation
                    report's slowdown covers http too)
``p50-us`` ...      latency percentiles p50, p90, p99, p99.9 and max in µs
``errors``          failed connections/reads/writes (only when > 0)
``non2xx``          answers outside 200..299 (only when > 0)
``B/req``           bytes the server allocated per request (runtime/metrics)
``allocs/req``      objects allocated per request
``gc-cycles``       GC cycles over the server's life
``heap-peak-B``     largest heap in use seen by the 100 ms sampler
``gc-pause-p99-us`` p99 of stop-the-world GC pauses (bucket upper bound)
==================  ========================================================
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from goarchlab.bench.http import drivers, server
from goarchlab.bench.jobs import Measurement, WorkloadFailed
from goarchlab.errors import GoarchlabError
from goarchlab.targets import Runner

#: endpoint name -> (method, path, request body bytes)
ENDPOINTS = {"ping": ("GET", "/api/ping", 0), "heavy": ("POST", "/api/heavy", 1024)}


@dataclass
class HttpJob:
    """Repeatable HTTP run for one variant. ``connections`` (>= 1), ``duration_s``
    (seconds of load per run, > 0), ``rate`` (requests/s in total, 0: closed loop),
    ``ready_timeout`` (seconds the server may take to answer); ``stage``: where this
    variant's profiles, GC view and load results are kept until the run is stored."""

    suite: str
    variant: str
    runner: Runner
    binary: Path
    server_name: str
    endpoint: str
    connections: int
    duration_s: float
    rate: float
    driver: str
    loadgen: Path | None
    env: Mapping[str, str]
    host_env: Mapping[str, str]
    stage: Path
    ready_timeout: float = 60.0
    loads: list[drivers.LoadResult] = field(default_factory=list)
    #: Per entry of ``loads``: True for the profiled first run (the warm-up, usually).
    profiled: list[bool] = field(default_factory=list)
    gc_views: list[dict[str, Any]] = field(default_factory=list)
    partial: drivers.LoadResult | None = None

    @property
    def benchmark(self) -> str:
        """The stored benchmark name, e.g. ``http/nethttp/ping/c=64``."""
        how = f"rate={self.rate:g}" if self.rate > 0 else f"c={self.connections}"
        return f"http/{self.server_name}/{self.endpoint}/{how}"

    def close(self) -> None:
        """Remove the per-run scratch directory (profiles stay in ``stage``)."""
        shutil.rmtree(self.stage / "run", ignore_errors=True)

    def run(self, *, first: bool = False) -> list[Measurement]:
        """One server process under load; raises WorkloadFailed when the server
        crashes or fails, with what the load measured before it did."""
        work = self.stage / "run"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        metrics = work / "gc.json"
        # -lifeline: the server exits when goarchlab does, even by SIGKILL (server.running)
        args = ["-addr", "127.0.0.1:0", "-metrics", str(metrics), "-lifeline"]
        if first:
            args += ["-cpuprofile", str(self.stage / "cpu.pb.gz"),
                     "-memprofile", str(self.stage / "heap.pb.gz")]
        argv = self.runner.argv(self.binary, *args)
        method, path, body = ENDPOINTS[self.endpoint]
        with server.running(argv, self.env, work, ready_timeout=self.ready_timeout) as srv:
            load_spec = drivers.Load(f"http://{srv.addr}{path}", self.connections,
                                     self.duration_s, self.rate, method, body)
            load = None
            try:
                load = drivers.run(self.driver, load_spec, loadgen=self.loadgen,
                                   env=self.host_env)
            except GoarchlabError:
                if srv.alive():
                    raise
            if not srv.alive():
                self.partial = load
                raise self._crashed(srv, load)
            rc = srv.stop()
            if rc != 0:
                raise WorkloadFailed(f"the {self.server_name} server under {self.variant} "
                                     f"exited {rc} when stopped: {srv.stderr_tail()}",
                                     "run it by hand: " + " ".join(argv))
        if load.requests == 0:
            raise WorkloadFailed(f"no request was answered by the {self.server_name} server "
                                 f"under {self.variant} ({load.errors} errors)",
                                 "check the server with: " + " ".join(argv))
        gc = _read_json(metrics)
        if gc is not None:
            self.gc_views.append(gc)
        self.loads.append(load)
        self.profiled.append(first)
        return self._measurements(load, gc)

    def _crashed(self, srv: server.Running, load: drivers.LoadResult | None) -> WorkloadFailed:
        rc = srv.popen.returncode
        how = f"signal {-rc}" if rc < 0 else f"exit {rc}"
        seen = (f"{load.requests} requests were answered before ({load.rps:.0f} req/s, "
                f"{load.errors} errors); " if load else "")
        return WorkloadFailed(
            f"the {self.server_name} server crashed under {self.variant} during the load "
            f"({how}): {srv.stderr_tail()}",
            seen + "the finished samples were kept")

    def _measurements(self, load: drivers.LoadResult, gc: dict | None) -> list[Measurement]:
        b = self.benchmark
        out = [Measurement(b, "req/s", load.rps, max(load.requests, 1))]
        if load.mode == "closed" and load.rps > 0:
            out.append(Measurement(b, "ns/op", 1e9 / load.rps, max(load.requests, 1)))
        for q in (*drivers.QUANTILES, "max"):
            v = load.latency_us.get(q)
            if v is not None and v == v:  # not NaN
                out.append(Measurement(b, f"{q}-us", float(v)))
        if load.errors:
            out.append(Measurement(b, "errors", float(load.errors)))
        if load.non2xx:
            out.append(Measurement(b, "non2xx", float(load.non2xx)))
        if gc and gc.get("requests"):
            n = gc["requests"]
            out += [Measurement(b, "B/req", gc["alloc_bytes"] / n),
                    Measurement(b, "allocs/req", gc["alloc_objects"] / n),
                    Measurement(b, "gc-cycles", float(gc["gc_cycles"])),
                    Measurement(b, "heap-peak-B", float(gc["heap_peak"]))]
            p99 = (gc.get("pause_quantiles") or {}).get("p99")
            if p99 is not None:
                out.append(Measurement(b, "gc-pause-p99-us", p99 * 1e6))
        return out


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
