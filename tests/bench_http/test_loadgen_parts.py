"""The load generator's Go tests (histogram, response parser, epoll loops; run with the
session's Go), the oha result parser and the build cache key."""

from __future__ import annotations

import json
import math
from pathlib import Path

from goarchlab import proc
from goarchlab.bench.http import drivers
from goarchlab.bench.suites import WORKLOADS


def test_loadgen_go_tests(go_tool, session_go_env):
    """The load generator's own Go tests: the histogram's precision (hist_test.go), the
    incremental response parser (parse_test.go: Content-Length, chunked, every split
    of a response across reads, 1xx/204/304/HEAD, non-2xx, Connection: close, HTTP/1.0,
    truncation, malformed answers) and, on Linux, the epoll loops against a raw
    loopback server (loop_linux_test.go: statuses, reconnects, errors, server gone)."""
    import sys

    r = proc.run([go_tool, "test", "-count=1", "-v", "./http/loadgen"], env=session_go_env,
                 timeout=300, cwd=WORKLOADS)
    assert r.ok, r.stdout + r.stderr
    names = ["TestQuantilesWithinDocumentedPrecision", "TestChunkedAnyCut",
             "TestContentLengthAnyCut", "TestConnectionClose", "TestNon2xxAndInterimAnswers",
             "TestMalformed", "TestClientOverPipeLargeBodies"]
    if sys.platform == "linux":
        names += ["TestEventLoopsAgainstRawServer", "TestEventLoopsServerGone"]
    for name in names:
        assert f"--- PASS: {name} " in r.stdout, name
    assert r.stdout.rstrip().splitlines()[-1].startswith("ok")


def test_oha_json_fields_and_units():
    """oha reports seconds; goarchlab keeps microseconds. A document with the fields
    of a real oha 1.16.0 output (see the recorded one below) plus a 503 and a real
    connection error, which a healthy run does not give."""
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


def test_oha_recorded_real_output():
    """A real oha 1.16.0 run (`oha --no-tui --output-format json -z 1s -c 4 -m GET`, the
    argv the driver built then; it now writes -z in ms, the same duration to oha's
    parser), against a loopback server; oha built with `cargo install oha
    --locked`, it is not in Debian). The 4 requests still in flight at the deadline are
    oha's "aborted due to deadline", not server errors."""
    text = (Path(__file__).parent / "recorded" / "oha-1.16.0.json").read_text()
    doc = json.loads(text)
    r = drivers.parse_oha(text, drivers.Load("http://127.0.0.1:1/", 4, 1.0))
    assert doc["errorDistribution"] == {drivers.OHA_DEADLINE: 4}
    assert r.errors == 0 and r.non2xx == 0
    assert r.requests == sum(doc["statusCodeDistribution"].values()) == 309
    assert r.rps == doc["summary"]["requestsPerSec"]
    assert r.bytes_read == doc["summary"]["totalData"]
    assert math.isclose(r.latency_us["p99"], doc["latencyPercentiles"]["p99"] * 1e6)
    assert r.latency_us["p50"] <= r.latency_us["p99"] <= r.latency_us["max"]


def test_http_build_key_covers_the_workloads_go_mod(tmp_path, monkeypatch):
    """nethttp and the load generator build in the workloads module, whose go.mod
    (its go directive sets their language version) is part of their cache key."""
    import shutil

    from goarchlab.bench.http import build

    w = tmp_path / "workloads"
    shutil.copytree(build.HTTP_DIR, w / "http")
    shutil.copy(build.WORKLOADS / "go.mod", w / "go.mod")
    monkeypatch.setattr(build, "WORKLOADS", w)
    monkeypatch.setattr(build, "HTTP_DIR", w / "http")
    before = build._sources_hash()
    gomod = (w / "go.mod").read_text()
    assert "\ngo 1.20\n" in gomod
    (w / "go.mod").write_text(gomod.replace("\ngo 1.20\n", "\ngo 1.22\n"))
    assert build._sources_hash() != before
