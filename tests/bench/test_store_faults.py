"""Faults of the results store (SQLite): corrupt pages, a foreign database, a full disk
during a write, a read-only directory, and a bench run whose store is unusable (the
measured run must survive as a JSON file that ``bench merge`` reads)."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fsfaults import error_lines, fill, read_only, tmpfs

from goarchlab.bench import store
from goarchlab.bench.model import RunRecord, Sample, Variant
from goarchlab.errors import GoarchlabError

_V = Variant("native", "go1.27.3", "linux/amd64", "native", (), (), "")


def _run(n_samples: int, values: int = 10) -> RunRecord:
    samples = tuple(Sample("native", f"BenchmarkX{i}", "sec/op",
                           tuple(float(i + j) for j in range(values)), (100,) * values)
                    for i in range(n_samples))
    return RunRecord(run_id=store.new_run_id(), started_at=store.utc_now(),
                     ended_at=store.utc_now(), host_json="{}", variants=(_V,), samples=samples,
                     suites=("x",), command_line=("goarchlab", "bench"), notes=(),
                     complete=True, hostname="h", goarchlab_version="0")


def _corrupt(path: Path) -> None:
    """Overwrite pages in the middle of a valid database, leaving its header intact."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    pages = len(data) // page
    assert pages > 8, pages
    for p in range(pages // 3, pages // 3 + 4):
        data[p * page:(p + 1) * page] = b"\xa5" * page
    path.write_bytes(bytes(data))


def _bench_cli(home: Path, env: dict[str, str], cwd: Path, *args: str):
    return subprocess.run([sys.executable, "-m", "goarchlab", "bench", *args],
                          env=dict(env, GOARCHLAB_HOME=str(home)), cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_corrupt_pages_are_reported_as_corrupt(tmp_path, go_env):
    db = tmp_path / "results.db"
    for _ in range(20):
        store.save_run(_run(40), db)
    _corrupt(db)
    with pytest.raises(GoarchlabError) as e:
        store.list_runs(db)
    assert e.value.code == 3
    assert "corrupt" in e.value.message and str(db) in e.value.message
    assert "move the file aside" in e.value.hint
    r = _bench_cli(tmp_path, go_env, tmp_path, "history")
    assert r.returncode == 3, r.stderr
    err, hint = error_lines(r.stderr)
    assert "corrupt" in err and "move the file aside" in hint


def test_foreign_database_is_named_and_left_alone(tmp_path):
    db = tmp_path / "results.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        c.execute("INSERT INTO contacts VALUES ('a', '1')")
    c.close()
    before = db.read_bytes()
    for op in (lambda: store.list_runs(db), lambda: store.save_run(_run(1), db)):
        with pytest.raises(GoarchlabError) as e:
            op()
        assert e.value.code == 3
        assert "not a goarchlab results database" in e.value.message
        assert str(db) in e.value.message and "contacts" in e.value.message
    assert db.read_bytes() == before  # no goarchlab table was added to someone's file


def test_disk_full_during_a_write_rolls_back_and_says_so(tmp_path):
    with tmpfs(tmp_path / "fs", 256 << 10) as d:
        db = d / "results.db"
        kept = store.save_run(_run(2), db)
        filler = fill(d, leave=8 << 10)
        with pytest.raises(GoarchlabError) as e:
            store.save_run(_run(3000), db)
        assert e.value.code == 3
        assert "cannot rollback" not in e.value.message
        assert str(db) in e.value.message
        assert "full" in e.value.message or os.strerror(errno.ENOSPC) in e.value.message
        assert "free space" in e.value.hint and "move the file aside" not in e.value.hint
        filler.unlink()
        assert [r.run_id for r in store.list_runs(db)] == [kept]  # the failed run left nothing


def test_read_only_store_directory(tmp_path):
    d = tmp_path / "home"
    d.mkdir()
    with read_only(d), pytest.raises(GoarchlabError) as e:
        store.save_run(_run(1), d / "results.db")
    assert e.value.code == 3 and str(d / "results.db") in e.value.message
    assert "writable" in e.value.hint and "move the file aside" not in e.value.hint


def test_bench_run_with_unusable_store_keeps_the_run_as_json(tmp_path, go_env):
    home = tmp_path / "home"
    home.mkdir()
    db = home / "results.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE contacts (name TEXT)")
    c.close()
    r = _bench_cli(home, go_env, tmp_path, "syscall", "--vs", "GOGC=50", "-n", "2",
                   "--warmup", "0", "--benchtime", "2x")
    assert r.returncode == 3, (r.stdout[-2000:], r.stderr[-2000:])
    err, hint = error_lines(r.stderr)
    assert "not a goarchlab results database" in err
    # Said before measuring, so a long run is not a surprise at the end.
    first = r.stderr.index("not a goarchlab results database")
    assert first < r.stderr.index("error:")
    words = (w.strip(".,;'\"") for w in hint.split())
    saved = [Path(w) for w in words if w.endswith(".json")]
    assert saved and saved[0].is_file(), hint
    doc = json.loads(saved[0].read_text())
    assert doc["schema"] == "goarchlab.bench.run/v1"
    assert {s["variant"] for s in doc["samples"]} >= {"native"} and all(
        len(s["values"]) == 2 for s in doc["samples"])
    # bench merge stores it once the store is usable again.
    other = tmp_path / "other-home"
    m = _bench_cli(other, go_env, tmp_path, "merge", str(saved[0]), "--json")
    assert m.returncode == 0, m.stderr
    assert len(store.list_runs(other / "results.db")) == 1


def test_export_to_a_read_only_directory_is_one_line(tmp_path, go_env):
    home = tmp_path / "home"
    rid = store.save_run(_run(2), home / "results.db")
    out = tmp_path / "out"
    out.mkdir()
    with read_only(out):
        r = _bench_cli(home, go_env, tmp_path, "export", rid, "-o", str(out / "run.json"))
    assert r.returncode == 3, r.stderr
    err, hint = error_lines(r.stderr)
    assert str(out) in err and os.strerror(errno.EROFS) in err and "writable" in hint
