"""One line that says why a go command failed, from its output.

The go command often explains a failure over several lines: ``go: errors
parsing go.mod:`` says that something is wrong and only the next line
(``go.mod:7: syntax error (unterminated block ...)``) says what and where. A
summary that kept the first line alone told the user nothing; one that kept
the last line could land inside a usage dump (``usage: link [options]`` and
its flag list, after ``flag provided but not defined``). xbuild, matrix, deps,
api and godebug all summarise with :func:`summary`.
"""

from __future__ import annotations

import re

#: Lines of the go command's output a summary keeps at most (after dropping
#: ``# package`` headers and everything from a ``usage:`` dump on).
MAX_LINES = 5
#: Characters a summary keeps at most.
MAX_CHARS = 600

_GO_POS = re.compile(r"^\s*(\S+\.go:\d+(?::\d+)?:.*)$")
_USAGE = re.compile(r"^\s*usage:", re.IGNORECASE)


def compiler_message(text: str) -> str | None:
    """The first ``file.go:line[:col]: ...`` message in ``text``, stripped, or None."""
    for ln in text.splitlines():
        m = _GO_POS.match(ln)
        if m:
            return m.group(1).strip()
    return None


def summary(text: str, max_lines: int = MAX_LINES, *, empty: str = "") -> str:
    """One line from a go command's failure output ``text`` (stderr or stdout).

    The first compiler message (``file.go:line:col: ...``) when there is one: it
    says most. Otherwise the first ``max_lines`` (>= 1) meaningful lines, joined:
    ``# package`` headers are dropped and a ``usage:`` dump ends the text. A line
    ending in ``:`` introduces the next one and is joined with a space, others
    with ``; ``. More lines than kept end in ``(+N more lines)``; at most
    :data:`MAX_CHARS` characters. ``empty`` (default ``""``) for output with nothing
    meaningful.
    """
    found = compiler_message(text)
    if found:
        return found[:MAX_CHARS]
    lines: list[str] = []
    for ln in text.splitlines():
        if _USAGE.match(ln):
            break
        s = " ".join(ln.split())
        if s and not s.startswith("#"):
            lines.append(s)
    kept = lines[:max(1, max_lines)]
    out = ""
    for s in kept:
        out += s if not out else (" " if out.endswith(":") else "; ") + s
    if len(lines) > len(kept):
        out += f" (+{len(lines) - len(kept)} more lines)"
    if not out:
        return empty
    return out if len(out) <= MAX_CHARS else out[:MAX_CHARS - 1] + "…"
