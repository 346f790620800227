"""The results store: every bench run in SQLite at ``GOARCHLAB_HOME/results.db``.

Why SQLite (stdlib ``sqlite3``): two ``goarchlab bench`` processes may finish at the
same moment, and history must survive crashes. WAL mode lets readers run while a
writer commits; a busy timeout makes a second writer wait instead of failing; each
run is written in one ``BEGIN IMMEDIATE`` transaction, so a crash or a kill leaves
either the whole run or nothing. The schema version lives in ``PRAGMA user_version``
and :func:`connect` migrates older files forward (never backward: a newer file is
refused with a hint).

Exported JSON (:func:`export_run`) is the interchange form for ``merge``: results of
several machines are exported, copied, and merged into one comparison.
"""

from __future__ import annotations

import datetime as _dt
import json
import secrets
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from goarchlab.bench.model import RunInfo, RunRecord, Sample, Variant
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.toolchains.model import goarchlab_home

#: Current schema version (``PRAGMA user_version``).
SCHEMA_VERSION = 1
#: The schema of :func:`export_run` documents.
EXPORT_SCHEMA = "goarchlab.bench.run/v1"
#: How long (seconds) a writer waits for another writer's transaction.
BUSY_TIMEOUT_S = 30.0

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


def new_run_id(now: _dt.datetime | None = None) -> str:
    """A sortable id unique across machines: ``20261127T142000Z-1a2b3c4d``."""
    now = now or _dt.datetime.now(_dt.UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a ``Z`` suffix, to the second."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(path: Path | None = None) -> sqlite3.Connection:
    """Open (creating or migrating) the results database; WAL, busy timeout, FKs on.

    Raises :class:`GoarchlabError` when the file is from a newer goarchlab or is not
    a database.
    """
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, path)
    except sqlite3.DatabaseError as e:
        raise GoarchlabError(
            f"cannot open the results database {path}: {e}",
            "move the file aside; goarchlab creates a new one",
        ) from e
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise GoarchlabError(
            f"{path} has schema version {version}, newer than this goarchlab ({SCHEMA_VERSION})",
            "upgrade goarchlab, or point GOARCHLAB_HOME elsewhere",
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for v in range(version + 1, SCHEMA_VERSION + 1):
            for stmt in _MIGRATIONS[v].split(";"):
                if stmt.strip():
                    conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {v}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def save_run(run: RunRecord, path: Path | None = None) -> str:
    """Store ``run`` (host facts, variants, raw samples, suites, command line, times)
    in one transaction and return its id. Saving an id that exists replaces that run
    (the engine may save a partial run, then the finished one)."""
    conn = connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            _insert(conn, run)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
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
    conn = connect(path)
    try:
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
    finally:
        conn.close()
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
    conn = connect(path)
    try:
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
    finally:
        conn.close()
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
    """A JSON-ready document of a run (a :class:`RunRecord` or a stored run id):
    ``{"schema": "goarchlab.bench.run/v1", "run_id": ..., "host": {...}, "variants": [...],
    "samples": [...], ...}``. :func:`run_from_json` reads it back."""
    if isinstance(run, str):
        run = load_run(run, path)
    return {
        "schema": EXPORT_SCHEMA,
        "run_id": run.run_id,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "hostname": run.hostname,
        "goarchlab_version": run.goarchlab_version,
        "host": json.loads(run.host_json) if run.host_json else {},
        "suites": list(run.suites),
        "command_line": list(run.command_line),
        "notes": list(run.notes),
        "complete": run.complete,
        "variants": [
            {
                "name": v.name,
                "toolchain_version": v.toolchain_version,
                "target": v.target,
                "runner_kind": v.runner_kind,
                "runner": v.runner,
                "env": {k: val for k, val in v.env},
                "build_flags": list(v.build_flags),
            }
            for v in run.variants
        ],
        "samples": [
            {
                "variant": s.variant,
                "benchmark": s.benchmark,
                "unit": s.unit,
                "values": list(s.values),
                "iterations": list(s.iterations),
            }
            for s in run.samples
        ],
    }


def run_from_json(doc: Mapping[str, Any]) -> RunRecord:
    """Read a document written by :func:`export_run`; raises :class:`UsageError` when it
    is not one (wrong schema, missing fields)."""
    if doc.get("schema") != EXPORT_SCHEMA:
        raise UsageError(
            f"not a goarchlab bench export (schema {doc.get('schema')!r})",
            f"export runs with: goarchlab bench export RUN (schema {EXPORT_SCHEMA})",
        )
    try:
        variants = tuple(
            Variant(
                v["name"],
                v["toolchain_version"],
                v["target"],
                v["runner_kind"],
                tuple(sorted(v.get("env", {}).items())),
                tuple(v.get("build_flags", ())),
                v.get("runner", ""),
            )
            for v in doc["variants"]
        )
        samples = tuple(
            Sample(
                s["variant"],
                s["benchmark"],
                s["unit"],
                tuple(float(x) for x in s["values"]),
                tuple(int(x) for x in s.get("iterations", ())),
            )
            for s in doc["samples"]
        )
        return RunRecord(
            run_id=doc["run_id"],
            started_at=doc["started_at"],
            ended_at=doc.get("ended_at", ""),
            host_json=json.dumps(doc.get("host", {}), sort_keys=True),
            variants=variants,
            samples=samples,
            suites=tuple(doc.get("suites", ())),
            command_line=tuple(doc.get("command_line", ())),
            notes=tuple(doc.get("notes", ())),
            complete=bool(doc.get("complete", True)),
            hostname=doc.get("hostname", ""),
            goarchlab_version=doc.get("goarchlab_version", ""),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise UsageError(f"malformed goarchlab bench export: {e}", "re-export the run") from e


def merge(docs: Iterable[Mapping[str, Any] | RunRecord], *, label: str = "host") -> RunRecord:
    """Combine runs (export documents or records, e.g. from several machines) into one
    record that the table builder compares.

    Each variant is renamed ``<prefix>:<variant>`` where the prefix is the run's
    hostname (``label="host"``) or run id (``label="run"``), falling back to the run id
    when hostnames repeat, so equal variant names from different machines stay apart.
    The merged run's id is new; its host facts list the inputs' hosts by prefix.
    """
    runs = [d if isinstance(d, RunRecord) else run_from_json(d) for d in docs]
    if not runs:
        raise UsageError("nothing to merge", "pass one or more exported JSON files")
    hosts = [r.hostname for r in runs]
    prefixes = []
    for r in runs:
        use_host = label == "host" and r.hostname and hosts.count(r.hostname) == 1
        prefixes.append(r.hostname if use_host else r.run_id)
    variants: list[Variant] = []
    samples: list[Sample] = []
    host_facts: dict[str, Any] = {}
    for pfx, r in zip(prefixes, runs, strict=True):
        host_facts[pfx] = json.loads(r.host_json) if r.host_json else {}
        for v in r.variants:
            variants.append(
                Variant(
                    f"{pfx}:{v.name}",
                    v.toolchain_version,
                    v.target,
                    v.runner_kind,
                    v.env,
                    v.build_flags,
                    v.runner,
                )
            )
        for s in r.samples:
            samples.append(
                Sample(f"{pfx}:{s.variant}", s.benchmark, s.unit, s.values, s.iterations)
            )
    return RunRecord(
        run_id=new_run_id(),
        started_at=min(r.started_at for r in runs),
        ended_at=max(r.ended_at for r in runs),
        host_json=json.dumps(host_facts, sort_keys=True),
        variants=tuple(variants),
        samples=tuple(samples),
        suites=tuple(dict.fromkeys(s for r in runs for s in r.suites)),
        command_line=(),
        notes=tuple(n for r in runs for n in r.notes),
        complete=all(r.complete for r in runs),
        hostname="+".join(prefixes),
    )


def delete_run(run_id: str, path: Path | None = None) -> bool:
    """Remove a stored run (exact id); True when it existed."""
    conn = connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
        conn.execute("COMMIT")
        return cur.rowcount > 0
    finally:
        conn.close()
