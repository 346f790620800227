"""What other goarchlab commands call to get and run a Go toolchain.

``ensure`` resolves (and, if needed, installs) the toolchain for a directory;
``go_environ`` builds the environment to run it in; ``go_for_command`` does both
for a command's ``--go``. A managed toolchain always runs with
``GOTOOLCHAIN=local`` unless the user set GOTOOLCHAIN: with ``auto`` (the
default in the toolchains' go.env) the go command would download another
toolchain when go.mod asks for a newer one, and the measured Go would not be
the chosen one. Only ``go_for_command``'s last resort, the go on the user's
PATH, runs with the user's environment unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains import hostplat, resolve
from goarchlab.toolchains.model import Toolchain, goarchlab_home
from goarchlab.toolchains.store import Store

Notify = Callable[[str], None]


def _quiet(msg: str) -> None:
    pass


def ensure(
    spec: str | None = None,
    *,
    home: Path | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    install_missing: bool = True,
    notify: Notify = _quiet,
    progress: Callable[[int, int, str], None] | None = None,
) -> Toolchain:
    """The toolchain for ``spec`` (``1.22``, ``1.22.10``, ``latest``) or, when None,
    the one ``cwd`` resolves to (see :mod:`goarchlab.toolchains.resolve`).

    A toolchain that is not installed is installed (with a message through
    ``notify``) unless ``install_missing`` is false; then, or when the install
    fails, GoarchlabError says which command installs it. A request that names
    no Go version (``1.22.x`` in a .go-version) raises UsageError.
    """
    env = os.environ if env is None else env
    home = home or goarchlab_home(env)
    cwd = cwd or Path.cwd()
    store = Store(home, hostplat.native())
    installed = store.native_installed()
    if spec is not None:
        want = None if spec.strip().lower() == "latest" else GoVersion.parse(spec)
        choice = resolve.Choice(spec, want, "argument")
        tc = resolve.select(choice, installed)
    else:
        choice, tc = resolve.resolve(cwd, env, home, installed)
    if tc is not None:
        return tc
    if choice.version is None and choice.value.lower() != "latest":
        # Without this, install_spec would turn a typo (".go-version: 1.22.x") into
        # an install of the latest Go.
        raise UsageError(
            f"{choice.value!r} (asked by {choice.where}) is not a Go version",
            "write it like 1.22, 1.22.10, go1.22.10 or latest",
        )
    target = install_spec(choice)
    why = "" if choice.origin in ("argument", "newest installed") else f" (asked by {choice.where})"
    if not install_missing:
        raise GoarchlabError(
            f"Go {choice.value}{why} is not installed",
            f"goarchlab toolchain install {target}",
        )
    from goarchlab.toolchains.install import install

    notify(f"Go {choice.value}{why} is not installed; installing {target}")
    try:
        return install(
            target, home=home, env=env, notify=notify,
            **({"progress": progress} if progress else {}),
        ).toolchain
    except GoarchlabError as e:
        raise GoarchlabError(e.message, f"goarchlab toolchain install {target}", e.code) from e


def go_for_command(
    spec: str | None, cwd: Path, env: Mapping[str, str], notify: Notify = _quiet
) -> tuple[Path, dict[str, str]]:
    """The go binary a command should run, and the environment to run it in.

    ``spec`` (a ``--go`` value) is resolved and installed if missing; without it,
    the toolchain ``cwd`` resolves to when installed, else the go on the user's
    PATH with the user's environment unchanged. Raises GoarchlabError, with
    ``goarchlab toolchain install`` as the hint, when there is none, and
    UsageError when the directory asks for something that is not a Go version.
    """
    if spec:
        tc = ensure(spec, cwd=cwd, env=env, notify=notify)
        return tc.go, go_environ(tc, env)
    tc = installed_for(cwd, env)
    if tc is not None:
        return tc.go, go_environ(tc, env)
    return go_on_path(env), dict(env)


def installed_for(cwd: Path, env: Mapping[str, str], home: Path | None = None) -> Toolchain | None:
    """The installed toolchain ``cwd`` resolves to, or None when it is not installed
    (callers then fall back to the go on PATH). Raises UsageError when the
    directory asks for something that is not a Go version: a typo is said, never
    papered over by another Go."""
    try:
        return ensure(None, home=home, cwd=cwd, env=env, install_missing=False)
    except UsageError:
        raise
    except GoarchlabError:
        return None


def go_on_path(env: Mapping[str, str]) -> Path:
    """The ``go`` on ``env``'s PATH; GoarchlabError offering an install when there is none."""
    import shutil

    found = shutil.which("go", path=env.get("PATH", os.defpath))
    if found is None:
        raise GoarchlabError(
            "no Go toolchain: none installed by goarchlab and no go on PATH",
            "goarchlab toolchain install latest (or pass --go 1.27 to install and use one)",
        )
    return Path(found)


def install_spec(choice: resolve.Choice) -> str:
    """What to install for an unmet choice: a go line's series, else the value as asked."""
    v = choice.version
    if v is None:
        return "latest"
    if choice.minimum or v.kind == "lang":
        return f"{v.major}.{v.minor}"
    return str(v).removeprefix("go")


def go_environ(tc: Toolchain, base_env: Mapping[str, str]) -> dict[str, str]:
    """``base_env`` plus what running ``tc`` needs: its bin first on PATH, GOROOT,
    and ``GOTOOLCHAIN=local`` unless the user set GOTOOLCHAIN themselves."""
    env = dict(base_env)
    env["PATH"] = os.pathsep.join([str(tc.goroot / "bin"), *filter(None, [env.get("PATH")])])
    env["GOROOT"] = str(tc.goroot)
    if not env.get("GOTOOLCHAIN"):
        env["GOTOOLCHAIN"] = "local"
    return env
