"""Matching import paths and file names against the policy's patterns.

Package patterns follow the go command's (``go help packages``): a plain path
matches itself only, ``...`` matches any string, and a trailing ``/...`` also
matches the path without it (``net/...`` matches ``net`` and ``net/http``);
``std`` names the standard library. File globs are relative to the module root
with ``*`` (within one directory), ``**`` (any number of directories), ``?``,
and a leading ``!`` excluding what it matches, as in depguard's ``files``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PackagePattern:
    """One package pattern; ``text`` as written."""

    text: str
    _rx: re.Pattern | None = None

    @classmethod
    def parse(cls, text: str) -> PackagePattern:
        """Parse ``example.com/m``, ``example.com/m/...``, ``std``; ValueError on spaces."""
        t = text.strip()
        if not t or any(c.isspace() for c in t):
            raise ValueError(f"{text!r} is not a package pattern")
        if t == "std" or "..." not in t:
            return cls(t)
        rx = re.escape(t).replace(r"\.\.\.", ".*")
        if rx.endswith("/.*"):
            rx = rx[: -len("/.*")] + "(/.*)?"
        return cls(t, re.compile(rx + r"\Z"))

    def matches(self, path: str, standard: bool) -> bool:
        """True when import path ``path`` (``standard``: a std package) matches."""
        if self.text == "std":
            return standard
        if self._rx is None:
            return path == self.text
        return self._rx.match(path) is not None

    def to_json(self) -> str:
        """The pattern as written."""
        return self.text


def _glob_rx(glob: str) -> re.Pattern:
    out, i = [], 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True)
class FileGlobs:
    """A rule's ``files``: include globs (none means every file) and ``!`` excludes."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _inc: tuple[re.Pattern, ...] = ()
    _exc: tuple[re.Pattern, ...] = ()

    @classmethod
    def parse(cls, globs: list[str]) -> FileGlobs:
        """Parse a ``files`` list; ValueError for an absolute path or an empty glob."""
        inc, exc = [], []
        for g in globs:
            neg = g.startswith("!")
            body = g[1:] if neg else g
            if not body or body.startswith("/"):
                raise ValueError(f"file glob {g!r} must be relative to the module root")
            (exc if neg else inc).append(body)
        return cls(tuple(inc), tuple(exc), tuple(map(_glob_rx, inc)), tuple(map(_glob_rx, exc)))

    def matches(self, rel: str) -> bool:
        """True when ``rel`` (slash-separated, relative to the module root) is selected."""
        if self._inc and not any(r.match(rel) for r in self._inc):
            return False
        return not any(r.match(rel) for r in self._exc)

    def to_json(self) -> list[str]:
        """The globs as written (excludes with their ``!``)."""
        return [*self.include, *("!" + g for g in self.exclude)]
