"""Resumable, verified HTTP downloads with bounded retries.

Written on urllib rather than a download library because the contract is
small and exact: a persistent ``.part`` file continued with an HTTP Range
request, retries with exponential backoff on transient failures only
(connection errors, timeouts, 5xx, 429 — never a 404), and the sha256 checked
before the file is given its final name. Nothing here prints: progress goes
through a callback.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from goarchlab.errors import EXIT_FAILED, EXIT_TIMEOUT, GoarchlabError
from goarchlab.oserrors import disk_error

#: Seconds a connect or a single read may take before the attempt counts as failed.
TIMEOUT = 30.0
#: Attempts per download (1 try + retries), each after a backoff of 0.5, 1, 2 ... s.
ATTEMPTS = 4
BACKOFF = 0.5
_CHUNK = 1 << 20

ProgressFn = Callable[[int, int, str], None]


class _Transient(Exception):
    """A failure worth retrying."""


def _noop(done: int, total: int, what: str) -> None:
    pass


def get_json(url: str, *, timeout: float, unreachable: str, hint: str, not_json: str) -> Any:
    """GET ``url`` (``timeout`` seconds for the connect and each read) and decode its
    JSON body. A network failure raises GoarchlabError ``"<unreachable>: <reason>"``
    with ``hint`` (exit 124 when the server did not answer within ``timeout``, else
    3); a body that is not JSON raises GoarchlabError ``not_json``. No retries: an
    index is small, and the caller's command is simply run again."""
    try:
        req = urllib.request.Request(url, headers={"User-Agent": "goarchlab"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.load(resp)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        # HTTPException: the connection closed mid-body (IncompleteRead) and the like.
        # A timeout surfaces bare (reading the status line or body) or as a URLError
        # around it (connecting).
        reason = getattr(e, "reason", e)
        if isinstance(reason, TimeoutError):
            raise GoarchlabError(f"{unreachable}: no answer within {timeout:g} s", hint,
                                 EXIT_TIMEOUT) from e
        raise GoarchlabError(f"{unreachable}: {reason}", hint) from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise GoarchlabError(not_json) from e


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def fetch(
    url: str,
    dest: Path,
    sha256: str,
    *,
    size: int = 0,
    timeout: float = TIMEOUT,
    attempts: int | None = None,
    backoff: float | None = None,
    progress: ProgressFn = _noop,
    notify: Callable[[str], None] = lambda m: None,
) -> Path:
    """Download ``url`` to ``dest``, verified against ``sha256`` (hex).

    ``dest`` is reused when it already exists with the right hash. Bytes go to
    ``dest`` + ``.part``, which survives an interruption (even ``kill -9``) and
    is continued with a Range request next time. ``size`` (bytes, 0 = unknown)
    only feeds the progress bar. ``timeout`` is in seconds per connect/read;
    ``attempts`` (>= 1, default ATTEMPTS) and ``backoff`` (seconds, doubled per
    retry, default BACKOFF) bound the retries.
    Raises GoarchlabError: exit 124 when the server stops answering after all
    attempts, 3 for other failures or a checksum mismatch (the partial file is
    then deleted, so a retry starts clean), and 3 naming the path when the disk
    refuses a write (full, read-only, no permission: the ``.part`` is removed, as it
    is not resumable until the cause is fixed and gives its space back).
    """
    attempts = ATTEMPTS if attempts is None else attempts
    backoff = BACKOFF if backoff is None else backoff
    sha256 = sha256.lower()
    if dest.exists() and sha256_file(dest) == sha256:
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise disk_error(e, dest.parent, "create") from e
    part = dest.with_name(dest.name + ".part")
    last: Exception | None = None
    restarted = False
    for attempt in range(attempts):
        if attempt:
            delay = backoff * (2 ** (attempt - 1))
            notify(f"retrying {url} in {delay:g} s (attempt {attempt + 1} of {attempts}): {last}")
            time.sleep(delay)
        try:
            resumed, got = _get(url, part, timeout, size, progress, dest.name)
        except _Transient as e:
            last = e
            continue
        if got == sha256:
            try:
                part.replace(dest)
            except OSError as e:
                discard(part)
                raise disk_error(e, dest, "rename the download to") from e
            return dest
        part.unlink(missing_ok=True)
        if resumed and not restarted and attempt + 1 < attempts:
            # A resumed .part may have been written by another server version;
            # one full download decides.
            restarted = True
            last = Exception("checksum mismatch after resume")
            continue
        raise GoarchlabError(
            f"checksum mismatch for {dest.name}: expected sha256 {sha256[:16]}…, got {got[:16]}…",
            "the download is corrupt or was tampered with; nothing was installed",
        )
    timed_out = isinstance(last, _Transient) and "timed out" in str(last)
    raise GoarchlabError(
        f"download of {url} failed after {attempts} attempts: {last}",
        "check the network or the mirror; an interrupted download resumes on the next try",
        EXIT_TIMEOUT if timed_out else EXIT_FAILED,
    )


def _get(url: str, part: Path, timeout: float, size: int, progress: ProgressFn,
         label: str) -> tuple[bool, str]:
    """One attempt: continue ``part`` from its current length.

    Returns (resumed, hex sha256 of the whole ``part``); the hash is computed
    while writing, so the file is not read a second time.
    """
    have = part.stat().st_size if part.exists() else 0
    req = urllib.request.Request(url, headers={"User-Agent": "goarchlab"})
    if have:
        req.add_header("Range", f"bytes={have}-")
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:
            # Range not satisfiable: the .part is already complete (or longer); verify it.
            return True, sha256_file(part)
        if e.code >= 500 or e.code in (408, 429):
            raise _Transient(f"HTTP {e.code} {e.reason}") from e
        raise GoarchlabError(f"download of {url} failed: HTTP {e.code} {e.reason}") from e
    except (urllib.error.URLError, TimeoutError, ConnectionError,
            http.client.HTTPException) as e:  # HTTPException: a garbled status line, say
        reason = getattr(e, "reason", e)
        raise _Transient(_why(reason)) from e
    with resp:
        total = size
        if have and resp.status == 206:
            m = re.match(r"bytes (\d+)-", resp.headers.get("Content-Range", ""))
            if not m or int(m[1]) != have:
                raise _Transient("server answered the resume with the wrong range")
            mode = "ab"
            h = _hash_prefix(part, have)
        else:
            have, mode = 0, "wb"  # no Range support: start over
            h = hashlib.sha256()
        length = resp.headers.get("Content-Length")
        if length is not None and length.isdigit():
            total = have + int(length)
        done = have
        try:
            with part.open(mode) as f:
                while chunk := _read(resp):
                    f.write(chunk)
                    h.update(chunk)
                    done += len(chunk)
                    progress(done, max(total, done), label)
        except OSError as e:
            # Only the file can raise OSError here (_read turns network errors into
            # _Transient). A .part the disk refused is not worth resuming: remove it.
            discard(part)
            raise disk_error(e, part, "write") from e
        if total and done < total:
            raise _Transient(f"connection closed after {done} of {total} bytes")
    return have > 0, h.hexdigest()


def discard(path: Path) -> None:
    """Remove ``path`` if it can be removed: after a disk error, cleaning up must not
    replace the error being reported by a second one (on a read-only disk, say)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _read(resp: http.client.HTTPResponse) -> bytes:
    """The next chunk of the body; network failures become :class:`_Transient`."""
    try:
        return resp.read(_CHUNK)
    except (TimeoutError, ConnectionError, http.client.HTTPException) as e:
        raise _Transient(_why(e)) from e


def _hash_prefix(path: Path, n: int):
    """A sha256 object fed with the first ``n`` bytes of ``path`` (the resumed part)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        left = n
        while left and (chunk := f.read(min(_CHUNK, left))):
            h.update(chunk)
            left -= len(chunk)
    return h


def _why(e: object) -> str:
    if isinstance(e, TimeoutError):
        return "timed out"
    return str(e) or type(e).__name__
