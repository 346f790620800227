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
from typing import TYPE_CHECKING

from goarchlab.errors import GoarchlabError
from goarchlab.host.model import Host
from goarchlab.outcome import RunnerKind
from goarchlab.targets import Runner, Target
from goarchlab.targets import runner_for as _targets_runner_for
from goarchlab.targets import translator_hint as _targets_hint

if TYPE_CHECKING:
    from goarchlab.toolchains.api import Go


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


def default_toolchains(env: Mapping[str, str], cwd: Path, home: Path,
                       notify: Callable[[str], None] = lambda msg: None
                       ) -> Callable[[str | None, str, str], Go]:
    """``(version or None, goos, goarch) -> Go`` backed by goarchlab.toolchains.api:
    installed, or installed on demand.

    The default version (None) is the toolchain goarchlab resolves for ``cwd``
    (``.go-version``, go.mod ...; ``toolchains.api.select_go``: a pinned version
    that is not installed stops the run, unless GOARCHLAB_INSTALL_MISSING=1),
    else the ``go`` on PATH; which one and why goes to ``notify``.
    A toolchain for another platform (the build suite's translated go) is the same
    version installed for that platform.
    """
    from goarchlab.toolchains.api import for_platform, install_missing_from, select_go

    genv = {**env, "GOARCHLAB_HOME": str(home)}
    cache: dict[tuple[str | None, str, str], Go] = {}

    def native(version: str | None) -> Go:
        if version:
            return select_go(version, cwd, genv, notify)
        go = select_go(None, cwd, genv, notify, install_missing=install_missing_from(env))
        notify(go.line())
        return go

    def provide(version: str | None, goos: str, goarch: str) -> Go:
        key = (version, goos, goarch)
        if key not in cache:
            cache[key] = for_platform(native(version), goos, goarch, home=home, env=env,
                                      notify=notify)
        return cache[key]

    return provide
