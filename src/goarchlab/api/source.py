"""The two sides of an API comparison, as directories holding a module.

A side is a git ref of the module in the current directory (extracted with
``git archive``, which leaves the repository and its worktrees untouched), the
working tree itself (``.``), or ``module@version`` fetched through the Go
module proxy (``go mod download``) and copied out of the read-only module cache.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.api.tool import tool_env
from goarchlab.archive.extract import extract_tar
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.failure import summary
from goarchlab.gocmd.jsonstream import iter_objects

GIT_TIMEOUT = 120.0
DOWNLOAD_TIMEOUT = 600.0
_SEMVER_RX = re.compile(r"^v(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_MODULE_RX = re.compile(r"^\s*module\s+\"?([^\s\"]+)\"?", re.M)


@dataclass(frozen=True)
class Side:
    """One side: ``spec`` as given, ``module`` path, ``dir`` holding its go.mod,
    ``version`` the semver it names ("" for a non-version ref like HEAD)."""

    spec: str
    module: str
    dir: Path
    version: str


def semver(v: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) of a semantic version ``vX.Y.Z[-pre][+build]``, else None."""
    m = _SEMVER_RX.match(v)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def module_path(dir: Path) -> str:
    """The module path declared by ``dir/go.mod``; GoarchlabError when there is none."""
    try:
        m = _MODULE_RX.search((dir / "go.mod").read_text("utf-8", "replace"))
    except OSError:
        m = None
    if not m:
        raise GoarchlabError(f"no module declared in {dir / 'go.mod'}",
                             "goarchlab api compares Go modules")
    return m[1]


def _git(args: list[str], cwd: Path, env: Mapping[str, str], binary: bool = False):
    r = proc.run(["git", *args], env=env, timeout=GIT_TIMEOUT, cwd=cwd, binary=binary)
    if not r.ok:
        raise GoarchlabError(f"git {args[0]} failed: {summary(r.stderr, empty='no output')}",
                             "is this a git repository, and does the ref exist?")
    return r


def from_git(ref: str, cwd: Path, dest: Path, env: Mapping[str, str]) -> Side:
    """Extract ``ref`` of the module around ``cwd`` into ``dest``."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd, env).stdout.strip())
    mod_root = _find_mod_root(cwd)
    rel = os.path.relpath(mod_root, top)
    commit = proc.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                      env=env, timeout=GIT_TIMEOUT, cwd=cwd)
    if not commit.ok:
        raise UsageError(f"{ref!r} is not a commit of the repository at {top}",
                         "give a tag, branch or commit (git log --oneline), '.' for the "
                         "working tree, or module@version")
    sha = commit.stdout.strip()
    r = _git(["archive", "--format=tar", sha, *([] if rel == "." else ["--", rel])], top, env,
             binary=True)
    with tarfile.open(fileobj=io.BytesIO(r.stdout.encode("latin-1")), mode="r:") as tf:
        # The toolchain installer's planner: every name and link checked against the
        # whole tree before anything is written (no tarfile filter needed).
        extract_tar(tf, dest, f"git archive of {ref}", prefix="",
                    hint="the commit holds a path goarchlab will not write (a link "
                         "leaving the module, say); nothing was extracted")
    d = dest / rel
    if not (d / "go.mod").is_file():
        raise GoarchlabError(f"{ref} has no {Path(rel) / 'go.mod'}",
                             "the module did not exist at that ref")
    tag = ref if semver(ref) else _tag_of(sha, cwd, env, rel)
    return Side(ref, module_path(d), d, tag)


def _tag_of(sha: str, cwd: Path, env: Mapping[str, str], rel: str) -> str:
    """A semver tag on commit ``sha`` (``sub/dir/vX.Y.Z`` for a module in a subdirectory)."""
    r = proc.run(["git", "tag", "--points-at", sha], env=env, timeout=GIT_TIMEOUT, cwd=cwd)
    prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
    for t in r.stdout.split():
        if t.startswith(prefix) and semver(t[len(prefix):]):
            return t[len(prefix):]
    return ""


def _find_mod_root(cwd: Path) -> Path:
    for d in (cwd, *cwd.parents):
        if (d / "go.mod").is_file():
            return d
    raise GoarchlabError(f"{cwd} is not inside a Go module", "run goarchlab api in a module")


def worktree(cwd: Path) -> Side:
    """The working tree as it is (uncommitted changes included)."""
    d = _find_mod_root(cwd)
    return Side(".", module_path(d), d, "")


def from_proxy(spec: str, go: Path, env: Mapping[str, str], dest: Path) -> Side:
    """``module@version`` through ``go mod download``, copied to a writable ``dest``."""
    mod, _, ver = spec.partition("@")
    if not mod or not ver:
        raise UsageError(f"{spec!r} is not module@version", "e.g. github.com/spf13/cobra@v1.8.1")
    r = proc.run([str(go), "mod", "download", "-json", spec], env=tool_env(env),
                 timeout=DOWNLOAD_TIMEOUT, cwd=dest.parent)
    info = next(iter_objects(r.stdout, what="go mod download -json output"), {}) \
        if r.stdout.strip() else {}
    if not r.ok or not info.get("Dir"):
        why = info.get("Error") or summary(r.stderr or r.stdout, empty="no output")
        raise GoarchlabError(f"cannot download {spec}: {why}",
                             "check the module path and version (go list -m -versions MODULE)")
    shutil.copytree(info["Dir"], dest, symlinks=True)
    for p in (dest, *dest.rglob("*")):  # the module cache is read-only
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | stat.S_IWUSR)
    return Side(spec, mod, dest, info.get("Version", ver))


def materialise(spec: str, cwd: Path, go: Path, env: Mapping[str, str], dest: Path) -> Side:
    """``spec`` as a directory under ``dest`` (which must not exist yet, except for ``.``)."""
    if spec == ".":
        return worktree(cwd)
    if "@" in spec:
        return from_proxy(spec, go, env, dest)
    dest.mkdir(parents=True)
    return from_git(spec, cwd, dest, env)
