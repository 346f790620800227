"""The go that really runs and the toolchain it uses, asked with ``GOTOOLCHAIN=local``.

Many checks compare against "the active toolchain": the go that wins on PATH (or
the one a shim in front of it runs). Asking it with the audited environment could
make it switch to (and download) another toolchain when a go.mod asks for a newer
Go, so it is asked with GOTOOLCHAIN=local (Context.go_env); the effective
GOTOOLCHAIN is read from where the go command reads it
(goarchlab.doctor.facts.setting: the shell, the go env file, ``$GOROOT/go.env``),
as the goenv.toolchain check does, without another go command.

When ``go env`` answered with a Go release, :class:`LocalGo` holds the one
toolchain handle, :class:`goarchlab.toolchains.api.Go`; when it could not (a go
for another platform, a devel build, a broken go), it still says which GOROOT
and release the go uses, from the go's path and ``$GOROOT/VERSION``, so the
GODEBUG, cgo and GOTOOLCHAIN checks still work.

toolchains.api is imported at module level: this module is loaded with the check
modules, after Context.prefetch started ``go env`` (goarchlab.doctor.runner), and
checks_toolchains loads the toolchains package in that same step anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goarchlab.doctor import facts
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import CheckSkipped
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion, read_version_file
from goarchlab.targets import Target
from goarchlab.toolchains.api import Go


@dataclass(frozen=True)
class LocalGo:
    """The go that really runs (Context.active_go) and the toolchain it uses.

    ``goroot``: the GOROOT it uses (``go env``'s; without ``go env``, the root its
    path implies). ``name``: the release that GOROOT holds, as printed (``go1.27.3``;
    its VERSION file wins over GOVERSION, since with GOROOT pointing elsewhere the
    standard library and its GODEBUG table are the GOROOT's; "" when unknown).
    ``version``: ``name`` parsed, None for a devel build. ``probed``: the toolchain
    handle built from ``go env`` (the go binary, GOROOT, the environment doctor runs
    it in, GOVERSION: the go command's own release, GOHOSTOS/GOHOSTARCH), None when
    ``go env`` could not run or its GOVERSION is no release. ``gomod``, ``gowork``,
    ``gobin``, ``gopath``: as ``go env`` reports them ("" when unset or not probed).
    ``gotoolchain``: the effective GOTOOLCHAIN setting (``local`` when unset), "" when
    it cannot be read.
    """

    goroot: Path
    name: str
    version: GoVersion | None
    probed: Go | None = None
    gomod: str = ""
    gowork: str = ""
    gobin: str = ""
    gopath: str = ""
    gotoolchain: str = ""


def toolchain(ctx: Context) -> LocalGo:
    """The active go and its toolchain (memoised); CheckSkipped when not even its GOROOT
    is known (no usable go, or one whose root cannot be told)."""
    return ctx.memo("toolchain", lambda: _toolchain(ctx))


def local_go(ctx: Context) -> LocalGo | None:
    """:func:`toolchain` when ``go env`` probed the go (``probed`` set) and its GOTOOLCHAIN
    setting is known; None otherwise (the path checks report why)."""
    try:
        lg = toolchain(ctx)
    except (GoarchlabError, CheckSkipped):
        return None
    return lg if lg.probed is not None and lg.gotoolchain else None


def _toolchain(ctx: Context) -> LocalGo:
    root = facts.goroot(ctx)
    env = facts.try_go_env(ctx)
    if env and env.get("GOROOT"):
        name = env.get("GOVERSION", "")
        vfile = read_version_file(root)
        if vfile and vfile != name:
            name = vfile
    else:
        env = None
        name = read_version_file(root) or facts.active(ctx).version or ""
    try:
        # Unset or empty, select.go runs the local go: the same as "local".
        gotoolchain = facts.setting(ctx, "GOTOOLCHAIN", default_from_go_env=False).value
        gotoolchain = gotoolchain or "local"
    except (GoarchlabError, CheckSkipped):
        gotoolchain = ""
    if env is None:
        return LocalGo(root, name, GoVersion.try_parse(name), gotoolchain=gotoolchain)
    return LocalGo(root, name, GoVersion.try_parse(name), _probed(ctx, env),
                   env.get("GOMOD", ""), env.get("GOWORK", ""), env.get("GOBIN", ""),
                   env.get("GOPATH", ""), gotoolchain)


def _probed(ctx: Context, env: dict[str, str]) -> Go | None:
    """The handle of the active go from its ``go env`` answer ``env``; None when its
    GOVERSION is no release (a devel build)."""
    g = ctx.active_go()
    v = GoVersion.try_parse(str(env.get("GOVERSION", "")).split(" ")[0])
    if g is None or v is None:
        return None
    if g.shim is None:
        reason, source = "the go on PATH", "path"
    else:
        reason = f"run by the {g.via} {g.shim}"
        source = "managed" if g.via == "goarchlab shim" else "path"
    return Go(g.path, Path(env["GOROOT"]), ctx.go_command_env(), v,
              Target(env.get("GOHOSTOS", ""), env.get("GOHOSTARCH", "")), reason, source)
