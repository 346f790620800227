"""The engine against real workloads: every suite natively and under qemu-aarch64,
a crashing and a hanging benchmark process, pre-flight checks from recordings."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path

import pytest

from goarchlab.bench import benchfmt, catalog, engine, preflight, report, store, suites, variants
from goarchlab.errors import EXIT_FAILED, EXIT_TIMEOUT, GoarchlabError
from goarchlab.host import RecordedProbe
from goarchlab.render import bench_text

QEMU = Path("/usr/bin/qemu-aarch64")


def _values(res, suite: str, variant: str, unit: str | None = None):
    return {s.benchmark: s.values for s in res.run.samples
            if s.benchmark.startswith(suite + "/") and s.variant == variant
            and (unit is None or s.unit == unit)}


@pytest.mark.skipif(not QEMU.exists(), reason="needs qemu-aarch64 (apt-get install qemu-user)")
def test_every_default_suite_native_and_under_qemu(bench_ctx, tmp_path):
    plans, note = variants.default_plans(bench_ctx.host)
    assert note is None
    assert [p.name for p in plans] == ["native", "qemu-arm64"]
    # goarchlab.targets prefers the kernel's binfmt handler (a plain exec) when registered.
    assert plans[1].variant.runner in ("qemu-aarch64", "qemu-aarch64 via binfmt")
    req = engine.Request(tuple(catalog.default_suites()), tuple(plans), runs=2, warmup=1)
    res = engine.run(req, bench_ctx, store_path=tmp_path / "r.db")
    assert res.error is None, res.error
    assert res.run.complete
    cross_cc = suites.c_compiler_for(bench_ctx.host, "linux", "arm64")
    skipped = {(s.suite, s.variant): s.reason for s in res.statuses if s.status == "skipped"}
    if cross_cc is None:
        assert "no C compiler for linux/arm64" in skipped.pop(("cgo", "qemu-arm64"))
    assert skipped == {}
    for suite in ("cpu", "alloc", "sched", "syscall", "cgo", "startup"):
        for v in ("native", "qemu-arm64"):
            if suite == "cgo" and v == "qemu-arm64" and cross_cc is None:
                assert _values(res, suite, v) == {}
                continue
            times = _values(res, suite, v, "ns/op")
            assert times, (suite, v)
            for name, vals in times.items():
                assert len(vals) == (1 if name.endswith("FirstRun") else 2), name
                assert all(x > 0 for x in vals)
    # The collector's and the scheduler's own numbers, from runtime/metrics.
    for v in ("native", "qemu-arm64"):
        units = {s.unit for s in res.run.samples
                 if s.variant == v and s.benchmark.startswith("alloc/")}
        assert {"gc-cycles", "heap-goal-B", "B/op", "allocs/op"} <= units
    assert any(s.benchmark.startswith("cpu/SHA256Parallel/1KiB") for s in res.run.samples)
    # The scheduler samples its latency histogram, so give it enough round trips.
    sched_ctx = dataclasses.replace(bench_ctx, benchtime="5000x", _memo={})
    sched = engine.run(engine.Request(("sched",), tuple(plans), runs=1, warmup=0), sched_ctx,
                       store_path=tmp_path / "r.db")
    for v in ("native", "qemu-arm64"):
        units = {s.unit for s in sched.run.samples
                 if s.variant == v and s.benchmark.startswith("sched/PingPong")}
        assert {"sched-lat-p50-ns", "sched-lat-p99-ns"} <= units, (v, units)
    tr = res.translation
    assert tr is not None and tr.translated == "qemu-arm64"
    cpu = next(s for s in tr.suites if s.suite == "cpu")
    assert cpu.ratio > 1.5  # emulated sha256/big are slower
    # 2 runs a side: too few for a 95% interval (benchstat needs 6), so none is given
    assert cpu.samples == 2 and cpu.lo is None and cpu.hi is None and not cpu.significant
    assert tr.startup_ms[1] > tr.startup_ms[0]
    assert tr.advice
    # Stored, and the benchfmt form reads back with its config lines.
    stored = store.load_run(res.run.run_id, tmp_path / "r.db")
    assert stored.samples == res.run.samples
    parsed = benchfmt.parse(bench_text.benchfmt_text(res.run, "test cpu"))
    # One benchmark line per (variant, benchmark, run), all its units on that line.
    assert len(parsed.results) == sum(len(s.values) for s in res.run.samples
                                      if s.unit == "ns/op")
    runners = {r.config_value("runner") for r in parsed.results}
    assert runners == {"native", plans[1].variant.runner}
    assert {r.config_value("goarch") for r in parsed.results} == {"amd64", "arm64"}


#: A package whose TestMain counts processes in FLAKY_COUNTER and, from the FLAKY_AT-th
#: on, crashes or hangs (FLAKY_MODE), writing its pid and a child's to FLAKY_PIDS.
FLAKY = Path(__file__).parent / "testdata" / "flaky"


def _flaky(tmp_path: Path, bench_ctx, mode: str, timeout: float | None = None):
    mod = tmp_path / "flaky"
    shutil.copytree(FLAKY, mod)
    env = dict(bench_ctx.env, CGO_ENABLED="0", FLAKY_COUNTER=str(tmp_path / "count"), FLAKY_AT="3",
               FLAKY_MODE=mode, FLAKY_PIDS=str(tmp_path / "pids"))
    ctx = suites.SuiteContext(bench_ctx.host, env, bench_ctx.home, bench_ctx.toolchains,
                         benchtime="5x", cwd=mod, timeout=timeout)
    plan = variants.base_plan(bench_ctx.host)
    req = engine.Request((".",), (plan,), runs=4, warmup=1)
    return engine.run(req, ctx, store_path=tmp_path / "r.db")


def test_crashing_benchmark_keeps_finished_samples(bench_ctx, tmp_path):
    res = _flaky(tmp_path, bench_ctx, "crash")
    # warm-up = process 1, run 1 = process 2 (kept), run 2 = process 3 crashes.
    assert res.error_code == EXIT_FAILED
    assert "flaky benchmark process failed under native (exit 2)" in res.error
    assert "simulated crash" in res.error or "panic" in res.error
    assert "partial run" in res.error_hint
    # The hint names a binary that still exists after the run removed its own copy.
    kept = res.error_hint.split("the binary is kept in ", 1)[1].split(" ", 1)[0]
    assert Path(kept, "flaky.test").is_file(), res.error_hint
    assert f"{kept}/flaky.test -test.run" in res.error_hint
    shutil.rmtree(kept)
    work = [s for s in res.run.samples if s.benchmark.startswith("flaky/Work")]
    assert work and all(len(s.values) == 1 for s in work)
    stored = store.load_run(res.run.run_id, tmp_path / "r.db")
    assert not stored.complete
    assert any("stopped early" in n for n in stored.notes)
    assert ("flaky", "native", "failed") in {(s.suite, s.variant, s.status) for s in res.statuses}


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1].startswith("Z")  # a zombie awaiting init
    except FileNotFoundError:
        return True


def test_hanging_benchmark_times_out_and_leaves_no_process(bench_ctx, tmp_path):
    t0 = time.monotonic()
    res = _flaky(tmp_path, bench_ctx, "hang", timeout=5.0)
    assert time.monotonic() - t0 < 60
    assert res.error_code == EXIT_TIMEOUT
    assert "did not finish within 5 s" in res.error
    assert [len(s.values) for s in res.run.samples if s.unit == "ns/op"] == [1]
    pids = [int(x) for x in (tmp_path / "pids").read_text().split()]
    deadline = time.monotonic() + 5
    while not all(_gone(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(p) for p in pids), "the hung test binary or its child survived"
    assert not store.load_run(res.run.run_id, tmp_path / "r.db").complete


RECORDED = Path(__file__).parent / "recorded"


def _linux(load: str, govs: list[str]) -> RecordedProbe:
    files = {"/proc/loadavg": load}
    files.update({f"/sys/devices/system/cpu/cpu{i}/cpufreq/scaling_governor": g + "\n"
                  for i, g in enumerate(govs)})
    dirs = {"/sys/devices/system/cpu": [f"cpu{i}" for i in range(len(govs))]
            + ["cpufreq", "cpuidle", "online"]}
    return RecordedProbe.from_dict({"files": files, "dirs": dirs, "cpu_count": len(govs)})


def test_preflight_linux_load_and_governor():
    busy = _linux("3.50 2.00 1.00 3/412 8812\n",
                  ["powersave", "powersave", "performance", "performance"])
    ws = preflight.check("linux", busy)
    assert [w.id for w in ws] == ["load", "governor"]
    assert "3.50 on 4 CPUs" in ws[0].detail
    assert ws[1].detail == "CPU frequency governor: 2 CPU(s) powersave"
    quiet = _linux("0.30 0.20 0.10 1/380 8812\n", ["performance"] * 4)
    assert preflight.check("linux", quiet) == ()


def _mac(batt: str, therm: str, loadavg: str) -> RecordedProbe:
    run = [{"argv": ["pmset", "-g", "batt"], "returncode": 0,
            "stdout": (RECORDED / batt).read_text()},
           {"argv": ["pmset", "-g", "therm"], "returncode": 0,
            "stdout": (RECORDED / therm).read_text()}]
    return RecordedProbe.from_dict({"run": run, "sysctl": {"vm.loadavg": loadavg},
                                    "cpu_count": 8})


def test_preflight_macos_load_battery_and_thermal_from_recordings():
    ws = preflight.check("darwin", _mac("pmset-batt-battery.txt", "pmset-therm-limited.txt",
                                        "{ 6.12 4.80 3.95 }"))
    assert [w.id for w in ws] == ["load", "battery", "thermal"]
    assert "6.12 on 8 CPUs" in ws[0].detail and "limited to 70%" in ws[2].detail
    assert preflight.check("darwin", _mac("pmset-batt-ac.txt", "pmset-therm-ok.txt",
                                          "{ 1.20 1.10 1.00 }")) == ()


def test_ratio_interval_is_deterministic_and_covers_the_true_ratio():
    native = sorted([100.0, 101, 99, 100.5, 100.2, 99.7, 100.1, 100.4, 99.9, 100.3])
    slow = sorted(x * 2 for x in native)
    r, lo, hi = report.ratio_interval([[(native, slow)]])
    assert r == pytest.approx(2.0)
    assert lo <= 2.0 <= hi and lo > 1.9 and hi < 2.1
    assert report.ratio_interval([[(native, slow)]]) == (r, lo, hi)
    same = report.ratio_interval([[(native, native)]])
    assert same[1] <= 1.0 <= same[2]


def test_os_env_untouched_by_engine(bench_ctx):
    # The engine hands env to children explicitly; it must never edit os.environ.
    before = dict(os.environ)
    variants.default_plans(bench_ctx.host)
    assert dict(os.environ) == before


def test_a_runner_that_cannot_run_the_workload_fails_while_preparing(bench_ctx, tmp_path):
    """Each variant's runner lists the workload's benchmarks before anything is
    measured, also when another variant already listed the same suite."""
    base = variants.base_plan(bench_ctx.host)
    broken = variants.apply(base, "runner=/bin/false", bench_ctx.host)
    req = engine.Request(("syscall",), (base, broken), runs=1, warmup=0)
    with pytest.raises(GoarchlabError, match="does not run under runner=/bin/false"):
        engine.run(req, bench_ctx, store_path=tmp_path / "r.db")
    assert not (tmp_path / "r.db").exists()  # failed before measuring: nothing stored
