"""Write a text file whole or not at all: a temporary file in the same directory,
then a rename over the target, so a reader (or a crash) sees the old file, none,
or the new one, never half of it.

The one such writer for the results goarchlab hands to people (exports, reports,
workflows, SHA256SUMS, manifests, a run kept when the store fails). OSError is
left to the caller, which knows what it was writing (goarchlab.oserrors.disk_error).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text(path: str | os.PathLike[str], text: str, mode: int | None = None) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically; returns the path.

    ``mode``: the file's permission bits, e.g. 0o644; None means what ``open()``
    would give (0o666 less the umask), as mkstemp alone would give 0o600 and these
    files are meant to be shared. The directory must exist (none is created).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
