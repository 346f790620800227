"""The dependency policy: ``goarchlab.toml`` at the module root.

Read with :mod:`tomllib`; every table and key is checked against the schema
(docs/goarchlab.toml.md) and anything unknown or mistyped is refused with the
file's line. tomllib reports no positions for valid TOML, so :func:`_line_of`
finds the line of a key itself by following the table headers in the text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from goarchlab.deps.match import FileGlobs, PackagePattern
from goarchlab.errors import EXIT_USAGE, GoarchlabError
from goarchlab.gocmd.version import GoVersion

FILENAME = "goarchlab.toml"


@dataclass(frozen=True)
class ImportRule:
    """A ``[[deny]]`` or ``[[allow]]`` entry.

    deny: an import matching ``packages`` from a file matching ``files`` breaks it.
    allow: from a file matching ``files``, every import must match ``packages``
    (the main modules' own packages always may; the standard library unless
    ``std`` is false).
    """

    kind: str
    name: str
    packages: tuple[PackagePattern, ...]
    files: FileGlobs
    reason: str
    std: bool
    line: int


@dataclass(frozen=True)
class PublicRule:
    """A ``[[public]]`` entry: from outside ``module``, only ``packages`` of it may be imported."""

    name: str
    module: str
    packages: tuple[PackagePattern, ...]
    reason: str
    line: int


@dataclass(frozen=True)
class Policy:
    """A parsed goarchlab.toml; ``path`` is None for the built-in default (no file).

    ``single_major``, ``no_local_replace``, ``retracted``, ``deprecated``,
    ``verify`` switch module checks on; ``go_max`` caps the main module's go line;
    ``vulns``: run govulncheck when installed; ``vuln_db`` its ``-db`` URL.
    """

    path: Path | None
    deny: tuple[ImportRule, ...] = ()
    allow: tuple[ImportRule, ...] = ()
    public: tuple[PublicRule, ...] = ()
    single_major: bool = False
    no_local_replace: bool = False
    go_max: GoVersion | None = None
    go_max_line: int = 0
    retracted: bool = False
    deprecated: bool = False
    verify: bool = False
    vulns: bool = False
    vuln_db: str = ""
    govulncheck: str = ""


_TOP = {"version", "modules", "vulns", "deny", "allow", "public"}
_MODULES = {
    "single-major": bool, "no-local-replace": bool, "go-max": str, "retracted": bool,
    "deprecated": bool, "verify": bool,
}
_VULNS = {"enabled": bool, "db": str, "govulncheck": str}
_IMPORT_RULE = {"name": str, "packages": list, "files": list, "reason": str, "std": bool}
_PUBLIC = {"name": str, "module": str, "packages": list, "reason": str}

_HEADER_RX = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_RX = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")


def _line_of(text: str, table: str | None, index: int | None, key: str | None) -> int:
    """The 1-based line of ``key`` in ``[table]`` (``index``-th ``[[table]]``), or of
    the header itself when ``key`` is None; the top level when ``table`` is None."""
    current: str | None = None
    counts: dict[str, int] = {}
    cur_index = -1
    for n, line in enumerate(text.splitlines(), 1):
        h = _HEADER_RX.match(line)
        if h:
            current = h[2].strip()
            counts[current] = counts.get(current, -1) + 1
            cur_index = counts[current]
            if key is None and current == table and (index is None or index == cur_index):
                return n
            continue
        if key is None or current != table:
            continue
        if index is not None and cur_index != index:
            continue
        k = _KEY_RX.match(line)
        if k and (k[1] or k[2] or k[3]) == key:
            return n
    return 1


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text

    def fail(self, line: int, msg: str, hint: str) -> GoarchlabError:
        return GoarchlabError(f"{self.path}:{line}: {msg}", hint, EXIT_USAGE)

    def table(self, data: dict, schema: dict, where: str, index: int | None) -> dict:
        for k, v in data.items():
            line = _line_of(self.text, where, index, k)
            if k not in schema:
                known = ", ".join(sorted(schema))
                raise self.fail(line, f"unknown key {k!r} in [{where}]", f"known keys: {known}")
            want = schema[k]
            if not isinstance(v, want) or (want is not bool and isinstance(v, bool)):
                raise self.fail(line, f"{where}.{k} must be a {want.__name__}, not "
                                f"{type(v).__name__}", "see docs/goarchlab.toml.md")
            if want is list and not all(isinstance(x, str) and x for x in v):
                raise self.fail(line, f"{where}.{k} must be a list of non-empty strings",
                                "see docs/goarchlab.toml.md")
        return data

    def patterns(self, items: list[str], line: int) -> tuple[PackagePattern, ...]:
        try:
            return tuple(PackagePattern.parse(p) for p in items)
        except ValueError as e:
            raise self.fail(line, str(e), "write an import path, a pattern ending in /... "
                            "or 'std'") from None


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-32 LE's BOM starts like UTF-16 LE's
_RESAVE = "save it as UTF-8 (iconv -f UTF-16 -t UTF-8, or the editor's encoding menu)"


def _decode(path: Path, data: bytes) -> str:
    """The text of a policy file; TOML is UTF-8 by definition (toml.io spec 1.0).

    A UTF-8 byte order mark is skipped, as Go's and most TOML readers do. A UTF-16
    file (what some Windows editors save) and other encodings are refused with
    one line naming the file; no guessing at encodings.
    """
    if data.startswith(_UTF16_BOMS):
        raise GoarchlabError(f"{path}: the file is UTF-16 (it starts with a UTF-16 byte "
                             "order mark); TOML files must be UTF-8", _RESAVE, EXIT_USAGE)
    if b"\0" in data:
        raise GoarchlabError(f"{path}: the file contains NUL bytes (UTF-16 without a byte "
                             "order mark?); TOML files must be UTF-8", _RESAVE, EXIT_USAGE)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        head = data[:e.start]
        line = head.count(b"\n") + 1
        col = e.start - (head.rfind(b"\n") + 1) + 1
        raise GoarchlabError(f"{path}: not UTF-8: byte 0x{data[e.start]:02x} at line {line}, "
                             f"column {col}; TOML files must be UTF-8",
                             "save it as UTF-8 (iconv -f LATIN1 -t UTF-8 if it is Latin-1)",
                             EXIT_USAGE) from None


def load(path: Path) -> Policy:
    """Read and check the policy file at ``path``.

    Raises GoarchlabError with exit code 2 naming ``path:line`` for TOML syntax
    errors, unknown keys and values of the wrong type.
    """
    try:
        data = path.read_bytes()
    except OSError as e:
        raise GoarchlabError(f"cannot read {path}: {e.strerror}", None, EXIT_USAGE) from e
    text = _decode(path, data)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GoarchlabError(f"{path}: not valid TOML: {e}", "see docs/goarchlab.toml.md",
                             EXIT_USAGE) from e
    rd = _Reader(path, text)
    for k in data:
        if k not in _TOP:
            line = _line_of(text, k, None, None)
            if line == 1:
                line = _line_of(text, None, None, k)
            raise rd.fail(line, f"unknown key {k!r}", f"known: {', '.join(sorted(_TOP))}")
    if "version" in data and data["version"] != 1:
        raise rd.fail(_line_of(text, None, None, "version"), "version must be 1",
                      "this goarchlab reads policy version 1")
    kw: dict = {}
    for name in ("modules", "vulns"):
        if name in data and not isinstance(data[name], dict):
            raise rd.fail(_line_of(text, None, None, name), f"{name} must be a table",
                          f"write [{name}]")
    mods = rd.table(data.get("modules", {}), _MODULES, "modules", None)
    for key in ("single-major", "no-local-replace", "retracted", "deprecated", "verify"):
        kw[key.replace("-", "_")] = mods.get(key, False)
    if "go-max" in mods:
        line = _line_of(text, "modules", None, "go-max")
        v = GoVersion.try_parse(mods["go-max"])
        if v is None:
            raise rd.fail(line, f"modules.go-max {mods['go-max']!r} is not a Go version",
                          "write it like 1.22 or 1.22.3")
        kw["go_max"], kw["go_max_line"] = v, line
    vul = rd.table(data.get("vulns", {}), _VULNS, "vulns", None)
    kw["vulns"] = vul.get("enabled", False)
    kw["vuln_db"] = vul.get("db", "")
    exe = vul.get("govulncheck", "")
    # A relative path is the policy file's, like its globs, not the directory
    # goarchlab happens to run in.
    kw["govulncheck"] = str((path.parent / exe).absolute()) if exe and \
        not Path(exe).is_absolute() else exe
    for kind in ("deny", "allow"):
        rules = []
        for i, t in enumerate(_array(rd, data, kind)):
            rd.table(t, _IMPORT_RULE, kind, i)
            line = _line_of(text, kind, i, None)
            if not t.get("packages") and kind == "deny":
                raise rd.fail(line, "[[deny]] needs packages = [...]", "list what is denied")
            try:
                files = FileGlobs.parse(t.get("files", []))
            except ValueError as e:
                raise rd.fail(line, str(e), "globs are relative to the module root") from None
            rules.append(ImportRule(
                kind, t.get("name", f"{kind}[{i}]"), rd.patterns(t.get("packages", []), line),
                files, t.get("reason", ""), t.get("std", True), line))
        kw[kind] = tuple(rules)
    pub = []
    for i, t in enumerate(_array(rd, data, "public")):
        rd.table(t, _PUBLIC, "public", i)
        line = _line_of(text, "public", i, None)
        if not t.get("module") or not t.get("packages"):
            raise rd.fail(line, "[[public]] needs module = \"...\" and packages = [...]",
                          "see docs/goarchlab.toml.md")
        pub.append(PublicRule(t.get("name", f"public[{i}]"), t["module"],
                              rd.patterns(t["packages"], line), t.get("reason", ""), line))
    kw["public"] = tuple(pub)
    return Policy(path=path, **kw)


def _array(rd: _Reader, data: dict, kind: str) -> list[dict]:
    v = data.get(kind, [])
    if not isinstance(v, list) or not all(isinstance(t, dict) for t in v):
        raise rd.fail(_line_of(rd.text, None, None, kind), f"{kind} must be an array of "
                      f"tables", f"write [[{kind}]] headers")
    return v


def find(root: Path) -> Path | None:
    """``root/goarchlab.toml`` if it exists."""
    p = root / FILENAME
    return p if p.is_file() else None
