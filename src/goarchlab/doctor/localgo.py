"""The active go's own facts, asked with ``GOTOOLCHAIN=local``.

The tools and project checks compare against "the active toolchain": the go
that wins on PATH. Asking it with the audited environment could make it switch
to (and download) another toolchain when a go.mod asks for a newer Go, so it
is asked with GOTOOLCHAIN=local; the effective GOTOOLCHAIN is read from where
the go command reads it (goarchlab.doctor.facts.setting: the shell, the go env
file, ``$GOROOT/go.env``), as the goenv.toolchain check does, without another
go command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goarchlab.doctor import facts
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import CheckSkipped
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion


@dataclass(frozen=True)
class LocalGo:
    """The active go asked with GOTOOLCHAIN=local: ``go`` (its path), ``version``,
    its own ``goos``/``goarch`` (GOHOSTOS/GOHOSTARCH), the module files ``gomod``
    and ``gowork`` ("" when none), ``gobin`` and ``gopath`` as go reports them
    ("" when unset) and the effective ``gotoolchain`` setting."""

    go: Path
    version: GoVersion
    goos: str
    goarch: str
    gomod: str
    gowork: str
    gotoolchain: str
    gobin: str = ""
    gopath: str = ""


def local_go(ctx: Context) -> LocalGo | None:
    """The active go's facts, asked in the project (or the cwd) without any toolchain
    switch; None when there is no usable go or it fails (the path checks report that)."""
    g = ctx.active_go()
    if g is None:
        return None
    try:
        # Context.go_env runs 'go env -json' with GOTOOLCHAIN=local, shared with doctor-core.
        e = ctx.go_env()
        # Unset or empty, select.go runs the local go: the same as "local".
        gotoolchain = facts.setting(ctx, "GOTOOLCHAIN", default_from_go_env=False).value
    except (GoarchlabError, CheckSkipped):
        return None
    v = GoVersion.try_parse(str(e.get("GOVERSION", "")).split(" ")[0])
    if v is None:
        return None
    return LocalGo(g.path, v, e.get("GOHOSTOS", ""), e.get("GOHOSTARCH", ""),
                   e.get("GOMOD", ""), e.get("GOWORK", ""), gotoolchain or "local",
                   e.get("GOBIN", ""), e.get("GOPATH", ""))
