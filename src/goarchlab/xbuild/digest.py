"""SHA-256 of an artifact, and its bytes mapped for the checks' searches."""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def mapped(path: Path) -> Iterator[mmap.mmap | bytes]:
    """The file's bytes, memory-mapped read-only (b"" for an empty file).

    Hashing and searching the mapping reads the page cache in place: reading the
    file into buffers first costs as much CPU again as the SHA-256 itself (52 MB,
    8 artifacts: 0.06 s read and hashed against 0.035 s mapped and hashed).
    """
    with path.open("rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            yield b""
            return
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            yield mm


def sha256_file(path: Path) -> str:
    """Hex sha256 of every byte of a file."""
    with mapped(path) as data:
        return hashlib.sha256(data).hexdigest()
