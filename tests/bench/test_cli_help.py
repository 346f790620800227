"""``goarchlab bench`` subcommands have parsers of their own (help, options, usage
errors), ``bench [SUITE...]`` still runs suites, piped output keeps whole run ids, and
output files are never written into directories that do not exist."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from goarchlab.bench import store
from goarchlab.bench.model import RunRecord, Sample, Variant


@pytest.fixture()
def home(tmp_path) -> Path:
    h = tmp_path / "gl-home"
    h.mkdir()
    return h


@pytest.fixture()
def bench(home, tmp_path):
    def run(*args: str, columns: str = "80") -> subprocess.CompletedProcess:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GOARCHLAB_HOME": str(home),
               "COLUMNS": columns}
        r = subprocess.run([sys.executable, "-m", "goarchlab", "bench", *args], env=env,
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in r.stderr, r.stderr
        return r

    return run


def _store_run(home: Path, run_id: str, variants: tuple[str, ...]) -> None:
    vs = tuple(Variant(n, "go1.27.3", "linux/amd64", "native") for n in variants)
    samples = tuple(Sample(v.name, "cpu/sha256/64", "ns/op", (1.0, 2.0, 3.0), (10, 10, 10))
                    for v in vs)
    store.save_run(RunRecord(run_id=run_id, started_at="2026-11-27T10:00:00Z",
                             ended_at="2026-11-27T10:01:00Z", host_json="{}", variants=vs,
                             samples=samples, suites=("cpu", "alloc", "syscall"),
                             complete=True), home / "results.db")


HELP = {
    "history": (["--limit"], ["--vs", "--benchtime", "--report", "--variant"]),
    "compare": (["RUN_A", "RUN_B", "--variant", "--fail-on-regression"],
                ["--vs", "--benchtime", "--limit", "--report"]),
    "export": (["RUN", "--output", "--benchfmt"], ["--vs", "--benchtime", "--limit"]),
    "merge": (["FILE", "--fail-on-regression"], ["--vs", "--benchtime", "--limit"]),
}


@pytest.mark.parametrize("action", sorted(HELP))
def test_each_subcommand_has_its_own_help(bench, action):
    r = bench(action, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: goarchlab bench {action}")
    has, lacks = HELP[action]
    for word in has:
        assert word in r.stdout, word
    for word in lacks:
        assert word not in r.stdout, word


def test_bench_help_lists_the_subcommands_and_the_suites(bench):
    r = bench("--help")
    assert r.returncode == 0
    for word in ("history", "compare", "export", "merge", "--vs", "--benchtime"):
        assert word in r.stdout


def test_subcommand_options_are_their_own(bench, home):
    r = bench("history", "-n", "3")  # a run option, meaningless for history
    assert r.returncode == 2 and "unrecognized arguments: -n 3" in r.stderr
    assert "goarchlab bench history --help" in r.stderr
    r = bench("history", "stray")
    assert r.returncode == 2 and "stray" in r.stderr
    r = bench("compare", "onlyone")
    assert r.returncode == 2 and "RUN_B" in r.stderr


def test_options_before_the_subcommand_still_work(bench, home):
    _store_run(home, "20261127T100000Z-0a1b2c3d", ("native",))
    for argv in (("--json", "history"), ("history", "--json"), ("history", "--limit=1", "--json")):
        r = bench(*argv)
        assert r.returncode == 0, (argv, r.stderr)
        doc = json.loads(r.stdout)
        assert doc["schema"] == "goarchlab.bench.history/v1"
        assert [x["run_id"] for x in doc["runs"]] == ["20261127T100000Z-0a1b2c3d"]


def test_a_suite_run_is_still_bench_suite(bench):
    # Not a subcommand: still the suite check of a benchmark run (before any build).
    r = bench("nope")
    assert r.returncode == 2 and "unknown suite 'nope'" in r.stderr
    r = bench("--bench", "history", "nope")  # an option's value named like a subcommand
    assert r.returncode == 2 and "unknown suite 'nope'" in r.stderr


def test_piped_history_keeps_whole_run_ids_and_one_line_per_run(bench, home):
    ids = ["20261127T100000Z-0a1b2c3d", "20261127T110000Z-4e5f6a7b"]
    long = ("native", "qemu-arm64", "go1.22.10+GOGC=50", "linux/arm64+ldflags=-s -w")
    for i in ids:
        _store_run(home, i, long)
    r = bench("history")
    assert r.returncode == 0, r.stderr
    rows = [ln.strip() for ln in r.stdout.splitlines() if ln.strip().startswith("2026")]
    assert len(rows) == 2, r.stdout
    for i, row in zip(reversed(ids), rows, strict=True):
        assert row.split()[0] == i
        assert "linux/arm64+ldflags=-s -w" in row and "complete" in row


def test_export_refuses_a_missing_directory(bench, home, tmp_path):
    _store_run(home, "20261127T100000Z-0a1b2c3d", ("native",))
    out = tmp_path / "no" / "such" / "run.json"
    r = bench("export", "20261127T100000Z-0a1b2c3d", "-o", str(out))
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and str(out.parent) in " ".join(r.stderr.split())
    assert not (tmp_path / "no").exists()
    r = bench("export", "20261127T100000Z-0a1b2c3d", "-o", str(tmp_path / "run.json"))
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "run.json").read_text())["schema"] == "goarchlab.bench.run/v1"


def test_report_refuses_a_missing_directory_before_running(bench, tmp_path):
    out = tmp_path / "no" / "report.html"
    r = bench("cpu", "--report", str(out))
    assert r.returncode == 2
    assert str(out.parent) in " ".join(r.stderr.split())
    assert not (tmp_path / "no").exists()
    r = bench("cpu", "--report", str(tmp_path))  # a directory, not a file
    assert r.returncode == 2 and "directory" in r.stderr


@pytest.mark.parametrize(("data", "words"), [
    ("{}".encode("utf-16"), "not UTF-8"),
    (b"[1, 2]", "not a goarchlab.bench.run/v1"),
    (b"{", "not JSON"),
])
def test_merge_refuses_a_file_that_is_not_an_export(bench, tmp_path, data, words):
    f = tmp_path / "x.json"
    f.write_bytes(data)
    r = bench("merge", str(f))
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {f}: ") and words in " ".join(r.stderr.split())
