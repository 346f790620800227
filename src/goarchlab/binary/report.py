"""The result of ``goarchlab inspect``: one entry per file asked about."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from goarchlab.binary.inspector import inspect
from goarchlab.binary.model import BinaryInfo
from goarchlab.errors import GoarchlabError


@dataclass(frozen=True)
class InspectEntry:
    """One file: its ``binary`` info, or the one-line ``error`` and ``hint`` saying why not."""

    path: str
    binary: BinaryInfo | None = None
    error: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class InspectReport:
    """``goarchlab inspect`` output: ``files`` in the order asked."""

    SCHEMA = "goarchlab.inspect/v1"

    files: tuple[InspectEntry, ...]

    @property
    def ok(self) -> bool:
        """True when every file could be inspected."""
        return all(f.error is None for f in self.files)


def inspect_files(paths: Iterable[str | os.PathLike[str]]) -> InspectReport:
    """Inspect each path (never executing it); failures become entries, not exceptions."""
    out = []
    for p in paths:
        name = os.fspath(p)
        try:
            out.append(InspectEntry(name, inspect(name)))
        except GoarchlabError as e:
            out.append(InspectEntry(name, None, e.message, e.hint))
    return InspectReport(tuple(out))
