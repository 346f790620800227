"""The load generator's histogram (its own go test, run with the session's Go) and
the oha result parser."""

from __future__ import annotations

import json
import math

from goarchlab import proc
from goarchlab.bench.http import drivers
from goarchlab.bench.suites import WORKLOADS


def test_histogram_precision_go_test(go_tool, session_go_env):
    r = proc.run([go_tool, "test", "-count=1", "./http/loadgen"], env=session_go_env,
                 timeout=300, cwd=WORKLOADS)
    assert r.ok, r.stdout + r.stderr
    assert r.stdout.startswith("ok")


def test_oha_json_fields_and_units():
    """oha reports seconds; goarchlab keeps microseconds. The document follows the
    fields of oha's published JSON schema (summary, latencyPercentiles,
    statusCodeDistribution, errorDistribution); oha itself is not in Debian."""
    doc = {"summary": {"successRate": 1.0, "total": 2.0, "slowest": 0.0125,
                       "fastest": 0.0001, "average": 0.0009, "requestsPerSec": 1500.5},
           "latencyPercentiles": {"p10": 0.0002, "p25": 0.0004, "p50": 0.0008, "p75": 0.001,
                                  "p90": 0.002, "p95": 0.003, "p99": 0.005, "p99.9": 0.009,
                                  "p99.99": 0.012},
           "statusCodeDistribution": {"200": 2990, "503": 11},
           "errorDistribution": {"connection closed": 3}}
    r = drivers.parse_oha(json.dumps(doc), drivers.Load("http://127.0.0.1:1/", 8, 2.0))
    assert r.requests == 3001 and r.non2xx == 11 and r.errors == 3
    assert r.rps == 1500.5 and r.seconds == 2.0 and r.mode == "closed"
    assert math.isclose(r.latency_us["p50"], 800) and math.isclose(r.latency_us["p99.9"], 9000)
    assert math.isclose(r.latency_us["max"], 12500)
