"""``godebug show [DIR]``: the main package's DefaultGODEBUG and where each entry comes from.

The value is the go command's (``go list -json=...,DefaultGODEBUG .``); goarchlab
only explains it, following ``defaultGODEBUG`` in
``$GOROOT/src/cmd/go/internal/load/godebug.go`` (go1.27.3), in its order:

1. ``fips140=on`` when GOFIPS140 is not ``off`` (Go 1.24+);
2. the ``godebug`` lines of go.work in workspace mode, else of the main module's
   go.mod (``MainModuleSet.Godebugs``; a module's go.mod lines are ignored in a
   workspace), read with ``go work edit -json`` / ``go mod edit -json``;
3. ``//go:debug k=v`` directives of the main package's files (``GoFiles`` and
   ``CgoFiles``: go/build keeps ``//go:`` comments before the package clause only;
   test files count only for test binaries), later ones winning;
4. a ``default=goX`` among them replaces the go line as the version;
5. the defaults of that version (see godebug/diff.py) under everything above.

An entry none of these explains is reported as ``unexplained``, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.golist import run_go
from goarchlab.gocmd.version import GoVersion
from goarchlab.godebug.diff import GoFacts, load_table
from goarchlab.godebug.model import Entry, ShowReport

#: Seconds for one go command (go list may load modules on a cold cache).
TIMEOUT = 300.0
#: Go versions cmd/go assumes for a go.mod / go.work without a go line
#: (cmd/go/internal/gover: DefaultGoModVersion, DefaultGoWorkVersion), and in GOPATH
#: mode (load.defaultGODEBUGGoVersion: "Use Go 1.20").
NO_GO_LINE = {"go.mod": "1.16", "go.work": "1.18", "": "1.20"}

_GO_LINE = re.compile(r"^\s*go\s+(\S+)")


def directives(path: Path) -> list[tuple[int, str]]:
    """The ``//go:debug`` comments of a Go file before its package clause, as
    (line >= 1, comment text without a trailing CR), as go/build collects them."""
    try:
        text = path.read_text(errors="replace")
    except OSError as e:
        raise GoarchlabError(f"cannot read {path}: {e.strerror}", "check its permissions") from e
    out: list[tuple[int, str]] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch in " \t\r\ufeff":
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            comment = text[i:end].rstrip("\r")
            if comment.startswith("//go:debug"):
                out.append((line, comment))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
        else:  # the package clause (or anything else): go/build stops here
            break
    return out


def parse_directive(text: str) -> tuple[str, str] | None:
    """``//go:debug k=v`` -> (k, v) as load.ParseGoDebug reads it; None for a comment
    that is not a godebug directive (``//go:debugx``) or is malformed (go list has
    already refused those)."""
    rest = text[len("//go:debug"):]
    if not rest or rest[0] not in " \t":
        return None
    k, eq, v = rest.strip().partition("=")
    return (k, v) if eq else None


def _locate(path: Path, want: str) -> int:
    """The line (>= 1) of ``path`` whose code is ``want`` (``go 1.21``, ``k=v``,
    ``godebug k=v``) or 0; only to say where, never to read values."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return 0
    for no, ln in enumerate(lines, 1):
        code = " ".join(ln.split("//")[0].split())
        if code == want or code == f"godebug {want}":
            return no
    return 0


def _where(path: Path, want: str) -> str:
    no = _locate(path, want)
    return f"{path}:{no}" if no else str(path)


def _edit_json(go: Path | str, env: Mapping[str, str], cwd: Path, kind: str,
               path: Path) -> dict:
    argv = [str(go), kind, "edit", "-json"] + ([str(path)] if kind == "mod" else [])
    r = run_go(argv, env, cwd, timeout=TIMEOUT, shown=f"go {kind} edit -json",
               hint=f"check {path}")
    try:
        data = json.loads(r.stdout)
    except json.JSONDecodeError as e:
        raise GoarchlabError(f"go {kind} edit -json printed something that is not JSON",
                             "this go binary may be broken") from e
    return data if isinstance(data, dict) else {}


def show(go: Path | str, env: Mapping[str, str], directory: Path, facts: GoFacts) -> ShowReport:
    """Explain the DefaultGODEBUG of the main package in ``directory``, with the
    toolchain ``facts`` describes (asked in that directory). UsageError when the
    package there is not a main package."""
    fields = "Name,ImportPath,Dir,GoFiles,CgoFiles,DefaultGODEBUG,Module"
    r = run_go([str(go), "list", f"-json={fields}", "."], env, directory, timeout=TIMEOUT,
               shown="go list", hint=f"run 'go list .' in {directory}")
    pkg = json.loads(r.stdout)
    if pkg.get("Name") != "main":
        raise UsageError(f"{directory} holds package {pkg.get('Name')!r}, not a main package: "
                         "only main packages have a DefaultGODEBUG",
                         "pass the directory of a command (package main)")
    pkg_dir = Path(pkg.get("Dir") or directory)
    actual = pkg.get("DefaultGODEBUG", "")
    module = pkg.get("Module") or {}
    workspace = facts.gowork if facts.gowork not in ("", "off") else ""
    if workspace:
        kind, file = "go.work", Path(workspace)
        data = _edit_json(go, env, directory, "work", file)
    elif module.get("GoMod"):
        kind, file = "go.mod", Path(module["GoMod"])
        data = _edit_json(go, env, directory, "mod", file)
    else:
        kind, file, data = "", Path(), {}
    base = data.get("Go") or NO_GO_LINE[kind]
    base_from = _where(file, f"go {data['Go']}") if data.get("Go") else (
        f"{kind or 'GOPATH mode'} (no go line: Go {base})")
    # key -> (value, origin, where); later sources override earlier ones, as in cmd/go.
    set_by: dict[str, tuple[str, str, str]] = {}
    if facts.gofips140 not in ("", "off"):
        set_by["fips140"] = ("on", "GOFIPS140", f"GOFIPS140={facts.gofips140}")
    # 'go mod edit -json' says GoDebug, 'go work edit -json' Godebug (go1.27.3).
    for g in data.get("GoDebug") or data.get("Godebug") or []:
        k, v = g.get("Key", ""), g.get("Value", "")
        set_by[k] = (v, kind, _where(file, f"{k}={v}"))
    files = sorted((pkg.get("GoFiles") or []) + (pkg.get("CgoFiles") or []))
    for name in files:
        for no, text in directives(pkg_dir / name):
            kv = parse_directive(text)
            if kv:
                set_by[kv[0]] = (kv[1], "go:debug", f"{pkg_dir / name}:{no}")
    if "default" in set_by:
        v, _, where = set_by.pop("default")
        if GoVersion.try_parse(v.removeprefix("go")):
            base, base_from = v.removeprefix("go"), f"default={v} at {where}"
    lang = GoVersion.try_parse(base)
    minor = lang.minor if lang and lang.major == 1 else None
    table = load_table(facts)
    defaults = {s.name: s for s in table.settings if minor is not None and minor < s.changed}
    entries = []
    for pair in filter(None, actual.split(",")):
        k, _, v = pair.partition("=")
        if k in set_by and set_by[k][0] == v:
            _, origin, where = set_by[k]
            s = defaults.get(k)
            detail = (f"overrides the go {base} default {k}={s.old}" if s and s.old != v
                      else "set explicitly")
        elif k in defaults and defaults[k].old == v:
            s = defaults[k]
            origin, where = "go-line", base_from
            detail = f"go {base} is below go1.{s.changed}, where {s.package} changed it"
        else:
            origin, where = "unexplained", ""
            detail = "no go line, godebug line or directive sets it"
        entries.append(Entry(k, v, origin, where, detail))
    # load.defaultGODEBUG skips a directive ParseGoDebug refuses (go1.27.3: a removed
    # setting's old value) without an error; go build then fails on it.
    shown = {(e.key, e.value) for e in entries}
    ignored = tuple(Entry(k, v, origin, where, "not in go list's DefaultGODEBUG: go build "
                          "refuses it (unknown setting, or a removed one's old value)")
                    for k, (v, origin, where) in set_by.items() if (k, v) not in shown)
    return ShowReport(str(pkg_dir), pkg.get("ImportPath", ""), actual,
                      str(lang.lang) if lang else base, base_from, workspace, tuple(entries),
                      ignored)
