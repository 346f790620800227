"""Parse JSON with comments and trailing commas, the dialect of VS Code's settings files.

VS Code reads ``.vscode/launch.json`` and ``settings.json`` with its
jsonc-parser: JSON plus ``//`` and ``/* */`` comments and trailing commas
before ``]`` or ``}``. Nothing else is relaxed (no single quotes, no
unquoted keys), so a JSON5 parser would accept files VS Code rejects. This
module blanks comments and trailing commas with spaces, keeping every other
character where it was, and hands the text to :func:`json.loads`, so a
syntax error is reported at the line and column of the original file.
"""

from __future__ import annotations

import json
from typing import Any


class JsoncError(Exception):
    """A syntax error: ``line`` and ``col`` are 1-based positions in the original text."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col

    def __str__(self) -> str:
        return f"{self.message} (line {self.line}, column {self.col})"


def _pos(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def blank(text: str) -> str:
    """``text`` with comments and trailing commas replaced by spaces (newlines kept).

    Raises JsoncError for a block comment that is never closed.
    """
    out = list(text)
    i, n = 0, len(text)
    last_comma = -1  # index of a comma that may turn out to be trailing
    while i < n:
        c = text[i]
        if c == '"':
            last_comma = -1
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            if end < 0:
                line, col = _pos(text, i)
                raise JsoncError("unterminated /* comment", line, col)
            for j in range(i, end + 2):
                if out[j] != "\n":
                    out[j] = " "
            i = end + 2
            continue
        if c == ",":
            last_comma = i
        elif c in "]}":
            if last_comma >= 0:
                out[last_comma] = " "
            last_comma = -1
        elif not c.isspace():
            last_comma = -1
        i += 1
    return "".join(out)


def loads(text: str) -> Any:
    """Parse VS Code-flavoured JSON; raise JsoncError with the original line/column."""
    cleaned = blank(text)
    try:
        return json.loads(cleaned)
    except json.JSONDecodeError as e:
        raise JsoncError(e.msg, e.lineno, e.colno) from None
