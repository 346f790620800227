"""Lines of go.mod and go.work directives, so module-level violations point at a line.

The go command already parsed these files (``go list -m``); what it does not
print is where each directive is. This scanner only locates: it reads
``module``, ``go``, ``require`` and ``replace`` lines, inside or outside
parenthesised blocks, and ignores ``//`` comments.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ModFile:
    """Where things are in one go.mod/go.work: ``path`` and 1-based lines."""

    path: Path
    module_line: int = 1
    go_line: int = 1
    requires: dict[str, int] = field(default_factory=dict)
    replaces: dict[str, int] = field(default_factory=dict)


@functools.lru_cache(maxsize=256)
def read(path: Path) -> ModFile:
    """Locate the directives of the go.mod or go.work at ``path`` (empty when unreadable)."""
    mf = ModFile(path)
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return mf
    block: str | None = None
    module_line = go_line = 0
    for n, raw in enumerate(text.splitlines(), 1):
        words = raw.split("//", 1)[0].split()
        if not words:
            continue
        if block is not None:
            if words[0] == ")":
                block = None
                continue
            verb, args = block, words
        elif len(words) >= 2 and words[1] == "(":
            block = words[0]
            continue
        else:
            verb, args = words[0], words[1:]
        if not args:
            continue
        if verb == "module" and not module_line:
            module_line = n
        elif verb == "go" and not go_line:
            go_line = n
        elif verb == "require":
            mf.requires.setdefault(args[0].strip('"'), n)
        elif verb == "replace":
            mf.replaces.setdefault(args[0].strip('"'), n)
    return ModFile(path, module_line or 1, go_line or module_line or 1, mf.requires, mf.replaces)
