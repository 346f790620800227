"""Which Go version a directory asks for, and which installed toolchain serves it.

Sources, highest priority first (each kind is searched from the directory
upward before the next kind is considered):

1. ``GOARCHLAB_GO_VERSION`` in the environment;
2. the nearest ``.go-version`` (its first non-comment line);
3. the nearest ``.tool-versions`` with a ``golang`` (asdf) or ``go`` (mise) entry;
4. the ``toolchain`` line of the nearest go.work (workspace mode, unless
   ``GOWORK=off``), else of the nearest go.mod;
5. the ``go`` line of that same file, as a *minimum*;
6. the global choice in ``GOARCHLAB_HOME/version`` (``toolchain use``);
7. else the newest installed toolchain.

A version file (``.go-version``, ``.tool-versions``, the global file) is read
as UTF-8, or UTF-16 LE/BE when it starts with that byte-order mark (a UTF-8
BOM is dropped); one holding NUL or other control characters is refused
without echoing them. A ``.go-version`` line holds one word: ``1.22.10``,
``go1.22.10``, ``1.22``, ``latest`` or ``system`` (the go on PATH, chosen on
purpose); ``golang 1.22.10`` there is refused with a hint (other tools reading
.go-version -- goenv, actions/setup-go -- would not understand it either).

The same rules are implemented by the Go shim (``shim/main.go``); the tests
run both on the same directory trees. :meth:`Choice.error` is the one verdict
on a value that names no Go: ``ensure``, ``toolchain which``/``exec`` and the
shim (which hands such a value over to ``toolchain exec``) all give it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.modfile import module_file
from goarchlab.gocmd.modfile import upward as _upward
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains.model import Toolchain

ENV_VAR = "GOARCHLAB_GO_VERSION"
#: The value that chooses the go on PATH (not a goarchlab-managed one), as in goenv/asdf/mise.
SYSTEM = "system"
#: Origins that pin a version: when it is not installed a command stops rather than run
#: another Go. A go line (``go.mod go``) is a minimum, and ``newest installed`` no choice.
PIN_ORIGINS = ("env", ".go-version", ".tool-versions", "go.work toolchain",
               "go.mod toolchain", "global", "argument")
_MOD_RX = re.compile(r"^\s*(go|toolchain)\s+(\S+)\s*(?://.*)?$")


@dataclass(frozen=True)
class Choice:
    """A version request and where it came from.

    ``value``: the text as written (``1.22``, ``go1.22.10``, ``latest``);
    ``version``: it parsed (None for ``latest`` or when nothing asked).
    ``origin``: ``env``, ``.go-version``, ``.tool-versions``, ``go.work toolchain``,
    ``go.mod toolchain``, ``go.work go``, ``go.mod go``, ``global`` or ``newest installed``.
    ``file``/``line`` (1-based): where it was read, None for the environment.
    ``minimum``: True for a ``go`` line (any newer toolchain satisfies it).
    ``problem``: why the file could not be read as a version (NUL bytes, two
    words on a .go-version line), else None; :meth:`error` turns it into the verdict.
    """

    value: str
    version: GoVersion | None
    origin: str
    file: Path | None = None
    line: int | None = None
    minimum: bool = False
    problem: str | None = None

    @property
    def system(self) -> bool:
        """True when the choice is ``system``: the go on PATH, chosen on purpose."""
        return self.problem is None and self.value.lower() == SYSTEM

    @property
    def pinned(self) -> bool:
        """True when a version was asked for (see :data:`PIN_ORIGINS`): it is used or
        the command stops; never silently replaced by another Go."""
        return self.origin in PIN_ORIGINS

    def error(self) -> GoarchlabError | None:
        """The UsageError (exit 2) for a value that names no Go version, else None.

        The message never echoes control characters (``repr`` escapes them).
        """
        if self.problem is not None:
            return UsageError(f"{self.where}: {self.problem}", _PROBLEM_HINT)
        if self.version is None and self.value.lower() not in ("latest", SYSTEM):
            return UsageError(f"{self.value!r} (asked by {self.where}) is not a Go version",
                              "write it like 1.22, 1.22.10, go1.22.10, latest or system")
        return None

    @property
    def where(self) -> str:
        """``/p/go.mod:3``, ``GOARCHLAB_GO_VERSION`` or ``newest installed``, for messages."""
        if self.origin == "env":
            return ENV_VAR
        if self.file is None:
            return self.origin
        return f"{self.file}:{self.line}" if self.line else str(self.file)


_PROBLEM_HINT = ("write one version per line in UTF-8, like 1.22.10 (a .tool-versions "
                 "line: golang 1.22.10)")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def read_text(path: Path) -> str | None:
    """``path`` decoded: UTF-8, or the encoding its byte-order mark names (UTF-8,
    UTF-16 LE/BE; the mark dropped); undecodable bytes become U+FFFD. None when
    it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, "replace")
    return data.decode("utf-8", "replace")


def _bad_chars(line: str) -> bool:
    return any((c < " " and c != "\t") or c == "\x7f" for c in line)


def _lines(text: str):
    """(1-based number, words before a ``#`` comment, raw line) per line."""
    for i, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        yield i, line.split("#", 1)[0].split(), line


_CONTROL = ("holds NUL or control characters (UTF-16 without a byte-order mark?); "
            "it is not read")


def _version_file(path: Path) -> tuple[str, int, str | None] | None:
    """The first non-comment line of a .go-version (or the global file): its word,
    line number and a problem (two words, control characters) or None."""
    text = read_text(path)
    if text is None:
        return None
    for i, words, raw in _lines(text):
        if _bad_chars(raw):
            return "", i, _CONTROL
        if len(words) == 1:
            return words[0], i, None
        if words:
            shown = " ".join(words)
            return shown, i, (f"{shown!r} is not one version; a .go-version holds only the "
                              f"version ({words[-1]}); a 'golang {words[-1]}' line belongs "
                              "in .tool-versions")
    return None


def _tool_versions(path: Path) -> tuple[str, int, str | None] | None:
    text = read_text(path)
    if text is None:
        return None
    for i, words, raw in _lines(text):
        if len(words) >= 2 and words[0] in ("golang", "go"):
            return words[1], i, (_CONTROL if _bad_chars(raw) else None)
    return None


def _mod_lines(path: Path) -> dict[str, tuple[str, int]]:
    """The ``go`` and ``toolchain`` directives of a go.mod/go.work (outside blocks)."""
    out: dict[str, tuple[str, int]] = {}
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return out
    for i, line in enumerate(text.splitlines(), 1):
        m = _MOD_RX.match(line)
        if m and m[1] not in out:
            out[m[1]] = (m[2], i)
    return out


def _parse(value: str) -> GoVersion | None:
    return None if value.lower() == "latest" else GoVersion.try_parse(value)


def _choice(value: str, origin: str, file: Path | None, line: int | None, minimum=False,
            problem: str | None = None) -> Choice:
    if problem is not None:
        return Choice(value, None, origin, file, line, minimum, problem)
    return Choice(value, _parse(value), origin, file, line, minimum)


def request(cwd: Path, env: Mapping[str, str], home: Path) -> Choice | None:
    """The version ``cwd`` asks for, or None when nothing asks (see module docstring)."""
    if env.get(ENV_VAR, "").strip():
        v = env[ENV_VAR].strip()
        return _choice(v, "env", None, None,
                       problem=_CONTROL if _bad_chars(v) else None)
    dirs = list(_upward(cwd))
    for d in dirs:
        p = d / ".go-version"
        if p.is_file() and (got := _version_file(p)):
            return _choice(got[0], ".go-version", p, got[1], problem=got[2])
    for d in dirs:
        p = d / ".tool-versions"
        if p.is_file() and (got := _tool_versions(p)):
            return _choice(got[0], ".tool-versions", p, got[1], problem=got[2])
    mod = module_file(cwd, env)
    if mod is not None:
        lines = _mod_lines(mod)
        if "toolchain" in lines and GoVersion.try_parse(lines["toolchain"][0]):
            v, n = lines["toolchain"]
            return _choice(v, f"{mod.name} toolchain", mod, n)
        if "go" in lines:
            v, n = lines["go"]
            return _choice(v, f"{mod.name} go", mod, n, minimum=True)
    g = global_file(home)
    if g.is_file() and (got := _version_file(g)):
        return _choice(got[0], "global", g, got[1], problem=got[2])
    return None


def select(choice: Choice | None, installed: list[Toolchain]) -> Toolchain | None:
    """The installed toolchain (newest first in ``installed``) that serves ``choice``.

    - nothing asked or ``latest``: the newest installed;
    - ``1.22``: the newest installed 1.22.x;
    - ``1.22.10``: exactly that;
    - a minimum (go line): the newest installed patch of that series at or above
      it, else the newest installed version at or above it.
    """
    if choice is None or (choice.version is None and choice.value.lower() == "latest"):
        return installed[0] if installed else None
    want = choice.version
    if want is None:
        return None
    if choice.minimum:
        series = [t for t in installed if t.version.matches(want.lang) and t.version >= want]
        if series:
            return series[0]
        newer = [t for t in installed if t.version >= want]
        return newer[0] if newer else None
    return next((t for t in installed if t.version.matches(want)), None)


def resolve(cwd: Path, env: Mapping[str, str], home: Path,
            installed: list[Toolchain]) -> tuple[Choice, Toolchain | None]:
    """The Choice for ``cwd`` (``newest installed`` when nothing asks) and its toolchain."""
    choice = request(cwd, env, home)
    tc = select(choice, installed)
    if choice is None:
        choice = Choice(str(tc.version) if tc else "latest", tc.version if tc else None,
                        "newest installed")
    return choice, tc


def write_local(cwd: Path, version: GoVersion | str) -> Path:
    """Write ``.go-version`` in ``cwd`` (atomically): a version or ``system``; its path."""
    return _write(cwd / ".go-version", version)


def global_file(home: Path) -> Path:
    """The global version choice written by ``toolchain use`` (one line) under ``home``."""
    return home / "version"


def write_global(home: Path, version: GoVersion | str) -> Path:
    """Write the global choice under ``home`` (atomically); returns its path."""
    home.mkdir(parents=True, exist_ok=True)
    return _write(global_file(home), version)


def _write(path: Path, version: GoVersion | str) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(str(version).removeprefix("go") + "\n")
    tmp.replace(path)
    return path
