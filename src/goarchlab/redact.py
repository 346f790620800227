"""Hide secrets in everything goarchlab prints or writes.

People paste ``goarchlab doctor`` output into issues and CI logs, so the text that
leaves the process must never carry a password or a token, whatever a check or
an error message put into it. Two layers, both applied by :func:`text`:

* **Shapes.** Passwords in URL userinfo (``https://alice:PW@host`` ->
  ``https://alice:***@host``, also inside comma/pipe lists such as GOPROXY),
  the value of any ``NAME=value`` whose name looks secret (``GITHUB_TOKEN``,
  ``DB_PASSWORD``, ``main.apiKey``...), netrc lines (``machine h login u
  password P``), ``Authorization: Bearer ...`` and well-known token formats
  (GitHub ``ghp_``/``gho_``/``github_pat_``..., AWS ``AKIA``...).
* **Known values.** The values of secret-looking variables in the environment,
  the passwords in any variable's URLs, the secrets on goarchlab's own command
  line (``--ldflags '-X main.apiToken=...'``) and the values of ``.env`` files
  that goarchlab read (:func:`remember`) are replaced wherever they appear, even
  alone. Values shorter than :data:`MIN_KNOWN` characters are not tracked:
  masking every ``1`` or ``on`` would wreck the output and hide nothing.

A base module (like errors and proc): any layer may import it. ``render`` applies
it at the data->text boundary; feature code calls :func:`remember` for the
secrets it reads from files.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import Any

#: What a secret is replaced by.
MASK = "***"
#: Known values shorter than this (characters) are not masked on their own.
MIN_KNOWN = 4

# A variable name that holds a secret: GITHUB_TOKEN, DB_PASSWORD, aws_secret_access_key,
# main.apiKey, NPM_AUTH... "auth" only as a whole word-part (not AUTHOR); not PWD,
# which is the working directory.
_SECRET_WORD = (r"token|secret|passw(?:or)?d|api[_-]?key|access[_-]?key|private[_-]?key|"
                r"credential|auth(?![a-z])|session[_-]?key")
_SECRET_NAME = re.compile(rf"(?i)(?:{_SECRET_WORD})")
#: Go variables whose values are lists of hosts or flags that may embed credentials.
GO_LIST_VARS = frozenset({"GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GONOSUMCHECK",
                          "GOINSECURE", "GOFLAGS", "GOAUTH", "GOSUMDB", "GOVCS"})
# GOAUTH names a credential helper (netrc, "git DIR", "command CMD"), not a secret itself.
_NOT_SECRET_NAMES = frozenset({"GOAUTH"})

# scheme://user:PASSWORD@host -- the password ends at '@' (a literal '@' in it is %40).
_URL_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@,|]*):([^/\s@,|]*)@")
# user:PASSWORD@host without a scheme: only inside the values of GO_LIST_VARS.
_BARE_USERINFO = re.compile(r"(?<![\w/:.-])([\w.%+-]+):([^/\s@,|:]+)@(?=[\w.-])")
# NAME=value (and NAME: value for upper-case, .env-style names). The value is a
# quoted string (maybe unterminated: a malformed .env line) or a run of non-space.
_ASSIGN = re.compile(
    r"(?<![\w.])([A-Za-z_][\w.-]*)(=|:[ \t]*)"
    r"(\"[^\"\n]*\"?|'[^'\n]*'?|[^\s\"'&;]*)")
# Every NAME=value, nested ones too (-ldflags=-X=main.token=...): a lookahead finds
# overlapping matches.
_ASSIGN_ANY = re.compile(r"(?<![\w.])(?=([A-Za-z_][\w.-]*)=(\"[^\"\n]*\"?|'[^'\n]*'?|[^\s\"'&;]*))")
_NETRC = re.compile(r"(?i)\b((?:machine\s+\S+\s+)?login\s+\S+\s+password\s+)(\S+)")
_NETRC_PASSWORD = re.compile(r"(?i)\b(machine\s+\S+\s+password\s+)(\S+)")
# "Authorization: Basic|Bearer|token X" and a bare "Bearer X" (capitalised: prose says
# "bearer" rarely, and "basic" or "token" followed by a word is mostly prose).
_BEARER = re.compile(r"((?i:authorization)[ \t]*[:=][ \t]*(?i:bearer|basic|token)?|\bBearer)"
                     r"([ \t]+)([A-Za-z0-9._~+/=-]{6,})")
_TOKEN_SHAPES = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16})\b")
# Cheap tests that a string may hold a token shape, or a name _assign would mask.
_SHAPE_HINT = re.compile(r"gh[pousr]_|github_pat_|glpat-|xox|AKIA|ASIA")
_ASSIGN_HINT = re.compile(rf"(?i){_SECRET_WORD}|" + "|".join(sorted(GO_LIST_VARS)))

# 8+ characters, no space, at least one letter and one digit: hunter2zz, a1b2c3d4...
_TOKENISH = re.compile(r"(?=[^\s]*[A-Za-z])(?=[^\s]*\d)[^\s]{8,}")

_remembered: set[str] = set()
# (the secret values) -> their pattern, rebuilt only when the set changes
_cache: tuple[frozenset[str], re.Pattern[str] | None] = (frozenset(), None)
# the environment last scanned -> its secret values
_env_cache: tuple[dict[Any, Any] | None, frozenset[str]] = (None, frozenset())
_argv_cache: tuple[tuple[str, ...], frozenset[str]] = ((), frozenset())


def is_secret_name(name: str) -> bool:
    """True when a variable called ``name`` holds a secret by its name (TOKEN, SECRET,
    PASSWORD, PASSWD, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL, AUTH..., any case)."""
    return name.upper() not in _NOT_SECRET_NAMES and bool(_SECRET_NAME.search(name))


def _mask_userinfo(value: str, bare: bool) -> str:
    value = _URL_USERINFO.sub(rf"\1:{MASK}@", value)
    return _BARE_USERINFO.sub(rf"\1:{MASK}@", value) if bare else value


def _assign(m: re.Match[str]) -> str:
    name, sep, value = m.group(1), m.group(2), m.group(3)
    # "error: x" is prose; "DB_PASSWORD: x" is a .env line (godotenv's YAML style).
    if is_secret_name(name) and (sep == "=" or name.isupper()) and value.strip("\"'"):
        quote = value[0] if value[0] in "\"'" else ""
        end = quote if quote and len(value) > 1 and value.endswith(quote) else ""
        return f"{name}{sep}{quote}{MASK}{end}"
    if name.upper() in GO_LIST_VARS:
        value = _mask_userinfo(value, bare=True)
    # The value may hold assignments of its own: GOFLAGS=-ldflags=-X=main.apiToken=...,
    # https://host/?access_token=...
    return f"{name}{sep}{_ASSIGN.sub(_assign, value)}"


def _shapes(s: str) -> str:
    # Each pattern runs only when a plain substring test says it could match: most
    # strings (paths, module@version, numbers) pass every test in about a microsecond.
    if "://" in s:
        s = _URL_USERINFO.sub(rf"\1:{MASK}@", s)
    if "password" in s.lower():
        s = _NETRC.sub(rf"\1{MASK}", s)
        s = _NETRC_PASSWORD.sub(rf"\1{MASK}", s)
    if "Bearer" in s or "uthorization" in s or "UTHORIZATION" in s:
        s = _BEARER.sub(rf"\1\2{MASK}", s)
    if _SHAPE_HINT.search(s):
        s = _TOKEN_SHAPES.sub(MASK, s)
    # _assign changes only the values of secret names and of GO_LIST_VARS.
    if ("=" in s or ":" in s) and _ASSIGN_HINT.search(s):
        s = _ASSIGN.sub(_assign, s)
    return s


def secrets_in(name: str, value: str) -> set[str]:
    """The secret parts of one variable ``name=value``: the whole value for a secret
    name, URL userinfo passwords, secret-named ``NAME=value`` parts (in GOFLAGS, say)
    and token shapes. Parts shorter than :data:`MIN_KNOWN` characters are left out."""
    found: set[str] = set()
    if not value:
        return found
    if is_secret_name(name):
        found.add(value)
    found.update(m.group(2) for m in _URL_USERINFO.finditer(value))
    if name.upper() in GO_LIST_VARS:
        found.update(m.group(2) for m in _BARE_USERINFO.finditer(value))
    for m in _ASSIGN_ANY.finditer(value):
        if is_secret_name(m.group(1)):
            found.add(m.group(2).strip("\"'"))
    found.update(m.group(0) for m in _TOKEN_SHAPES.finditer(value))
    found.update(m.group(3) for m in _BEARER.finditer(value))
    return {s for s in found if len(s) >= MIN_KNOWN}


def remember(values: Iterable[str]) -> None:
    """Treat each of ``values`` (at least :data:`MIN_KNOWN` characters) as a secret in
    all later output of this process; shorter ones are ignored."""
    _remembered.update(v for v in values if len(v) >= MIN_KNOWN)


def remember_dotenv(key: str, value: str) -> None:
    """:func:`remember` a value read from a ``.env`` file: the whole value when ``key``
    looks secret or the value looks like a token (8+ characters without spaces,
    letters and digits, not a path), else only its secret parts (URL passwords...).

    Not every value: masking ``8080`` or ``debug`` everywhere would wreck the output."""
    v = value.strip()
    found = secrets_in(key, v)
    if _TOKENISH.fullmatch(v) and not v.startswith(("/", ".", "~")):
        found.add(v)
    remember(found)


def _env_secrets() -> frozenset[str]:
    global _env_cache
    # Compared on every call: os.environ can change within one process (tests,
    # main() called in-process). CPython keeps the raw (bytes) mapping in _data:
    # comparing it costs a microsecond, a decoded copy tens of them.
    raw = getattr(os.environ, "_data", None)
    env = dict(raw) if isinstance(raw, dict) else os.environ.copy()
    if env != _env_cache[0]:
        found: set[str] = set()
        for k, v in os.environ.items():
            found |= secrets_in(k, v)
        _env_cache = (env, frozenset(found))
    return _env_cache[1]


def _argv_secrets() -> frozenset[str]:
    global _argv_cache
    # This process's own command line: --ldflags '-X main.apiToken=...' is echoed
    # back by checks ("'...' in file") in words no shape matches.
    argv = tuple(sys.argv)
    if argv != _argv_cache[0]:
        found: set[str] = set()
        for a in argv[1:]:
            found |= secrets_in("", a)
        _argv_cache = (argv, frozenset(found))
    return _argv_cache[1]


def _known_pattern() -> re.Pattern[str] | None:
    global _cache
    key = _env_secrets() | _argv_secrets() | _remembered
    if key != _cache[0]:
        # Longest first: a secret that contains another is masked whole.
        alts = sorted(key, key=len, reverse=True)
        _cache = (key, re.compile("|".join(map(re.escape, alts))) if alts else None)
    return _cache[1]


def text(s: str) -> str:
    """``s`` with every secret (known values and secret shapes) replaced by ``***``."""
    known = _known_pattern()
    return _text(s, known)


def _text(s: str, known: re.Pattern[str] | None) -> str:
    if known is not None:
        s = known.sub(MASK, s)
    return _shapes(s)


def tree(obj: Any) -> Any:
    """A JSON-ready value (dicts, lists, strings, numbers) with every string passed
    through :func:`text`, and the values under secret-named keys masked whole."""
    known = _known_pattern()

    def walk(x: Any) -> Any:
        if isinstance(x, str):
            return _text(x, known)
        if isinstance(x, dict):
            return {k: (MASK if isinstance(v, str) and v and isinstance(k, str)
                        and is_secret_name(k) else walk(v)) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, tuple):
            return tuple(walk(v) for v in x)
        return x

    return walk(obj)


class Stream:
    """A text stream that redacts what is written before passing it on (rich's
    consoles write through one, so nothing a renderer builds can skip :func:`text`)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, s: str) -> int:
        """Write ``s`` redacted; returns the length of ``s`` (what the caller gave)."""
        self._inner.write(text(s))
        return len(s)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
