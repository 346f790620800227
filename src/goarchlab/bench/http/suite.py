"""The ``http`` suite: registered with the bench engine, with its own options.

``goarchlab bench http [--server nethttp|gin] [--connections 64] [--duration 5s]
[--rate N] [--driver builtin|wrk|oha] [--endpoint ping|heavy]`` plus the shared
``--vs`` variants, ``-n`` runs and ``--report``. Only the server is built per
variant and runs under the variant's runner; the load driver always runs
natively on the host.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

from goarchlab.bench.http import build, drivers
from goarchlab.bench.http.job import ENDPOINTS, HttpJob
from goarchlab.bench.suites import Prepared, SuiteContext, SuiteDef
from goarchlab.bench.variants import Plan
from goarchlab.errors import UsageError

DEFAULTS = {"http_server": "nethttp", "http_connections": 64, "http_duration": "5s",
            "http_rate": 0.0, "http_driver": "builtin", "http_endpoint": "ping",
            "http_ready_timeout": 60.0}
_DUR = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m)?$")


def parse_duration(text: str) -> float:
    """``10s``, ``1.5s``, ``500ms``, ``2m`` or a bare number of seconds -> seconds (> 0)."""
    m = _DUR.match(str(text).strip())
    if not m or float(m[1]) <= 0:
        raise UsageError(f"--duration {text!r} is not a duration", "e.g. 10s, 500ms, 2m")
    return float(m[1]) * {"ms": 1e-3, "s": 1.0, "m": 60.0, None: 1.0}[m[2]]


def add_arguments(g) -> None:
    """The http suite's options on the ``bench`` parser."""
    g.add_argument("--server", dest="http_server", choices=tuple(build.SERVERS),
                   default=DEFAULTS["http_server"], help="HTTP server (%(default)s)")
    g.add_argument("--connections", dest="http_connections", type=int,
                   default=DEFAULTS["http_connections"],
                   help="concurrent connections (%(default)s)")
    g.add_argument("--duration", dest="http_duration", default=DEFAULTS["http_duration"],
                   help="load per run (%(default)s)")
    g.add_argument("--rate", dest="http_rate", type=float, default=DEFAULTS["http_rate"],
                   help="open loop: requests per second in total, latency measured from each "
                   "request's intended send time (default: closed loop)")
    g.add_argument("--driver", dest="http_driver", choices=drivers.DRIVERS,
                   default=DEFAULTS["http_driver"], help="load generator (%(default)s)")
    g.add_argument("--endpoint", dest="http_endpoint", choices=tuple(ENDPOINTS),
                   default=DEFAULTS["http_endpoint"],
                   help="ping: small JSON; heavy: sha256 of a 1 KiB body and a JSON list")
    g.add_argument("--ready-timeout", dest="http_ready_timeout", type=float,
                   default=DEFAULTS["http_ready_timeout"],
                   help="seconds a server may take to answer its first request "
                   "(%(default)g)")


def _opt(ctx: SuiteContext, key: str):
    v = ctx.options.get(key)
    return DEFAULTS[key] if v is None else v


def _stage(ctx: SuiteContext) -> Path:
    if "http.stage" not in ctx._memo:
        parent = ctx.home / "bench" / "http"
        _clean_stale(parent)
        ctx._memo["http.stage"] = parent / f".staging-{os.getpid()}-{secrets.token_hex(3)}"
    return ctx._memo["http.stage"]


def _clean_stale(parent: Path) -> None:
    """Remove staging directories of goarchlab processes that no longer run (a run
    stopped by Ctrl-C or a failed preparation never moved its files)."""
    for d in parent.glob(".staging-*"):
        try:
            pid = int(d.name.split("-")[1])
            os.kill(pid, 0)
        except (ValueError, IndexError, ProcessLookupError):
            shutil.rmtree(d, ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's


def safe_name(variant: str) -> str:
    """A variant name as a file name (``GOGC=50`` -> ``GOGC=50``, ``a/b`` -> ``a_b``)."""
    return re.sub(r"[^A-Za-z0-9=._-]+", "_", variant) or "variant"


def prepare(plan: Plan, ctx: SuiteContext) -> Prepared:
    """Build the server for ``plan`` (and the native load generator) into one job."""
    conns = int(_opt(ctx, "http_connections"))
    rate = float(_opt(ctx, "http_rate"))
    if conns < 1:
        raise UsageError("--connections must be >= 1")
    if rate < 0:
        raise UsageError("--rate must be >= 0")
    duration = parse_duration(_opt(ctx, "http_duration"))
    driver = str(_opt(ctx, "http_driver"))
    drivers.check_driver(driver, rate, ctx.env)
    loadgen = build.build_loadgen(ctx) if driver == "builtin" else None
    name = str(_opt(ctx, "http_server"))
    binary = build.build(name, plan, ctx)
    stage = _stage(ctx) / safe_name(plan.name)
    stage.mkdir(parents=True, exist_ok=True)
    job = HttpJob("http", plan.name, plan.runner, binary, name, str(_opt(ctx, "http_endpoint")),
                  conns, duration, rate, driver, loadgen, ctx.run_env(plan), dict(ctx.env),
                  stage, float(_opt(ctx, "http_ready_timeout")))
    ctx._memo.setdefault("http.jobs", []).append(job)
    return Prepared((job,))


SUITE = SuiteDef("http", "HTTP server throughput and latency (net/http or Gin) under "
                          "a native load generator; CPU/heap profiles and GC view",
                          False, prepare, add_arguments=add_arguments)
