"""The go queries an xbuild run starts with: the toolchain (go env), the main package
(go list), and go env values.

Apart from the rest of goarchlab.xbuild, with light imports only, so that
:func:`goarchlab.xbuild.run` can start these go commands before it imports what
the builds and checks need (the header readers, hashing, the result types: ~45 ms
of CPU), and go answers while Python imports.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.failure import summary

#: Seconds allowed for ``go env`` / ``go list`` / ``cc -dumpmachine``.
QUERY_TIMEOUT = 60.0


def go_env_values(go: Path, env: Mapping[str, str], keys: list[str], cwd: Path,
                  timeout: float = QUERY_TIMEOUT) -> dict[str, str]:
    """``go env -json KEY...`` under ``env`` (``timeout`` in seconds); raises
    GoarchlabError with go's message."""
    r = proc.run([str(go), "env", "-json", *keys], env=env, timeout=timeout, cwd=cwd)
    if not r.ok:
        why = summary(r.stderr or r.stdout) or f"exit status {r.returncode}"
        raise GoarchlabError(f"{go} env failed: {why}",
                             "run 'go env' by hand")
    data = json.loads(r.stdout or "{}")
    return {k: str(v) for k, v in data.items()}


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


class Pending(threading.Thread):
    """One go query running on a thread of its own, started at once; :meth:`result`
    waits for it and returns its value or raises what it raised (a GoarchlabError,
    a UsageError), in the caller's thread. Daemon: a run that stops on an earlier
    error does not wait for the queries still running."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        super().__init__(name=f"xbuild-{getattr(fn, '__name__', 'query')}", daemon=True)
        self._call = (fn, args)
        self._value: Any = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        fn, args = self._call
        try:
            self._value = fn(*args)
        except BaseException as e:  # handed to the caller by result(), never dropped
            self._error = e

    def result(self) -> Any:
        """The query's value (blocks until it is there); re-raises its exception."""
        self.join()
        if self._error is not None:
            raise self._error
        return self._value
