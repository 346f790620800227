"""cgo for cross builds: decide per target before building, never blindly.

Whether the go command enables cgo for a cross build (cmd/go/internal/cfg,
``ctxt.CgoEnabled``) never depends on the target's GOOS/GOARCH: CGO_ENABLED
from the environment or the go env file wins; else go1.22.10 disables cgo
for every cross build, and go1.27.3 enables it only when the toolchain was
built with CGO_ENABLED=1 (``buildcfg.DefaultCGO_ENABLED``; the official
downloads leave it unset, so cgo is off). The C-compiler lookup of Go 1.20+
applies to the host's own platform only (both sources checked). So one ``go env`` of any foreign
platform answers for all foreign targets. With cgo on, a foreign target needs
a C compiler *for that target* (``go env CC``: the CC environment variable,
else the default baked into the toolchain by cmd/dist,
cmd/go/internal/cfg/zdefaultcc.go). When that compiler targets another
platform and the package really pulls in cgo code for the target, the build
cannot succeed: the target is reported as skipped with the reason instead of
producing a C compiler's wall of errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.host.archmap import triple_platform
from goarchlab.targets import split_exec
from goarchlab.xbuild.query import QUERY_TIMEOUT as QUERY_TIMEOUT
from goarchlab.xbuild.query import go_env_values as go_env_values


def cc_platform(cc: str, env: Mapping[str, str]) -> tuple[str, tuple[str | None, str | None]]:
    """Ask the C compiler ``cc`` (a command line, split as cmd/go splits CC:
    cmd/internal/quoted.Split) for its triple: (triple, (goos, goarch)).

    Returns ("", (None, None)) when it is missing or does not answer.
    """
    try:
        argv = split_exec(cc)
        if not argv:
            return "", (None, None)
        r = proc.run([*argv, "-dumpmachine"], env=env, timeout=QUERY_TIMEOUT)
    except GoarchlabError:
        return "", (None, None)
    triple = r.stdout.strip() if r.ok else ""
    return triple, triple_platform(triple) if triple else (None, None)


def cgo_packages(go: Path, env: Mapping[str, str], pattern: str, cwd: Path) -> tuple[str, ...]:
    """Import paths among ``pattern``'s dependencies that have cgo files under ``env``.

    ``env`` should set CGO_ENABLED=1 (with cgo off, cgo files are excluded).
    Standard-library packages count too: with cgo on, ``net`` and ``os/user``
    use their cgo files and link runtime/cgo. Errors yield an empty tuple: the
    build itself then reports the real problem.
    """
    fmt = "{{if .CgoFiles}}{{.ImportPath}}{{end}}"
    r = proc.run([str(go), "list", "-e", "-deps", "-f", fmt, pattern], env=env,
                 timeout=QUERY_TIMEOUT, cwd=cwd)
    if not r.ok:
        return ()
    return tuple(line for line in r.stdout.split() if line)


@dataclass(frozen=True)
class CgoDecision:
    """How one target is built with respect to cgo.

    ``enabled``: ``"0"`` or ``"1"``, what the go command does for the target
    (``go env CGO_ENABLED``). ``cc``: ``go env CC`` for the target and
    ``cc_triple`` what it answered to ``-dumpmachine`` (both asked only when cgo
    is on for a foreign target). ``skip``: why the target must not be
    attempted, else None.
    """

    enabled: str
    cc: str
    cc_triple: str
    skip: str | None


def foreign_to(host: tuple[str, str]) -> tuple[str, str]:
    """A GOOS/GOARCH other than ``host``: linux/arm64 for linux/amd64, else linux/amd64."""
    return ("linux", "arm64") if host == ("linux", "amd64") else ("linux", "amd64")


def cross_default(go: Path, env: Mapping[str, str], host: tuple[str, str], cwd: Path) -> str:
    """CGO_ENABLED (``"0"``/``"1"``) the go command uses for every cross build under
    ``env`` (the same for all foreign GOOS/GOARCH, see the module docstring),
    asked of one platform other than ``host``."""
    return cgo_enabled_for(go, env, foreign_to(host), cwd)


def cgo_enabled_for(go: Path, env: Mapping[str, str], plat: tuple[str, str], cwd: Path) -> str:
    """CGO_ENABLED (``"0"``/``"1"``) ``go env`` gives for GOOS/GOARCH ``plat`` under ``env``."""
    goos, goarch = plat
    vals = go_env_values(go, {**env, "GOOS": goos, "GOARCH": goarch}, ["CGO_ENABLED"], cwd)
    return vals.get("CGO_ENABLED", "0") or "0"


def decide(
    go: Path,
    env: Mapping[str, str],
    target_platform: tuple[str, str],
    host_platform: tuple[str, str],
    pattern: str,
    cwd: Path,
    enabled: str,
) -> CgoDecision:
    """Decide cgo for a build of ``pattern`` under ``env`` (the target's environment).

    ``enabled``: CGO_ENABLED the go command will use for the target (from
    :func:`cross_default` or the host's ``go env``). Only a foreign target with
    cgo on costs queries: its ``go env CC``, that compiler's triple, and
    ``go list -deps`` to see whether cgo code is really pulled in.
    """
    if enabled != "1" or target_platform == host_platform:
        return CgoDecision(enabled, "", "", None)
    cc = go_env_values(go, env, ["CC"], cwd).get("CC", "")
    triple, plat = cc_platform(cc, env)
    if plat == target_platform:
        return CgoDecision(enabled, cc, triple, None)
    users = cgo_packages(go, env, pattern, cwd)
    if not users:
        return CgoDecision(enabled, cc, triple, None)
    goos, goarch = target_platform
    # Name the user's own cgo package rather than runtime/cgo, which go list lists first.
    users = tuple(sorted(users, key=lambda u: "." not in u.split("/")[0]))
    what = f"targets {triple}" if triple else "does not answer -dumpmachine"
    return CgoDecision(
        enabled, cc, triple,
        f"cgo is on and {users[0]} needs it, but the C compiler ({cc or 'none'}) {what}, "
        f"not {goos}/{goarch}: set CC to a cross compiler for it, or build "
        "with --cgo 0 if the package has a pure-Go fallback",
    )
