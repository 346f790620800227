"""A toolchain's table of GODEBUG settings: ``$GOROOT/src/internal/godebugs/table.go``.

The go command builds its defaults from this table (Go 1.21+). Two shapes exist:

* ``All``: ``{Name: "httpmuxgo121", Package: "net/http", Changed: 22, Old: "1"}``.
  ``Changed`` is the minor version whose go line switched the default (0: never);
  ``Old`` the value that restores the earlier behaviour. Fields come in any order
  (``{Name: "decoratemappings", Package: "runtime", Opaque: true, Changed: 25, ...}``
  in go1.27.3) and commented-out entries (``//{Name: "multipartfiles", ...}``) count not.
* ``Removed``: ``{Name: "x509sha1", Removed: 24, Old: one}``; go1.22.10 has no such
  list, go1.24..go1.26 have entries without ``Old``, go1.27.3 an ``Old`` predicate
  (``one``, ``zero`` or ``func(s string) bool { return s == "1" || s == "2" }``)
  whose values make a ``//go:debug`` or go.mod ``godebug`` line a build error
  (cmd/go/internal/modload/init.go, CheckGodebug: ``removed GODEBUG %q set to old
  value %q (https://go.dev/doc/godebug#go-1%v)``).

Parsed here once for doctor (which keys exist) and godebug (what a go line changes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: Where the table lives, for messages and citations.
TABLE_REF = "$GOROOT/src/internal/godebugs/table.go"

_ENTRY = re.compile(r'^\{Name:\s*"([^"]+)"')
_STR = r'\s*"([^"]*)"'


@dataclass(frozen=True)
class Setting:
    """One entry of ``All``: ``changed`` is the Go 1.N minor (>= 0, 0 = the default
    never changed with the go line), ``old`` the value restoring the behaviour
    before it ("" when none)."""

    name: str
    package: str
    changed: int = 0
    old: str = ""
    opaque: bool = False
    immutable: bool = False


@dataclass(frozen=True)
class RemovedSetting:
    """One entry of ``Removed``: ``removed`` is the Go 1.N minor of the removal;
    ``old_values`` the values that are a build error (empty when the entry has no
    ``Old`` predicate: then no value is)."""

    name: str
    removed: int
    old_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """The parsed table; ``present`` is False when the file is missing or empty
    (a toolchain before Go 1.21)."""

    settings: tuple[Setting, ...]
    removed: tuple[RemovedSetting, ...]
    present: bool


def doc_url(minor: int) -> str:
    """The go.dev/doc/godebug section of release Go 1.``minor`` (``#go-122``), the
    anchor cmd/go itself links to (modload.CheckGodebug)."""
    return f"https://go.dev/doc/godebug#go-1{minor}"


def _code(line: str) -> str:
    """``line`` without a trailing ``//`` comment (outside double quotes)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif not quoted and line.startswith("//", i):
            return line[:i]
    return line


def old_values(code: str) -> tuple[str, ...]:
    """The values an ``Old`` predicate accepts: ``one`` -> ("1",), ``zero`` ->
    ("0",), a func literal comparing ``s == "1" || s == "2"`` -> ("1", "2"); () when
    ``code`` (an entry without its comment) has no ``Old:``."""
    if "Old:" not in code:
        return ()
    expr = code.split("Old:", 1)[1]
    head = expr.split(",")[0].split("}")[0].strip()
    if head == "one":
        return ("1",)
    if head == "zero":
        return ("0",)
    return tuple(re.findall(r'==\s*"([^"]*)"', expr))


def _field(code: str, name: str, value: str) -> str | None:
    m = re.search(rf"\b{name}:{value}", code)
    return m[1] if m else None


def parse_table(text: str) -> Table:
    """Parse the text of a ``table.go`` (see the module docstring)."""
    settings: list[Setting] = []
    removed: list[RemovedSetting] = []
    for raw in text.splitlines():
        line = raw.strip()
        m = _ENTRY.match(line)
        if not m:  # also drops commented-out entries: they start with //
            continue
        code = _code(line)
        rem = _field(code, "Removed", r"\s*(\d+)")
        if rem is not None:
            removed.append(RemovedSetting(m[1], int(rem), old_values(code)))
            continue
        package = _field(code, "Package", _STR)
        if package is None:
            continue
        settings.append(Setting(
            m[1], package, int(_field(code, "Changed", r"\s*(\d+)") or 0),
            _field(code, "Old", _STR) or "",
            _field(code, "Opaque", r"\s*(true)") is not None,
            _field(code, "Immutable", r"\s*(true)") is not None))
    return Table(tuple(settings), tuple(removed), bool(text))


def read_table(goroot: Path) -> Table:
    """The table of the toolchain at ``goroot``; an absent or unreadable file gives
    an empty Table with ``present`` False."""
    try:
        text = (goroot / "src" / "internal" / "godebugs" / "table.go").read_text(
            errors="replace")
    except OSError:
        text = ""
    return parse_table(text)
