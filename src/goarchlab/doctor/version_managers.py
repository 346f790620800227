"""Other version managers' shims on PATH (goenv, asdf, mise): what they really run.

A version manager puts a ``shims`` directory first on PATH; its ``go`` is a
small program that picks a Go version and execs it. doctor judges the Go it
picks, not the shim, by asking the manager the way its users do
(``goenv which go``, ``asdf which go``, ``mise which go``) through
goarchlab.proc, in the audited directory and environment.

How each shim is recognised and what it changes (read from the managers' sources):

* goenv (github.com/go-nv/goenv): ``goenv rehash`` writes every shim from one
  bash prototype that ends ``exec "<path of goenv>" exec "$program" "$@"``
  (libexec/goenv-rehash); ``goenv exec`` exports ``GOROOT=$(goenv prefix)``
  unless ``GOENV_DISABLE_GOROOT=1`` (libexec/goenv-exec), and ``goenv init``
  exports it in the shell too (libexec/goenv-init). Its root is
  ``$GOENV_ROOT`` (default ``~/.goenv``).
* asdf (github.com/asdf-vm/asdf): shims are scripts that run ``asdf exec``;
  its root is ``$ASDF_DATA_DIR`` (default ``~/.asdf``).
* mise (github.com/jdx/mise): shims are symbolic links to the ``mise`` binary
  in ``$MISE_DATA_DIR/shims`` (default ``~/.local/share/mise/shims``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The goenv prototype shim's last line, with the goenv path it was written with.
_GOENV_EXEC = re.compile(r'^exec "([^"\n]+)" exec "\$program"', re.M)
_ASDF_EXEC = re.compile(r"^exec (\S*asdf) exec ", re.M)


@dataclass(frozen=True)
class ManagerShim:
    """A version manager's ``go`` shim: ``name`` (goenv, asdf, mise), the ``shim``
    path, the manager program ``manager`` to ask, and its ``root``."""

    name: str
    shim: Path
    manager: Path | None
    root: Path | None

    def which_argv(self) -> tuple[str, ...] | None:
        """The command that prints the go this shim runs (``goenv which go``)."""
        return (str(self.manager), "which", "go") if self.manager else None


def _home(env: Mapping[str, str]) -> Path | None:
    return Path(env["HOME"]) if env.get("HOME") else None


def _on_path(name: str, env: Mapping[str, str]) -> Path | None:
    for d in env.get("PATH", "").split(os.pathsep):
        p = Path(d) / name
        if d and p.is_file() and os.access(p, os.X_OK):
            return p
    return None


def _head(path: Path, n: int = 4096) -> str:
    try:
        with path.open("rb") as f:
            return f.read(n).decode("utf-8", "replace")
    except OSError:
        return ""


def goenv_root(env: Mapping[str, str]) -> Path | None:
    """``$GOENV_ROOT``, else ``~/.goenv`` (goenv's own default), None without HOME."""
    if env.get("GOENV_ROOT"):
        return Path(env["GOENV_ROOT"])
    h = _home(env)
    return h / ".goenv" if h else None


def recognise(path: Path, resolved: Path | None, env: Mapping[str, str]) -> ManagerShim | None:
    """The version manager whose shim ``path`` is, or None for anything else."""
    if resolved is not None and resolved.name == "mise" and path.name == "go":
        return ManagerShim("mise", path, resolved, path.parent.parent)
    text = _head(resolved or path) if (resolved or path).is_file() else ""
    if not text.startswith("#!"):
        return None
    m = _GOENV_EXEC.search(text)
    if m or "goenv exec" in text:
        mgr = Path(m[1]) if m else _on_path("goenv", env)
        root = goenv_root(env)
        return ManagerShim("goenv", path, mgr, root)
    m = _ASDF_EXEC.search(text)
    if m or "asdf exec" in text:
        mgr = Path(m[1]) if m and "/" in m[1] else _on_path("asdf", env)
        data = env.get("ASDF_DATA_DIR")
        root = Path(data) if data else ((_home(env) or Path("~")) / ".asdf")
        return ManagerShim("asdf", path, mgr, root)
    return None


def goroot_override(shim: ManagerShim, go: Path, env: Mapping[str, str]) -> str | None:
    """The GOROOT the manager exports for the go it runs, or None when it leaves GOROOT
    alone. goenv: ``$(goenv prefix)``, the version's directory (the parent of
    ``bin/go``), unless GOENV_DISABLE_GOROOT=1 (libexec/goenv-exec)."""
    if shim.name != "goenv" or env.get("GOENV_DISABLE_GOROOT") == "1":
        return None
    if shim.root is not None and go.parent.parent.parent == shim.root / "versions":
        return str(go.parent.parent)
    return None
