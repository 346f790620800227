"""File-system failures as one-line :class:`GoarchlabError`\\ s with a hint that fits the errno.

Each place that writes (the download writer, the extraction, the atomic rename, the
results store) turns the ``OSError`` it meets into :func:`disk_error` itself, so the
message names the path it was writing and nothing is caught wholesale at the top.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from goarchlab.errors import EXIT_FAILED, GoarchlabError

_FULL = "free space on that file system and run again"
_HINTS: dict[int, str] = {
    errno.ENOSPC: "the disk is full: " + _FULL,
    errno.EDQUOT: "the disk quota is used up: " + _FULL + " (or raise the quota)",
    errno.EFBIG: "the file is larger than the file system or the file-size limit allows "
                 "(ulimit -f)",
    errno.EROFS: "the file system is read-only: make it writable, or point GOARCHLAB_HOME "
                 "at a writable directory",
    errno.EACCES: "permission denied: check the owner and mode of that directory, or point "
                  "GOARCHLAB_HOME at one you can write",
    errno.EPERM: "not permitted (an immutable file or a security policy?): check that "
                 "path's permissions and attributes (lsattr), or point GOARCHLAB_HOME elsewhere",
    errno.EIO: "an I/O error: the disk or network file system may be failing",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n)",
}

#: Errnos that mean "no room": the caller removes what it wrote to give the space back.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def disk_error(e: OSError, path: Path | str | None, doing: str) -> GoarchlabError:
    """``"cannot <doing> <path>: <strerror>"`` (exit 3) with the errno's hint.

    ``path``: what was being written (``e.filename`` wins when the OS named one);
    ``doing``: a verb phrase such as ``"write"`` or ``"extract into"``.
    """
    where = e.filename if e.filename else path
    reason = e.strerror or (os.strerror(e.errno) if e.errno else str(e)) or type(e).__name__
    hint = _HINTS.get(e.errno or 0, "check that path and the file system it is on")
    return GoarchlabError(f"cannot {doing} {where}: {reason}", hint, EXIT_FAILED)


