"""Lint a ``.env`` file the way Go programs read it: by github.com/joho/godotenv rules.

python-dotenv's parser (``dotenv.parser.parse_stream``) splits the file into
bindings with their original line numbers and flags lines it cannot parse; its
grammar is close to godotenv's but not the same, so the differences that
matter are applied on top, each taken from godotenv's ``parser.go``
(``locateKeyName``, ``extractVarValue``, ``expandVariables``):

* godotenv accepts the YAML style ``KEY: value``; python-dotenv does not.
* godotenv rejects a key with a character other than a letter, digit, ``_`` or
  ``.`` (``MY-KEY=1``, ``'KEY'=1``) and a line with a key but no ``=``
  (``unexpected character ... in variable name``); python-dotenv accepts both.
* godotenv expands ``$NAME``/``${NAME}`` (NAME of ``A-Z0-9_``) in unquoted and
  double-quoted values from the keys above and then the process environment,
  and to an empty string when neither has it.

godotenv stops at the first line it cannot parse and ``godotenv.Load`` then
returns that error without setting any variable, so one bad line loses them all.

An issue quotes a line's key, never its value (values are passwords and tokens,
and doctor's output is pasted into issues and CI logs); the values read are
handed to :func:`goarchlab.redact.remember_dotenv` so no other output shows them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass

from goarchlab import redact

GODOTENV_REF = "github.com/joho/godotenv parser.go (locateKeyName, extractVarValue)"

_EXPORT = re.compile(r"^\s*(?:export\s+)?")
_YAML_STYLE = re.compile(r"^\s*(?:export\s+)?[\w.]+\s*:")
# \w: unicode letters, digits and _, like godotenv's unicode.IsLetter/IsNumber
_KEY_OK = re.compile(r"^[\w.]+$")
_VAR_REF = re.compile(r"(\\)?\$(\()?\{?([A-Z0-9_]+)?\}?")
# The key and separator that start a line: KEY=, export KEY=, 'KEY'=, KEY:
_HEAD = re.compile(r"\s*(?:export\s+)?([^=:\s]*?)\s*([=:])")


@dataclass(frozen=True)
class DotenvIssue:
    """One problem in a .env file.

    ``line``: 1-based line where the binding starts. ``kind``: ``syntax``
    (godotenv fails on it), ``portability`` (godotenv accepts it, other readers
    do not) or ``empty-expansion`` (a ``${VAR}`` that expands to nothing).
    ``text``: the line's key and separator with the value left out (``KEY=…``),
    at most 60 characters; never the value.
    """

    line: int
    kind: str
    message: str
    text: str


def _shown(s: str) -> str:
    """How an issue quotes line ``s``: its key and separator, the value as '…'.

    A line without '=' or ':' is shown only when it is a plain name (``BARE``); any
    other such line (a pasted token, say) as a placeholder."""
    first = s.splitlines()[0].strip() if s.strip() else ""
    m = _HEAD.match(first)
    if m:
        return f"{m.group(1)[:58]}{m.group(2)}…"
    bare = _EXPORT.sub("", first, count=1)
    return bare if _KEY_OK.match(bare) and len(bare) <= 60 else "(a line without '=')"


def _key_value(raw: str) -> tuple[str, str]:
    """The key and raw value text of a line godotenv rejects (split at the first '='
    or ':'; no key when there is neither)."""
    m = _HEAD.match(raw)
    return (m.group(1), raw[m.end():].strip().strip("\"'")) if m else ("", raw.strip())


def lint(text: str, environ: Mapping[str, str]) -> list[DotenvIssue]:
    """Every issue in ``text`` (a .env file's contents), in file order.

    ``environ`` is the environment the Go program would run with (used to tell
    whether a ``${VAR}`` reference has a value).
    """
    issues: list[DotenvIssue] = []
    defined: set[str] = set()
    from dotenv.parser import parse_stream  # only when a project has a .env file

    for b in parse_stream(io.StringIO(text)):
        raw = b.original.string
        line = b.original.line
        shown = _shown(raw)
        if b.error:
            redact.remember_dotenv(*_key_value(raw))
            if _YAML_STYLE.match(raw):
                issues.append(DotenvIssue(line, "portability", (
                    "godotenv accepts the YAML style 'KEY: value', but other .env readers "
                    "(python-dotenv, for one) reject it"), shown))
                defined.add(raw.split(":", 1)[0].strip().removeprefix("export").strip())
            else:
                issues.append(DotenvIssue(line, "syntax", "not a KEY=value line", shown))
            continue
        if b.key is None:  # a comment or blank line
            continue
        if b.value:
            redact.remember_dotenv(b.key, b.value)
        head = _EXPORT.sub("", raw, count=1)
        if head.startswith("'") or not _KEY_OK.match(b.key):
            bad = next((c for c in head if not (c.isalnum() or c in "_.")), "'")
            issues.append(DotenvIssue(line, "syntax", (
                f"unexpected character {bad!r} in variable name {b.key!r} "
                "(godotenv allows letters, digits, '_' and '.')"), shown))
            continue
        if b.value is None:
            issues.append(DotenvIssue(line, "syntax", (
                f"{b.key!r} has no '=': godotenv fails on it ('unexpected character' in the "
                "variable name), or on the file's last line without a newline sets a "
                "variable with an empty name"), shown))
            continue
        value_src = raw.split("=", 1)[1].lstrip() if "=" in raw else ""
        if not value_src.startswith("'"):
            for m in _VAR_REF.finditer(b.value):
                name = m.group(3)
                if m.group(1) or m.group(2) or not name:
                    continue
                if name not in defined and name not in environ:
                    issues.append(DotenvIssue(line, "empty-expansion", (
                        f"{b.key} refers to ${{{name}}}, which is set neither above it in "
                        "the file nor in the environment: godotenv expands it to ''"), shown))
        defined.add(b.key)
    return issues
