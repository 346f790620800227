"""goarchlab bench end to end through the CLI: --json, --benchfmt read back, history,
compare, export, merge, --fail-on-regression, bad input, two runs at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from goarchlab.bench import benchfmt, store

QEMU = Path("/usr/bin/qemu-aarch64")
DOCS = Path(__file__).resolve().parents[2] / "docs"


def validate(doc: dict, definition: str | None = None) -> None:
    """Check ``doc`` against docs/bench.schema.json (which refers to bench-run.schema.json)."""
    import jsonschema
    from referencing import Registry, Resource

    schema = json.loads((DOCS / "bench.schema.json").read_text())
    run = json.loads((DOCS / "bench-run.schema.json").read_text())
    registry = Registry().with_resource(run["$id"], Resource.from_contents(run))
    if definition:
        schema = {**schema["$defs"][definition], "$id": schema["$id"]}
    jsonschema.validate(doc, schema, registry=registry)
pytestmark = pytest.mark.skipif(not QEMU.exists(), reason="needs qemu-aarch64 (qemu-user)")


@pytest.fixture(scope="session")
def real_benchstat(go_new, go_caches, session_home: Path) -> Path:
    """golang.org/x/perf's benchstat, built by the session's Go (the same pinned version
    and place as the statistics tests use, so it is built once per session)."""
    from benchstat_oracle import PERF_VERSION

    from goarchlab import proc

    exe = session_home / "gobin" / f"perf-{PERF_VERSION}" / "benchstat"
    if not exe.exists():
        exe.parent.mkdir(parents=True, exist_ok=True)
        env = {"PATH": f"{go_new.goroot / 'bin'}:/usr/bin:/bin", "HOME": str(session_home),
               "GOBIN": str(exe.parent), "GOTOOLCHAIN": "local", "GOFLAGS": "-modcacherw",
               "CGO_ENABLED": "0", **go_caches}
        r = proc.run(["go", "install", f"golang.org/x/perf/cmd/benchstat@{PERF_VERSION}"],
                     env=env, timeout=600)
        assert r.ok, r.stderr
    return exe


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory) -> Path:
    """One GOARCHLAB_HOME for the module: workload binaries are built once."""
    return tmp_path_factory.mktemp("bench-cli-home")


@pytest.fixture()
def cli(go_env, cli_home, tmp_path):
    env = dict(go_env, GOARCHLAB_HOME=str(cli_home))

    def run(*args: str, home: Path | None = None, check_rc: int | None = 0):
        e = dict(env, GOARCHLAB_HOME=str(home)) if home else env
        r = subprocess.run([sys.executable, "-m", "goarchlab", "bench", *args], env=e,
                           cwd=tmp_path, capture_output=True, text=True, timeout=600)
        if check_rc is not None:
            assert r.returncode == check_rc, (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
        assert "Traceback" not in r.stderr, r.stderr
        return r

    return run


def test_run_json_benchfmt_history_compare_export_merge(cli, cli_home, tmp_path,
                                                        real_benchstat):
    r1 = cli("startup", "syscall", "-n", "3", "--benchtime", "2x", "--json")
    doc = json.loads(r1.stdout)
    assert doc["schema"] == "goarchlab.bench/v1" and doc["complete"] is True
    validate(doc)
    assert [v["name"] for v in doc["variants"]] == ["native", "qemu-arm64"]
    assert doc["variants"][1]["runner"] in ("qemu-aarch64", "qemu-aarch64 via binfmt")
    qemu = doc["variants"][1]["runner"]
    getpid = [s for s in doc["samples"] if s["benchmark"].startswith("syscall/Getpid")]
    assert {s["variant"] for s in getpid} == {"native", "qemu-arm64"}
    assert all(len(s["values"]) == 3 for s in getpid)
    suites = {s["suite"] for s in doc["translation"]["suites"]}
    assert suites == {"startup", "syscall"} and doc["translation"]["advice"]
    assert doc["tables"][0]["unit"] == "sec/op"
    assert doc["host"]["native_arch"] == "amd64"
    run1 = doc["run_id"]
    (tmp_path / "r1.json").write_text(r1.stdout)

    r2 = cli("syscall", "--vs", "GOGC=50", "-n", "3", "--benchtime", "2x", "--benchfmt")
    parsed = benchfmt.parse(r2.stdout)
    assert not parsed.errors
    assert {r.config_value("variant") for r in parsed.results} == {"native", "GOGC=50"}
    assert {r.config_value("runner") for r in parsed.results} == {"native"}
    assert {(r.config_value("goos"), r.config_value("goarch")) for r in parsed.results} == {
        ("linux", "amd64")}
    assert all(r.config_value("cpu") for r in parsed.results)
    names = {r.name for r in parsed.results}
    assert len(parsed.results) == 3 * 2 * len(names)
    (tmp_path / "r2.txt").write_text(r2.stdout)
    bs = subprocess.run([str(real_benchstat), "-col", "variant", str(tmp_path / "r2.txt")],
                        capture_output=True, text=True, timeout=120)
    assert bs.returncode == 0, bs.stderr
    assert "GOGC=50" in bs.stdout and "Getpid" in bs.stdout and "runner: native" in bs.stdout

    hist = json.loads(cli("history", "--json").stdout)
    validate(hist, "history")
    ids = [r["run_id"] for r in hist["runs"]]
    assert run1 in ids and len(ids) >= 2
    run2 = next(i for i in ids if i != run1)
    assert store.load_run(run2, cli_home / "results.db").variants[1].name == "GOGC=50"

    cmp = json.loads(cli("compare", run1, run2, "--json").stdout)
    validate(cmp)
    sec = next(t for t in cmp["tables"] if t["unit"] == "sec/op")
    assert sec["columns"] == [run1, run2]
    assert any(row["benchmark"].startswith("syscall/Getpid") for row in sec["rows"])
    md = cli("compare", run1, run2, "--markdown").stdout
    assert "| benchmark |" in md and "syscall/Getpid" in md
    human = cli("compare", run1, run2).stdout
    assert "syscall/Getpid" in human

    cli("export", run1, "-o", str(tmp_path / "e1.json"))
    exported = json.loads((tmp_path / "e1.json").read_text())
    assert exported["schema"] == "goarchlab.bench.run/v1" and exported["run_id"] == run1
    back = benchfmt.parse(cli("export", run1, "--benchfmt").stdout)
    assert {r.config_value("runner") for r in back.results} == {"native", qemu}

    cli("export", run2, "-o", str(tmp_path / "e2.json"))
    # merge reads exports and saved --json results alike
    merged = json.loads(cli("merge", str(tmp_path / "r1.json"), str(tmp_path / "e2.json"),
                            "--json").stdout)
    assert len(merged["variants"]) == 4  # both inputs' variants, kept apart by prefix
    assert len({v["name"] for v in merged["variants"]}) == 4
    again = cli("merge", str(tmp_path / "r1.json"), str(tmp_path / "e1.json"), check_rc=2)
    assert "more than once" in again.stderr


def test_fail_on_regression_exits_1(cli):
    r = cli("startup", "-n", "4", "--fail-on-regression", check_rc=1)
    assert "regression" in r.stderr
    assert "startup/ExecToMain" in r.stdout


def test_bad_input_one_clear_error(cli):
    r = cli("nope", check_rc=2)
    assert "unknown suite 'nope'" in r.stderr and "known suites: cpu" in r.stderr
    r = cli("syscall", "--vs", "banana", check_rc=2)
    assert "unknown variant 'banana'" in r.stderr
    r = cli("syscall", "--vs", "windows/amd64", check_rc=2)
    assert "no way to run windows/amd64" in r.stderr
    r = cli("export", "20990101T000000Z-deadbeef", check_rc=2)
    assert "error:" in r.stderr
    r = cli("compare", "onlyone", check_rc=2)
    assert "required: RUN_B" in r.stderr and "goarchlab bench compare --help" in r.stderr


def test_two_runs_at_once_share_the_store(cli, go_env, cli_home, tmp_path):
    env = dict(go_env, GOARCHLAB_HOME=str(cli_home))
    argv = [sys.executable, "-m", "goarchlab", "bench", "syscall", "--vs", "GOGC=50", "-n", "3",
            "--benchtime", "2x", "--json"]
    procs = [subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    ids = [json.loads(o[0])["run_id"] for o in outs]
    for i in ids:
        rec = store.load_run(i, cli_home / "results.db")
        assert rec.complete and len(rec.samples) > 0
    hist = json.loads(cli("history", "--json").stdout)
    assert set(ids) <= {r["run_id"] for r in hist["runs"]}


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1].startswith("Z")
    except FileNotFoundError:
        return True


def test_ctrl_c_keeps_finished_samples_and_leaves_no_process(go_env, cli_home, tmp_path):
    import shutil
    import signal
    import time

    mod = tmp_path / "flaky"
    shutil.copytree(Path(__file__).parent / "testdata" / "flaky", mod)
    pids = tmp_path / "pids"
    # Processes: warm-up native, warm-up GOGC=100, run 1 of each, then run 2 hangs.
    # CGO_ENABLED=0: the session's GOCACHE then already holds the standard library.
    env = dict(go_env, GOARCHLAB_HOME=str(cli_home), CGO_ENABLED="0",
               FLAKY_COUNTER=str(tmp_path / "n"), FLAKY_AT="5", FLAKY_MODE="hang",
               FLAKY_PIDS=str(pids))
    p = subprocess.Popen([sys.executable, "-m", "goarchlab", "bench", ".", "--vs", "GOGC=100",
                          "-n", "3", "--benchtime", "5x"], env=env, cwd=mod,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not pids.exists() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pids.exists(), p.communicate()[1][-2000:]
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted by SIGINT; " in err and "stored as partial run" in err
    run_id = err.split("partial run ")[1].split()[0]
    rec = store.load_run(run_id, cli_home / "results.db")
    assert not rec.complete
    assert sorted(len(s.values) for s in rec.samples if s.unit == "ns/op") == [1, 1]
    children = [int(x) for x in pids.read_text().split()]
    end = time.monotonic() + 5
    while not all(_gone(c) for c in children) and time.monotonic() < end:
        time.sleep(0.1)
    assert all(_gone(c) for c in children), "a benchmark process outlived Ctrl-C"
