"""Which go.work or go.mod rules a directory, found the way the go command finds it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path


def upward(start: Path) -> Iterator[Path]:
    """``start`` (resolved) and each of its parents, up to the filesystem root."""
    d = start.resolve()
    while True:
        yield d
        if d.parent == d:
            return
        d = d.parent


def module_file(cwd: Path, env: Mapping[str, str]) -> Path | None:
    """The file whose go/toolchain lines rule ``cwd``: GOWORK when set (and not
    ``off``), else the nearest go.work, else the nearest go.mod; None outside a module."""
    gowork = env.get("GOWORK", "")
    if gowork and gowork != "off":
        return Path(gowork)
    if gowork != "off":
        for d in upward(cwd):
            if (d / "go.work").is_file():
                return d / "go.work"
    for d in upward(cwd):
        if (d / "go.mod").is_file():
            return d / "go.mod"
    return None
