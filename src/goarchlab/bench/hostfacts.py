"""The host, runner and toolchain facts the bench engine needs, in one place.

The engine asks three questions: what is this machine (``goarchlab.host``),
how does a binary for a target run here (``goarchlab.targets``), and which Go
toolchain serves a version and platform (``goarchlab.toolchains``). Those
packages own the answers; this module adapts them to the engine: a runner
lookup that returns None instead of raising. A runner's printable name is
``targets.Runner.label``, the same in every command.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from goarchlab.errors import GoarchlabError
from goarchlab.host.model import Host
from goarchlab.outcome import RunnerKind
from goarchlab.targets import Runner, Target
from goarchlab.targets import runner_for as _targets_runner_for
from goarchlab.targets import translator_hint as _targets_hint
from goarchlab.toolchains.model import Toolchain


def native_runner(host: Host) -> Runner:
    """The runner of the host's own platform."""
    return Runner(RunnerKind.NATIVE, (), Target(host.os, host.native_arch))


def runner_for(goos: str, goarch: str, host: Host, custom: str | None = None) -> Runner | None:
    """The runner ``goarchlab.targets`` picks for goos/goarch on ``host``, or None when
    such binaries cannot run here. ``custom``: a user-given command (``runner=CMD``)."""
    try:
        return _targets_runner_for(Target(goos, goarch), host, custom)
    except GoarchlabError:
        if custom is not None:
            raise
        return None


def translator_hint(host: Host, goarch: str) -> str:
    """How to get a translator for ``goarch`` on this host (one sentence)."""
    return _targets_hint(host, goarch)


#: ``(version or None, goos, goarch) -> Toolchain``; None asks for the default toolchain.
ToolchainProvider = Callable[[str | None, str, str], Toolchain]


def default_toolchains(env: Mapping[str, str], cwd: Path, home: Path,
                       notify: Callable[[str], None] = lambda msg: None) -> ToolchainProvider:
    """A provider backed by goarchlab.toolchains: installed, or installed on demand.

    The default version (None) is the toolchain goarchlab resolves for ``cwd``
    (``.go-version``, go.mod ...; ``toolchains.api.select_go``: a pinned version
    that is not installed stops the run, unless GOARCHLAB_INSTALL_MISSING=1),
    else the ``go`` on PATH; which one and why goes to ``notify``.
    A toolchain for another platform (the build suite's translated go) is the same
    version installed for that platform.
    """
    from goarchlab import toolchains
    from goarchlab.toolchains.api import install_missing_from, select_go
    from goarchlab.toolchains.install import install

    cache: dict[tuple[str | None, str, str], Toolchain] = {}

    def native(version: str | None) -> Toolchain:
        if version:
            return toolchains.ensure(version, home=home, cwd=cwd, env=env, notify=notify)
        run = select_go(None, cwd, {**env, "GOARCHLAB_HOME": str(home)}, notify,
                        install_missing=install_missing_from(env))
        notify(run.used.line())
        return run.toolchain or _go_on_path(run.env)

    def provide(version: str | None, goos: str, goarch: str) -> Toolchain:
        key = (version, goos, goarch)
        if key not in cache:
            tc = native(version)
            if (goos, goarch) != (tc.goos, tc.goarch):
                tc = install(str(tc.version).removeprefix("go"), home=home, goos=goos,
                             goarch=goarch, env=dict(env), notify=notify).toolchain
            cache[key] = tc
        return cache[key]

    return provide


def _go_on_path(env: Mapping[str, str]) -> Toolchain:
    """The go on PATH described as a Toolchain (its go env), source ``path``."""
    from goarchlab.gocmd.env import go_env
    from goarchlab.toolchains.api import go_on_path

    e = go_env(go_on_path(env), env, keys=("GOVERSION", "GOROOT", "GOHOSTOS", "GOHOSTARCH"))
    from goarchlab.gocmd.version import GoVersion

    return Toolchain(GoVersion.parse(e["GOVERSION"].split()[0].split("-")[0]),
                     Path(e["GOROOT"]), e["GOHOSTOS"], e["GOHOSTARCH"], "path")
