"""What an xbuild run builds: the toolchain, the main package, the targets."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.distlist import DistTarget
from goarchlab.gocmd.failure import summary
from goarchlab.gocmd.levels import validate_level
from goarchlab.gocmd.version import GoVersion
from goarchlab.targets import Target, parse_list
from goarchlab.xbuild.cgo import go_env_values

#: Seconds allowed for ``go list`` of the main package (may download modules).
LIST_TIMEOUT = 300.0


@dataclass(frozen=True)
class MainPackage:
    """The package to build: ``import_path``, its ``dir``, the main module's
    ``module_path`` and ``module_dir`` (None outside module mode), and the
    executable name the go command would give it (``exec_name``)."""

    import_path: str
    dir: Path
    module_path: str
    module_dir: Path | None
    exec_name: str


def _is_version_element(s: str) -> bool:
    # cmd/go/internal/load.isVersionElement: v2, v3, ... (not v0, v1)
    return len(s) >= 2 and s[0] == "v" and s[1:].isdigit() and s[1] != "0" and s != "v1"


def exec_name(import_path: str) -> str:
    """The default executable name of a package (cmd/go load.exeFromImportPath):
    its last path element, or the one before a major-version suffix (``foo/v2`` -> foo)."""
    parts = import_path.rstrip("/").split("/")
    if len(parts) > 1 and _is_version_element(parts[-1]):
        return parts[-2]
    return parts[-1]


def load_main_package(go: Path, env: Mapping[str, str], cwd: Path, pattern: str) -> MainPackage:
    """Ask ``go list`` for ``pattern``; it must be exactly one main package.

    Raises UsageError for a pattern that is not one main package, GoarchlabError
    with the go command's message when the package cannot be loaded.
    """
    # -find: the package alone, its imports unresolved (half the time of a plain
    # go list; this runs before the first build can start). A broken import
    # shows up in every target's build instead.
    r = proc.run([str(go), "list", "-find", "-e", "-json=ImportPath,Name,Dir,Module,Error",
                  pattern], env=env, timeout=LIST_TIMEOUT, cwd=cwd)
    if not r.ok and not r.stdout.strip():
        raise GoarchlabError(f"go list {pattern}: {summary(r.stderr or '') or 'failed'}",
                             "run 'go build' on it by hand to see the full error")
    from goarchlab.gocmd.jsonstream import iter_objects

    pkgs = list(iter_objects(r.stdout, what="go list -json output"))
    if len(pkgs) != 1:
        raise UsageError(f"{pattern} matches {len(pkgs)} packages; xbuild builds one main package",
                         "name the command's directory, e.g. ./cmd/server")
    p = pkgs[0]
    err = (p.get("Error") or {}).get("Err")
    if err and not p.get("Name"):
        raise GoarchlabError(f"go list {pattern}: {summary(err) or err}",
                             "run 'go build' on it by hand to see the full error")
    if p.get("Name") and p["Name"] != "main":
        raise UsageError(f"{p['ImportPath']} is package {p['Name']}, not a command (package main)",
                         "xbuild builds executables; name a package main")
    mod = p.get("Module") or {}
    return MainPackage(p["ImportPath"], Path(p.get("Dir") or cwd), mod.get("Path", ""),
                       Path(mod["Dir"]) if mod.get("Dir") else None, exec_name(p["ImportPath"]))


def select_targets(
    dist: tuple[DistTarget, ...], go_version: str, spec: str | None, first_class: bool,
    all_: bool,
) -> list[Target]:
    """The targets to build, in a stable order, each known to the toolchain.

    ``spec``: comma-separated ``goos/goarch[/level]``. With no selector the
    first-class ports are built. Raises UsageError naming an unknown target.
    """
    known = {d.platform: d for d in dist}
    out: list[Target] = []
    if spec:
        for t in parse_list(spec):
            plat = f"{t.goos}/{t.goarch}"
            if plat not in known:
                close = difflib.get_close_matches(plat, list(known), n=3, cutoff=0.6)
                hint = (f"did you mean {', '.join(close)}? " if close else "") + (
                    "'go tool dist list' shows every port it knows")
                raise UsageError(f"{go_version} does not know the target {plat}", hint)
            # Target.parse checked the level against every release; this one may be older.
            problem = t.level and validate_level(t.level_var, t.level,
                                                 GoVersion.try_parse(go_version))
            if problem:
                raise UsageError(f"{t}: {problem}",
                                 f"see 'go help environment' for {t.level_var}")
            out.append(t)
    if first_class or all_ or not spec:
        for d in dist:
            if all_ or d.first_class:
                out.append(Target.parse(d.platform))
    seen: set[str] = set()
    uniq = []
    for t in out:
        if str(t) not in seen:
            seen.add(str(t))
            uniq.append(t)
    return uniq


def toolchain_of(go: Path, env: Mapping[str, str], cwd: Path
                 ) -> tuple[Path, str, tuple[str, str], str]:
    """(go binary of the toolchain in use, its version, its GOHOSTOS/GOHOSTARCH,
    CGO_ENABLED for the host platform under ``env``).

    Asks ``go env``; ``env`` pins GOTOOLCHAIN=local (toolchains.api), so this is
    the go that builds, and later calls use that GOROOT's go.
    """
    v = go_env_values(go, env, ["GOROOT", "GOVERSION", "GOHOSTOS", "GOHOSTARCH", "CGO_ENABLED"],
                      cwd, timeout=LIST_TIMEOUT)
    root = Path(v["GOROOT"])
    return (root / "bin" / go.name, v["GOVERSION"], (v["GOHOSTOS"], v["GOHOSTARCH"]),
            v.get("CGO_ENABLED", "0") or "0")
