"""The results store: every bench run in SQLite at ``GOARCHLAB_HOME/results.db``.

Why SQLite (stdlib ``sqlite3``): two ``goarchlab bench`` processes may finish at the
same moment, and history must survive crashes. WAL mode lets readers run while a
writer commits; a busy timeout makes a second writer wait instead of failing; each
run is written in one ``BEGIN IMMEDIATE`` transaction, so a crash or a kill leaves
either the whole run or nothing. The schema version lives in ``PRAGMA user_version``
and :func:`connect` migrates older files forward (never backward: a newer file is
refused with a hint).

Exported JSON (:func:`export_run`, :mod:`goarchlab.bench.runjson`) is the interchange
form for ``merge``: results of several machines are exported, copied, and merged into
one comparison. It is also where a measured run goes when the store cannot take it
(:mod:`goarchlab.bench.fallback`): nothing measured is lost to a full disk or a broken
file.

Faults. Every SQLite failure that is not a bug (corrupt pages, a file that is not a
database or is another program's, a full disk, a read-only or unreadable directory, a
lock held too long) becomes one GoarchlabError (exit 3) naming the file, with a hint
for that cause: "move the file aside" only for a corrupt or foreign file.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from goarchlab.bench.model import RunInfo, RunRecord, Sample, Variant
from goarchlab.bench.runjson import (
    EXPORT_SCHEMA,
    merge_runs,
    new_run_id,
    run_from_json,
    run_to_json,
    utc_now,
)
from goarchlab.bench.storefaults import (
    BUSY_TIMEOUT_S,
    MOVE_ASIDE,
    guard,
    refuse_foreign,
    transaction,
)
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.home import goarchlab_home
from goarchlab.oserrors import disk_error

#: Current schema version (``PRAGMA user_version``).
SCHEMA_VERSION = 1

_MIGRATIONS: dict[int, str] = {
    # version -> SQL that brings a version-1 database to it
    1: """
    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL DEFAULT '',
        host_json TEXT NOT NULL,
        suites_json TEXT NOT NULL,
        command_line_json TEXT NOT NULL,
        notes_json TEXT NOT NULL,
        complete INTEGER NOT NULL,
        hostname TEXT NOT NULL DEFAULT '',
        goarchlab_version TEXT NOT NULL DEFAULT '',
        saved_at TEXT NOT NULL
    );
    CREATE TABLE variants (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        toolchain_version TEXT NOT NULL,
        target TEXT NOT NULL,
        runner_kind TEXT NOT NULL,
        runner TEXT NOT NULL,
        env_json TEXT NOT NULL,
        build_flags_json TEXT NOT NULL,
        PRIMARY KEY (run_id, name)
    );
    CREATE TABLE samples (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        variant TEXT NOT NULL,
        benchmark TEXT NOT NULL,
        unit TEXT NOT NULL,
        values_json TEXT NOT NULL,
        iterations_json TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
    );
    CREATE INDEX runs_started ON runs(started_at);
    """,
}


def db_path(home: Path | None = None) -> Path:
    """``results.db`` under ``home`` (default: GOARCHLAB_HOME)."""
    return Path(home or goarchlab_home()) / "results.db"


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open (creating or migrating) the results database; WAL, busy timeout, FKs on.

    Raises :class:`GoarchlabError` (exit 3) when the file is from a newer goarchlab,
    is not a database, is another program's database, is corrupt, or cannot be
    opened or written (see :func:`_fault`).
    """
    path = path or db_path()
    with guard(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise disk_error(e, path.parent, "create") from e
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            # Before anything writes (the WAL switch rewrites the header): a file that
            # is another program's must stay exactly as it was.
            refuse_foreign(conn, path)
            _enable_wal(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            _migrate(conn, path)
        except BaseException:
            conn.close()
            raise
    return conn


def check(path: Path | None = None) -> GoarchlabError | None:
    """Why the store at ``path`` cannot take a run, or None when it can: opened,
    migrated, ``PRAGMA integrity_check`` passed, and a write transaction begun.
    Run before measuring, so a long bench run knows at its start where it will go."""
    path = path or db_path()
    if not path.exists():
        # Not created here (a run that fails while preparing stores nothing): a
        # scratch file shows the directory takes writes.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=path.parent):
                pass
        except OSError as e:
            return disk_error(e, path.parent, "write in")
        return None
    try:
        conn = connect(path)
        try:
            with guard(path):
                bad = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
                if bad != ["ok"]:
                    return GoarchlabError(
                        f"the results database {path} is corrupt (integrity check: "
                        f"{'; '.join(bad)[:200]})", MOVE_ASIDE)
                conn.execute("BEGIN IMMEDIATE")  # takes the write lock: writable?
                conn.execute("ROLLBACK")
        finally:
            conn.close()
    except GoarchlabError as e:
        return e
    return None


@contextlib.contextmanager
def _open(path: Path | None) -> Iterator[sqlite3.Connection]:
    """A connection to the store at ``path`` (default: GOARCHLAB_HOME's) for one
    operation, closed afterwards; SQLite faults become GoarchlabError (:func:`_guard`)."""
    path = path or db_path()
    conn = connect(path)
    try:
        with guard(path):
            yield conn
    finally:
        conn.close()


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL (persistent, so usually a no-op read).

    Switching needs an exclusive lock, and SQLite answers "database is locked" at
    once, without waiting out the busy timeout, when two fresh connections race to
    switch (it refuses to wait where waiting could deadlock). So the switch is
    retried, with jitter, until the busy timeout has passed.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise GoarchlabError(
            f"{path} has schema version {version}, newer than this goarchlab ({SCHEMA_VERSION})",
            "upgrade goarchlab, or point GOARCHLAB_HOME elsewhere",
        )
    with transaction(conn):
        # Re-read inside the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for v in range(version + 1, SCHEMA_VERSION + 1):
            for stmt in _MIGRATIONS[v].split(";"):
                if stmt.strip():
                    conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {v}")


def save_run(run: RunRecord, path: Path | None = None) -> str:
    """Store ``run`` (host facts, variants, raw samples, suites, command line, times)
    in one transaction and return its id. Saving an id that exists replaces that run
    (the engine may save a partial run, then the finished one)."""
    path = path or db_path()
    conn = connect(path)
    try:
        with guard(path), transaction(conn):
            _insert(conn, run)
    finally:
        conn.close()
    return run.run_id


def _insert(conn: sqlite3.Connection, run: RunRecord) -> None:
    conn.execute("DELETE FROM runs WHERE run_id = ?", (run.run_id,))
    conn.execute(
        "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            run.run_id,
            run.started_at,
            run.ended_at,
            run.host_json,
            json.dumps(list(run.suites)),
            json.dumps(list(run.command_line)),
            json.dumps(list(run.notes)),
            int(run.complete),
            run.hostname,
            run.goarchlab_version,
            utc_now(),
        ),
    )
    conn.executemany(
        "INSERT INTO variants VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                run.run_id,
                i,
                v.name,
                v.toolchain_version,
                v.target,
                v.runner_kind,
                v.runner,
                json.dumps([list(p) for p in v.env]),
                json.dumps(list(v.build_flags)),
            )
            for i, v in enumerate(run.variants)
        ],
    )
    conn.executemany(
        "INSERT INTO samples VALUES (?,?,?,?,?,?,?)",
        [
            (
                run.run_id,
                i,
                s.variant,
                s.benchmark,
                s.unit,
                json.dumps(list(s.values)),
                json.dumps(list(s.iterations)),
            )
            for i, s in enumerate(run.samples)
        ],
    )


def list_runs(path: Path | None = None, limit: int | None = None) -> tuple[RunInfo, ...]:
    """Stored runs, newest first (``limit`` >= 1 caps the count)."""
    with _open(path) as conn:
        sql = (
            "SELECT r.run_id, r.started_at, r.ended_at, r.suites_json, r.complete, r.hostname,"
            " (SELECT group_concat(name, char(31)) FROM"
            "   (SELECT name FROM variants v WHERE v.run_id = r.run_id ORDER BY position)),"
            " (SELECT COALESCE(SUM(json_array_length(values_json)), 0) FROM samples s"
            "   WHERE s.run_id = r.run_id)"
            " FROM runs r ORDER BY r.started_at DESC, r.run_id DESC"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = conn.execute(sql).fetchall()
    return tuple(
        RunInfo(
            rid,
            st,
            en,
            tuple(json.loads(su)),
            tuple(vs.split("\x1f")) if vs else (),
            int(n),
            bool(c),
            host,
        )
        for rid, st, en, su, c, host, vs, n in rows
    )


def load_run(run_id: str, path: Path | None = None) -> RunRecord:
    """The stored run ``run_id`` (a unique prefix is enough).

    Raises :class:`UsageError` when no run or several runs match.
    """
    with _open(path) as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT run_id FROM runs WHERE run_id = ? OR substr(run_id, 1, ?) = ? LIMIT 3",
                (run_id, len(run_id), run_id),
            )
        ]
        if run_id in ids:
            ids = [run_id]
        if not ids:
            raise UsageError(f"no stored run {run_id!r}", "list runs with: goarchlab bench history")
        if len(ids) > 1:
            raise UsageError(f"run id {run_id!r} is ambiguous", "give more characters of the id")
        rid = ids[0]
        r = conn.execute("SELECT * FROM runs WHERE run_id = ?", (rid,)).fetchone()
        variants = tuple(
            Variant(
                name,
                tv,
                target,
                kind,
                tuple(tuple(p) for p in json.loads(env)),  # type: ignore[misc]
                tuple(json.loads(flags)),
                runner,
            )
            for name, tv, target, kind, runner, env, flags in conn.execute(
                "SELECT name, toolchain_version, target, runner_kind, runner, env_json,"
                " build_flags_json FROM variants WHERE run_id = ? ORDER BY position",
                (rid,),
            )
        )
        samples = tuple(
            Sample(v, b, u, tuple(json.loads(vals)), tuple(json.loads(iters)))
            for v, b, u, vals, iters in conn.execute(
                "SELECT variant, benchmark, unit, values_json, iterations_json FROM samples"
                " WHERE run_id = ? ORDER BY position",
                (rid,),
            )
        )
    return RunRecord(
        run_id=r[0],
        started_at=r[1],
        ended_at=r[2],
        host_json=r[3],
        variants=variants,
        samples=samples,
        suites=tuple(json.loads(r[4])),
        command_line=tuple(json.loads(r[5])),
        notes=tuple(json.loads(r[6])),
        complete=bool(r[7]),
        hostname=r[8],
        goarchlab_version=r[9],
    )


def export_run(run: RunRecord | str, path: Path | None = None) -> dict[str, Any]:
    """A JSON-ready document of a run (a :class:`RunRecord` or a stored run id, see
    :func:`load_run`), schema ``goarchlab.bench.run/v1``; :func:`run_from_json` reads
    it back."""
    return run_to_json(load_run(run, path) if isinstance(run, str) else run)


def merge(docs: Iterable[Mapping[str, Any] | RunRecord], *, label: str = "host") -> RunRecord:
    """Combine exported runs (documents or records) from several machines into one
    record to compare; see :func:`goarchlab.bench.runjson.merge_runs`."""
    return merge_runs(docs, label=label)


def delete_run(run_id: str, path: Path | None = None) -> bool:
    """Remove a stored run (exact id); True when it existed."""
    with _open(path) as conn, transaction(conn):
        cur = conn.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
    return cur.rowcount > 0


#: Re-exported from :mod:`goarchlab.bench.runjson`: the engine and CLI use them via store.
__all__ = [
    "EXPORT_SCHEMA",
    "SCHEMA_VERSION",
    "connect",
    "db_path",
    "delete_run",
    "export_run",
    "list_runs",
    "load_run",
    "merge",
    "new_run_id",
    "run_from_json",
    "save_run",
    "utc_now",
]
