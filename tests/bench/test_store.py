"""The SQLite results store: round trips, history, export/merge, migrations, crashes,
and real concurrent writer processes."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goarchlab.bench import store
from goarchlab.bench.model import RunRecord, Sample, Variant
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.proc import spawn

NATIVE = Variant("native", "go1.27.3", "linux/amd64", "native")
QEMU = Variant(
    "qemu-arm64",
    "go1.27.3",
    "linux/arm64",
    "qemu",
    (("GOGC", "50"),),
    ("-ldflags=-s -w",),
    "qemu-aarch64",
)


def make_run(run_id: str, started: str = "2026-11-27T10:00:00Z", n: int = 10) -> RunRecord:
    samples = tuple(
        Sample(
            v.name,
            f"cpu/sha256/{size}",
            unit,
            tuple(float(i + size) for i in range(n)),
            tuple([1000] * n),
        )
        for v in (NATIVE, QEMU)
        for size in (64, 1024)
        for unit in ("ns/op", "B/op")
    )
    return RunRecord(
        run_id=run_id,
        started_at=started,
        ended_at="2026-11-27T10:01:00Z",
        host_json=json.dumps({"os": "linux", "native_arch": "amd64", "cpu": "Xeon"}),
        variants=(NATIVE, QEMU),
        samples=samples,
        suites=("cpu",),
        command_line=("goarchlab", "bench", "cpu"),
        notes=("qemu variant: 1 run timed out",),
        complete=False,
        hostname="build-1",
        goarchlab_version="0.1.0",
    )


def test_round_trip_and_history(tmp_path: Path) -> None:
    db = tmp_path / "results.db"
    a = make_run("20261127T100000Z-aaaa0001")
    b = make_run("20261127T110000Z-bbbb0002", started="2026-11-27T11:00:00Z", n=3)
    store.save_run(a, db)
    store.save_run(b, db)
    assert store.load_run(a.run_id, db) == a
    assert store.load_run("20261127T11", db) == b  # unique prefix
    hist = store.list_runs(db)
    assert [h.run_id for h in hist] == [b.run_id, a.run_id]  # newest first
    assert hist[1].variants == ("native", "qemu-arm64")
    assert hist[1].n_samples == 8 * 10 and hist[0].n_samples == 8 * 3
    assert hist[1].complete is False and hist[1].suites == ("cpu",)
    assert store.list_runs(db, limit=1)[0].run_id == b.run_id
    with pytest.raises(UsageError, match="ambiguous"):
        store.load_run("2026", db)
    with pytest.raises(UsageError, match="no stored run"):
        store.load_run("1999", db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION


def test_saving_an_id_again_replaces_the_run(tmp_path: Path) -> None:
    db = tmp_path / "results.db"
    partial = make_run("r1", n=2)
    store.save_run(partial, db)
    final = make_run("r1", n=5)
    store.save_run(final, db)
    assert store.load_run("r1", db) == final
    assert len(store.list_runs(db)) == 1
    assert store.delete_run("r1", db) and not store.list_runs(db)


def test_default_location_is_goarchlab_home(home: Path) -> None:
    store.save_run(make_run("r-home"))
    assert (home / "results.db").is_file()
    assert store.list_runs()[0].run_id == "r-home"


def test_export_import_and_merge(tmp_path: Path) -> None:
    a = make_run("run-a")
    doc = json.loads(json.dumps(store.export_run(a)))  # must be JSON-ready
    assert doc["schema"] == "goarchlab.bench.run/v1"
    assert doc["variants"][1]["env"] == {"GOGC": "50"} and doc["host"]["cpu"] == "Xeon"
    back = store.run_from_json(doc)
    assert back.samples == a.samples and back.variants == a.variants
    assert json.loads(back.host_json) == json.loads(a.host_json)

    other = make_run("run-b")
    other = RunRecord(**{**other.__dict__, "hostname": "mac-m3"})
    merged = store.merge([doc, store.export_run(other)])
    assert [v.name for v in merged.variants] == [
        "build-1:native",
        "build-1:qemu-arm64",
        "mac-m3:native",
        "mac-m3:qemu-arm64",
    ]
    assert {s.variant for s in merged.samples} == {v.name for v in merged.variants}
    assert set(json.loads(merged.host_json)) == {"build-1", "mac-m3"}
    # Same hostname twice: run ids keep the variants apart.
    twice = store.merge([a, make_run("run-c")])
    assert twice.variants[0].name == "run-a:native" and twice.variants[2].name == "run-c:native"
    store.save_run(merged, tmp_path / "r.db")
    assert store.load_run(merged.run_id, tmp_path / "r.db") == merged

    with pytest.raises(UsageError, match="not a goarchlab bench export"):
        store.run_from_json({"schema": "something/v1"})
    with pytest.raises(UsageError, match="malformed"):
        store.run_from_json({"schema": store.EXPORT_SCHEMA, "run_id": "x"})
    with pytest.raises(UsageError):
        store.merge([])
    # The same run twice would give two variants one name: refused, not an SQLite error.
    with pytest.raises(UsageError, match="more than once"):
        store.merge([doc, a])


def test_export_matches_its_documented_schema(tmp_path: Path) -> None:
    import jsonschema
    schema = json.loads((Path(__file__).parents[2] / "docs" / "bench-run.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    a = make_run("run-a")
    merged = store.merge([a, make_run("run-b")])
    for doc in (store.export_run(a), store.export_run(merged)):
        jsonschema.validate(json.loads(json.dumps(doc)), schema)
    bad = {**store.export_run(a), "samples": [{"variant": "x"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_migrates_old_and_refuses_newer_or_foreign_files(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    sqlite3.connect(old).close()  # an empty file: version 0
    store.save_run(make_run("r"), old)  # version 0 -> current
    assert store.load_run("r", old).run_id == "r"

    # Version 0 with tables is another program's file: never migrated into.
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE unrelated (x)").connection.commit()
    with pytest.raises(GoarchlabError, match="not a goarchlab results database"):
        store.save_run(make_run("r"), foreign)

    newer = tmp_path / "newer.db"
    c = sqlite3.connect(newer)
    c.execute("PRAGMA user_version = 99")
    c.close()
    with pytest.raises(GoarchlabError, match="newer than this goarchlab"):
        store.list_runs(newer)

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database file at all" * 200)
    with pytest.raises(GoarchlabError, match="is not a SQLite database"):
        store.list_runs(junk)


_CRASH = """
import os, signal, sys
sys.path[:0] = {paths!r}
from goarchlab.bench import store
sys.path.insert(0, {testdir!r})
from test_store import make_run
conn = store.connect(__import__("pathlib").Path({db!r}))
conn.execute("BEGIN IMMEDIATE")
store._insert(conn, make_run("half-written"))
print("inserted", flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # die before COMMIT, as a crash would
"""


def test_a_crash_mid_save_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "results.db"
    store.save_run(make_run("before"), db)
    code = _CRASH.format(paths=sys.path, testdir=str(Path(__file__).parent), db=str(db))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == -signal.SIGKILL and "inserted" in res.stdout, res.stderr
    assert [r.run_id for r in store.list_runs(db)] == ["before"]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM samples WHERE run_id='half-written'").fetchone() == (
        0,
    )
    conn.close()
    t0 = time.monotonic()
    store.save_run(make_run("after"), db)  # the dead writer's lock is gone
    assert time.monotonic() - t0 < 5


_WRITER = """
import sys, time
sys.path[:0] = {paths!r}
sys.path.insert(0, {testdir!r})
from pathlib import Path
from goarchlab.bench import store
from test_store import make_run
while time.time() < {start}:
    time.sleep(0.001)
for i in range({count}):
    store.save_run(make_run(f"w{worker}-{{i:03d}}", n=1 + i % 7), Path({db!r}))
    if i % 5 == 0:
        store.list_runs(Path({db!r}))  # readers interleave with writers
"""


def test_concurrent_writer_processes_lose_nothing(tmp_path: Path) -> None:
    """Four real processes save 30 runs each into a fresh database at the same moment
    (all race to create and migrate it): every run is stored whole."""
    db = tmp_path / "results.db"
    workers, count = 4, 30
    start = time.time() + 1.0
    with contextlib.ExitStack() as stack:
        procs = [
            stack.enter_context(
                spawn(
                    [
                        sys.executable,
                        "-c",
                        _WRITER.format(
                            paths=sys.path,
                            testdir=str(Path(__file__).parent),
                            start=start,
                            count=count,
                            worker=w,
                            db=str(db),
                        ),
                    ],
                    env=None,
                    stderr=subprocess.PIPE,
                    stop_timeout=5,
                )
            )
            for w in range(workers)
        ]
        for p in procs:
            _, err = p.communicate(timeout=240)
            assert p.returncode == 0, err.decode()
    runs = store.list_runs(db)
    assert len(runs) == workers * count
    for w in range(workers):
        for i in range(count):
            rid = f"w{w}-{i:03d}"
            assert store.load_run(rid, db) == make_run(rid, n=1 + i % 7)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM samples").fetchone()[0] == workers * count * 8
