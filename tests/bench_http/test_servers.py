"""Real servers natively and under qemu-aarch64, loaded by the built-in generator
and by wrk; the open loop at a low rate; a server that crashes mid-run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from goarchlab import proc
from goarchlab.bench import engine, store
from goarchlab.bench.http import drivers, server
from goarchlab.bench.http.suite import prepare
from goarchlab.bench.variants import apply
from goarchlab.errors import GoarchlabError


def _units(ms) -> dict[str, float]:
    return {m.unit: m.value for m in ms}


def _pids_running(binary: Path) -> list[int]:
    """PIDs whose command line mentions ``binary`` (qemu runs it as an argument)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if str(binary).encode() in (d / "cmdline").read_bytes():
                    out.append(int(d.name))
            except OSError:
                pass
    return out


@pytest.mark.parametrize("which", ["native", "qemu"])
def test_server_under_load_with_builtin_generator(which, http_ctx, native_plan, qemu_plan,
                                                  built, go_tool):
    plan = native_plan if which == "native" else qemu_plan
    job = prepare(plan, http_ctx).jobs[0]
    assert job.runner.translated == (which == "qemu")
    first = _units(job.run(first=True))
    second = _units(job.run())
    for u in (first, second):
        assert u["req/s"] > 50
        assert 0 < u["p50-us"] <= u["p90-us"] <= u["p99-us"] <= u["p99.9-us"] <= u["max-us"]
        assert u["ns/op"] == pytest.approx(1e9 / u["req/s"])
        assert "errors" not in u and "non2xx" not in u
        assert u["allocs/req"] > 1 and u["B/req"] > 100  # the GC view came back
        assert u["gc-cycles"] >= 0 and u["heap-peak-B"] > 0
    # The first run profiled the server; go tool pprof opens what it wrote.
    cpu, heap = job.stage / "cpu.pb.gz", job.stage / "heap.pb.gz"
    for f in (cpu, heap):
        r = proc.run([go_tool, "tool", "pprof", "-top", str(f)], env=http_ctx.env, timeout=120)
        assert r.ok, r.stderr
        assert "flat%" in r.stdout
    assert "net/http" in proc.run([go_tool, "tool", "pprof", "-top", str(cpu)],
                                  env=http_ctx.env, timeout=120).stdout
    assert job.gc_views[-1]["go_version"].startswith("go1.27")
    assert not _pids_running(job.binary)  # stopped with its children


@pytest.mark.parametrize("which", ["native", "qemu"])
def test_wrk_against_real_server(which, http_ctx, native_plan, qemu_plan, built, tmp_path):
    assert shutil.which("wrk"), ".ci/run installs wrk"
    binary = built["native" if which == "native" else "arm64"]
    plan = native_plan if which == "native" else qemu_plan
    argv = plan.runner.argv(binary, "-addr", "127.0.0.1:0")
    with server.running(argv, http_ctx.run_env(plan), tmp_path) as srv:
        r = drivers.run("wrk", drivers.Load(f"http://{srv.addr}/api/ping", 8, 1.0),
                        loadgen=None, env=http_ctx.env)
        assert srv.alive()
    assert r.driver == "wrk" and r.requests > 50 and r.errors == 0 and r.non2xx == 0
    assert 0.5 < r.seconds < 3
    assert r.rps == pytest.approx(r.requests / r.seconds)
    lat = r.latency_us
    assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"]
    assert [p for p, _ in r.percentiles][-1] == 100


def test_wrk_heavy_endpoint_posts_the_body(http_ctx, native_plan, built, tmp_path):
    argv = native_plan.runner.argv(built["native"], "-addr", "127.0.0.1:0")
    with server.running(argv, http_ctx.env, tmp_path) as srv:
        load = drivers.Load(f"http://{srv.addr}/api/heavy", 4, 1.0, 0, "POST", 1024)
        r = drivers.run("wrk", load, loadgen=None, env=http_ctx.env)
        b = drivers.run("builtin", load, loadgen=built["loadgen"], env=http_ctx.env)
        ping = drivers.run("builtin", drivers.Load(f"http://{srv.addr}/api/ping", 4, 0.5),
                           loadgen=built["loadgen"], env=http_ctx.env)
    for x in (r, b):
        assert x.requests > 10 and x.errors == 0 and x.non2xx == 0
        # every answer carried the 50-item list (~4 KiB of JSON), a ping ~100 bytes
        assert x.bytes_read / x.requests > 3000
    assert ping.bytes_read / ping.requests < 300


def test_open_loop_at_a_low_rate(http_ctx, native_plan, built, tmp_path):
    argv = native_plan.runner.argv(built["native"], "-addr", "127.0.0.1:0")
    with server.running(argv, http_ctx.env, tmp_path) as srv:
        r = drivers.run("builtin", drivers.Load(f"http://{srv.addr}/api/ping", 4, 2.0, rate=100),
                        loadgen=built["loadgen"], env=http_ctx.env)
    assert r.mode == "open" and r.rate == 100
    # 100/s for 2 s on a fixed schedule: 200 requests, not "as many as possible"
    assert r.requests == 200
    assert r.rps == pytest.approx(100, rel=0.1)
    assert r.errors == 0 and r.latency_us["p50"] > 0


def test_open_loop_counts_waiting_behind_a_stall(http_ctx, qemu_plan, built, tmp_path):
    """Under qemu the server cannot answer 3000 requests/s on 2 connections; the open
    loop measures from intended send times, so latency grows with the backlog instead
    of staying at one round trip (what a closed loop would report)."""
    argv = qemu_plan.runner.argv(built["arm64"], "-addr", "127.0.0.1:0")
    with server.running(argv, http_ctx.run_env(qemu_plan), tmp_path) as srv:
        url = f"http://{srv.addr}/api/ping"
        closed = drivers.run("builtin", drivers.Load(url, 2, 1.0), loadgen=built["loadgen"],
                             env=http_ctx.env)
        opened = drivers.run("builtin", drivers.Load(url, 2, 1.0, rate=3 * closed.rps + 300),
                             loadgen=built["loadgen"], env=http_ctx.env)
    # Every scheduled request was sent (the backlog drained after the end) ...
    assert opened.requests == pytest.approx(opened.rate, rel=0.02)
    assert opened.seconds > 1.02
    # ... and the time spent queued behind the slow server counts in its latency.
    assert opened.latency_us["p99"] > 3 * closed.latency_us["p99"]
    assert opened.latency_us["p99"] > 100_000  # µs: queued for a good part of the second


def test_server_crash_mid_run_keeps_finished_samples(http_ctx, http_host, native_plan, built,
                                                     tmp_path):
    crash = apply(native_plan, "GOARCHLAB_HTTP_CRASH_AFTER=400", http_host)
    req = engine.Request(("http",), (native_plan, crash), runs=2, warmup=0)
    db = tmp_path / "results.db"
    res = engine.run(req, http_ctx, store_path=db)
    assert res.error is not None
    assert "nethttp server crashed under GOARCHLAB_HTTP_CRASH_AFTER=400" in res.error
    assert "panic: goarchlab test crash after 400 requests" in res.error
    assert "requests were answered before" in res.error_hint
    assert "partial run" in res.error_hint
    saved = store.load_run(res.run.run_id, db)
    assert not saved.complete
    kept = {(s.variant, s.unit) for s in saved.samples}
    assert ("native", "req/s") in kept
    assert not any(v == crash.name for v, _ in kept)
    for job in http_ctx._memo["http.jobs"]:
        assert not _pids_running(job.binary)


def test_server_that_never_answers_is_a_clear_error(http_ctx, tmp_path):
    argv = ["python3", "-c", "import time; print('{\"addr\": \"127.0.0.1:9\"}', flush=True); "
            "time.sleep(60)"]
    with pytest.raises(server.ServerFailed, match="did not answer GET /api/ping"), \
            server.running(argv, http_ctx.env, tmp_path, ready_timeout=1.5):
        pass
    with pytest.raises(server.ServerFailed, match="exited before listening"), \
            server.running(["python3", "-c", "import sys; sys.exit('boom')"], http_ctx.env,
                           tmp_path):
        pass


def test_wrk_refuses_a_rate_and_missing_drivers_are_named(http_ctx):
    with pytest.raises(GoarchlabError, match="no fixed-rate"):
        drivers.check_driver("wrk", 100, http_ctx.env)
    with pytest.raises(GoarchlabError, match="oha is not installed"):
        drivers.check_driver("oha", 0, {"PATH": os.devnull})


def test_gc_view_follows_gogc(http_ctx, http_host, native_plan, built):
    """--vs GOGC=...: the server's own runtime/metrics show the collector working
    harder at a low GOGC (the same allocation per request, a smaller heap goal)."""
    views = {}
    # the heavy endpoint allocates ~10 KiB per request: enough for GC cycles in 1 s
    http_ctx.options = {**http_ctx.options, "http_endpoint": "heavy"}
    for gogc in ("25", "400"):
        plan = apply(native_plan, f"GOGC={gogc}", http_host)
        job = prepare(plan, http_ctx).jobs[0]
        u = _units(job.run())
        gc = job.gc_views[-1]
        assert gc["gogc"] == gogc and gc["requests"] > 100
        assert u["gc-cycles"] == gc["gc_cycles"]
        assert gc["timeline"] and all(p["heap"] > 0 for p in gc["timeline"])
        views[gogc] = gc
    per_req = {g: v["gc_cycles"] / v["requests"] for g, v in views.items()}
    assert per_req["25"] > 3 * per_req["400"]
    assert views["25"]["pauses"] >= views["25"]["gc_cycles"]  # two STW pauses per cycle
    assert set(views["25"]["pause_quantiles"]) == {"p50", "p90", "p99", "max"}
