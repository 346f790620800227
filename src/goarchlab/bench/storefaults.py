"""How the results store meets faults: SQLite errors that are not bugs become one
GoarchlabError naming the file, with a hint for the cause, and a write that fails
rolls back without hiding why it failed.

Kept apart from :mod:`goarchlab.bench.store` so that module stays about runs.
SQLite reports a failed write to a full disk as SQLITE_FULL or as an I/O error, and
never with the errno, so the file system is asked (free space, read-only flag).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from goarchlab.errors import GoarchlabError
from goarchlab.oserrors import disk_error

#: The tables of a goarchlab store; a file with other tables is another program's.
TABLES = frozenset({"runs", "variants", "samples"})
MOVE_ASIDE = "move the file aside (goarchlab then creates a new one)"
#: Seconds a writer waits for another's transaction (the store's busy timeout).
BUSY_TIMEOUT_S = 30.0


@contextlib.contextmanager
def guard(path: Path) -> Iterator[None]:
    """Turn the SQLite failures :func:`_fault` knows into GoarchlabError; others
    (bad SQL, misuse: bugs) keep their traceback."""
    try:
        yield
    except sqlite3.Error as e:
        err = _fault(e, path)
        if err is None:
            raise
        raise err from e


def _fault(e: sqlite3.Error, path: Path) -> GoarchlabError | None:
    code = getattr(e, "sqlite_errorcode", -1) & 0xFF  # the primary result code
    if code in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        what = "is corrupt" if code == 11 else "is not a SQLite database (or is corrupt)"
        return GoarchlabError(f"the results database {path} {what}: {e}", MOVE_ASIDE)
    if code in (13, 10) and _nearly_full(path):  # SQLITE_FULL; IOERR on a full disk
        return disk_error(OSError(errno.ENOSPC, f"the disk is full ({e})"), path, "write")
    if code == 10:  # SQLITE_IOERR
        return disk_error(OSError(errno.EIO, f"I/O error ({e})"), path, "write")
    if code in (8, 14, 3):  # SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM
        ro = _read_only_fs(path)
        num = errno.EROFS if ro else errno.EACCES
        why = "read-only file system" if ro else "permission denied or missing directory"
        return disk_error(OSError(num, f"{why} ({e})"), path, "open or write")
    if code in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED: the busy timeout ran out
        return GoarchlabError(
            f"the results database {path} stayed locked for {BUSY_TIMEOUT_S:g} s: {e}",
            "another goarchlab (or sqlite3 shell) holds it; wait for it and run again")
    return None


def _nearly_full(path: Path) -> bool:
    """Less than 1 MiB free where ``path`` lives (SQLite reports a failed write to a
    full disk as SQLITE_FULL or as an I/O error, without the errno)."""
    try:
        st = os.statvfs(path.parent)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < (1 << 20)


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Raise when ``path`` is another program's SQLite file (its tables are not ours)."""
    tables = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    if not tables or tables >= TABLES:
        return  # new, or ours (a later schema version may add tables, never drop these)
    raise GoarchlabError(
        f"{path} is not a goarchlab results database (it holds tables "
        f"{', '.join(sorted(tables))[:200]})",
        f"it belongs to another program: {MOVE_ASIDE}, or point GOARCHLAB_HOME elsewhere")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; on any failure a rollback that never hides
    the failure (SQLite may already have rolled back by itself, after a full disk or
    an I/O error, and then ROLLBACK would fail with "no transaction is active")."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
