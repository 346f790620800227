"""Load drivers: goarchlab's own load generator, wrk and oha, one result shape.

Every driver runs natively on the host (never under the variant's runner),
targets 127.0.0.1 only, and is bounded in time (duration plus a margin).
``builtin`` is goarchlab's generator (workloads/http/loadgen: closed loop, or
open loop at a fixed rate measured from intended send times). ``wrk`` is run
with a Lua ``done()`` hook that prints its summary and latency percentiles as
one JSON line (wrk's text output rounds and varies between versions); wrk is
closed-loop only, and its latency is measured from each request's actual send
(so it can hide coordinated omission). ``oha`` is run with JSON output
(``--output-format json``, or ``-j`` in older releases); with a rate it gets
``-q`` and ``--latency-correction``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError

DRIVERS = ("builtin", "wrk", "oha")
#: Percentiles every driver reports, in percent.
QUANTILES = ("p50", "p90", "p99", "p99.9")


@dataclass(frozen=True)
class LoadResult:
    """One load run as any driver measured it.

    ``connections``: as asked (>= 1); ``rate``: requests/s asked for in total (0:
    closed loop); ``requests``: answered requests (any status); ``seconds``: measured
    duration;
    ``rps``: requests / seconds; ``errors``: connection/read/write/timeout failures;
    ``non2xx``: answers outside 200..299 (wrk: status > 399 only); ``latency_us``:
    ``p50``, ``p90``, ``p99``, ``p99.9``, ``max`` (and ``mean`` when known) in
    microseconds; ``percentiles``:
    (percent, µs) pairs for a latency chart; ``mode``: ``closed`` or ``open``;
    ``server_gone``: the generator stopped early because nothing answered;
    ``status``: answers per status code (as text).
    """

    driver: str
    mode: str
    connections: int
    rate: float
    requests: int
    seconds: float
    rps: float
    errors: int
    non2xx: int
    latency_us: Mapping[str, float]
    percentiles: tuple[tuple[float, float], ...] = ()
    server_gone: bool = False
    status: Mapping[str, int] = field(default_factory=dict)
    #: Response bytes: bodies only (builtin and oha's totalData), all bytes read (wrk).
    bytes_read: int = 0


@dataclass(frozen=True)
class Load:
    """What to send: ``url`` (loopback), ``connections`` (>= 1), ``duration_s`` (> 0),
    ``rate`` requests/s in total (0: closed loop), ``method`` and ``body_bytes``."""

    url: str
    connections: int
    duration_s: float
    rate: float = 0.0
    method: str = "GET"
    body_bytes: int = 0


def check_driver(name: str, rate: float, env: Mapping[str, str]) -> str | None:
    """The path of an external driver's program (None for builtin); UsageError when it
    is missing or cannot do what is asked (wrk has no fixed-rate mode). ``rate``:
    requests/s in total (0: closed loop)."""
    if name == "builtin":
        return None
    if name not in DRIVERS:
        raise UsageError(f"unknown driver {name!r}", "choose builtin, wrk or oha")
    path = shutil.which(name, path=env.get("PATH"))
    if path is None:
        hint = ("apt-get install wrk" if name == "wrk" else "cargo install oha, or see "
                "its releases") + "; or use --driver builtin"
        raise UsageError(f"--driver {name}: {name} is not installed", hint)
    if name == "wrk" and rate > 0:
        raise UsageError("wrk has no fixed-rate (open-loop) mode",
                         "use --driver builtin (or oha) with --rate")
    return path


def run(driver: str, load: Load, *, loadgen: Path | None, env: Mapping[str, str]) -> LoadResult:
    """Run ``driver`` against ``load``; raises GoarchlabError when it fails or prints
    nothing parsable, ProcTimeout (124) when it overruns duration + 60 s."""
    timeout = load.duration_s + 60
    if driver == "builtin":
        assert loadgen is not None
        argv = [str(loadgen), "-url", load.url, "-c", str(load.connections),
                "-d", f"{load.duration_s:g}s", "-method", load.method,
                "-body", str(load.body_bytes), "-lifeline"]
        if load.rate > 0:
            argv += ["-rate", f"{load.rate:g}"]
        # -lifeline: it exits when goarchlab does, even by SIGKILL (see proc.run)
        r = proc.run(argv, env=env, timeout=timeout, lifeline=True)
        _check(r, "the load generator")
        return parse_builtin(r.stdout)
    if driver == "wrk":
        return _run_wrk(load, env, timeout)
    return _run_oha(load, env, timeout)


def _check(r: proc.Completed, what: str) -> None:
    if not r.ok:
        tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["no output"]
        raise GoarchlabError(f"{what} failed (exit {r.returncode}): {tail[0][:200]}",
                             "command: " + " ".join(r.argv))


def parse_builtin(text: str) -> LoadResult:
    """Parse the built-in generator's JSON line."""
    try:
        d = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise GoarchlabError("the load generator printed no JSON result",
                             f"its output began with {text[:80]!r}") from None
    return LoadResult("builtin", d["mode"], d["connections"], d["rate"], d["requests"],
                      d["duration_s"], d["rps"], d["errors"], d["non2xx"],
                      dict(d.get("latency_us") or {}),
                      tuple((p, v) for p, v in d.get("percentiles") or ()),
                      d.get("server_gone", False), dict(d.get("status") or {}),
                      int(d.get("bytes_read") or 0))


# wrk calls done() once at the end with its merged statistics; latency values are in
# microseconds. summary.errors.status counts answers with status > 399.
_WRK_LUA = """
wrk.method = "%(method)s"
%(body)s
done = function(summary, latency, requests)
  local ps = {}
  for _, q in ipairs({0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100}) do
    ps[#ps + 1] = string.format("[%%g,%%d]", q, latency:percentile(q))
  end
  local e = summary.errors
  io.write(string.format('GOARCHLAB_WRK {"requests":%%d,"duration_us":%%d,"bytes":%%d,' ..
    '"connect":%%d,"read":%%d,"write":%%d,"timeout":%%d,"status":%%d,' ..
    '"p50":%%d,"p90":%%d,"p99":%%d,"p99.9":%%d,"max":%%d,"mean":%%f,"percentiles":[%%s]}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.timeout, e.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean,
    table.concat(ps, ",")))
end
"""


def wrk_script(load: Load) -> str:
    """The Lua script given to ``wrk -s``: method, body, and the JSON ``done()`` hook."""
    body = ""
    if load.body_bytes or load.method == "POST":
        body = (f'wrk.body = string.rep("a", {load.body_bytes})\n'
                'wrk.headers["Content-Type"] = "application/octet-stream"')
    return _WRK_LUA % {"method": load.method, "body": body}


def _run_wrk(load: Load, env: Mapping[str, str], timeout: float) -> LoadResult:
    threads = max(1, min(os.cpu_count() or 1, load.connections))
    # wrk reads whole seconds (its duration parser takes an integer and a unit).
    secs = max(1, round(load.duration_s))
    with tempfile.TemporaryDirectory(prefix="goarchlab-wrk-") as d:
        script = Path(d) / "goarchlab.lua"
        script.write_text(wrk_script(load))
        argv = ["wrk", "-t", str(threads), "-c", str(load.connections), "-d", f"{secs}s",
                "--timeout", "5s", "-s", str(script), load.url]
        r = proc.run(argv, env=env, timeout=timeout)
    _check(r, "wrk")
    return parse_wrk(r.stdout, load)


def parse_wrk(text: str, load: Load) -> LoadResult:
    """Parse the ``GOARCHLAB_WRK {...}`` line our Lua ``done()`` hook printed."""
    line = next((ln for ln in text.splitlines() if ln.startswith("GOARCHLAB_WRK ")), None)
    if line is None:
        raise GoarchlabError("wrk printed no result line", f"its output: {text.strip()[:200]!r}")
    d = json.loads(line.split(" ", 1)[1])
    secs = d["duration_us"] / 1e6
    lat = {q: float(d[q]) for q in (*QUANTILES, "max")}
    lat["mean"] = float(d["mean"])
    errors = d["connect"] + d["read"] + d["write"] + d["timeout"]
    return LoadResult("wrk", "closed", load.connections, 0.0, d["requests"], secs,
                      d["requests"] / secs if secs > 0 else 0.0, errors, d["status"], lat,
                      tuple((float(p), float(v)) for p, v in d["percentiles"]),
                      bytes_read=int(d["bytes"]))


def _run_oha(load: Load, env: Mapping[str, str], timeout: float) -> LoadResult:
    help_text = proc.run(["oha", "--help"], env=env, timeout=30).stdout
    fmt = ["--output-format", "json"] if "--output-format" in help_text else ["-j"]
    # -z is a humantime duration: whole numbers with a unit ("1.5s" is refused).
    argv = ["oha", "--no-tui", *fmt, "-z", f"{round(load.duration_s * 1000)}ms",
            "-c", str(load.connections), "-m", load.method]
    if load.rate > 0:
        argv += ["-q", f"{load.rate:g}", "--latency-correction"]
    if load.body_bytes or load.method == "POST":
        argv += ["-d", "a" * load.body_bytes, "-T", "application/octet-stream"]
    r = proc.run([*argv, load.url], env=env, timeout=timeout)
    _check(r, "oha")
    return parse_oha(r.stdout, load)


#: oha's error key for requests cut off by the end of a ``-z`` run (oha 1.x).
OHA_DEADLINE = "aborted due to deadline"


def parse_oha(text: str, load: Load) -> LoadResult:
    """Parse oha's JSON output (times in seconds: ``summary``, ``latencyPercentiles``,
    ``statusCodeDistribution``, ``errorDistribution``)."""
    try:
        d = json.loads(text)
    except ValueError:
        raise GoarchlabError("oha printed no JSON", f"its output: {text.strip()[:200]!r}") from None
    s = d.get("summary", {})
    pct = d.get("latencyPercentiles", {})
    status = {str(k): int(v) for k, v in (d.get("statusCodeDistribution") or {}).items()}
    # With -z, oha aborts the requests still in flight when the time is up and counts
    # them as "aborted due to deadline": the measurement window, not a server failure.
    errors = sum(int(v) for k, v in (d.get("errorDistribution") or {}).items()
                 if k != OHA_DEADLINE)
    requests = sum(status.values())
    secs = float(s.get("total") or load.duration_s)

    def us(x) -> float:
        return float(x) * 1e6 if x is not None else math.nan

    lat = {"p50": us(pct.get("p50")), "p90": us(pct.get("p90")), "p99": us(pct.get("p99")),
           "p99.9": us(pct.get("p99.9")), "max": us(s.get("slowest")),
           "mean": us(s.get("average"))}
    non2xx = sum(v for k, v in status.items() if not k.startswith("2"))
    return LoadResult("oha", "open" if load.rate > 0 else "closed", load.connections, load.rate,
                      requests, secs, float(s.get("requestsPerSec") or requests / secs), errors,
                      non2xx, lat, (), False, status,
                      bytes_read=int(s.get("totalData") or 0))
