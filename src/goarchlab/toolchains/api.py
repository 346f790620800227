"""What other goarchlab commands call to get and run a Go toolchain.

``ensure`` resolves (and, if needed, installs) the toolchain for a directory;
``go_environ`` builds the environment to run it in; ``select_go`` does both
for a command's ``--go`` and says why (:class:`ToolchainUsed`, in the reports).
Every go command goarchlab runs has ``GOTOOLCHAIN=local``, the go on PATH
included, whatever the user set: with ``auto`` (the default in the toolchains'
go.env) or a version, go would download and run another toolchain when go.mod
asks for a newer one, and the Go that built or was measured would not be the
chosen one. ``local`` makes go ignore a toolchain line and stop on a go line
newer than itself (checked with go1.27.3: ``go.mod requires go >= 1.99
(running go 1.27.3; GOTOOLCHAIN=local)``). Only ``toolchain exec`` and the
shims, which run the user's own command, keep a GOTOOLCHAIN the user set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains import hostplat, resolve
from goarchlab.toolchains.model import Toolchain, goarchlab_home
from goarchlab.toolchains.runenv import go_environ
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
    # Without this, install_spec would turn a typo (".go-version: 1.22.x") into
    # an install of the latest Go.
    if (err := choice.error()) is not None:
        raise err
    if choice.system:
        raise GoarchlabError(f"{choice.where} asks for system (the go on PATH), not a "
                             "toolchain goarchlab manages", "run go from PATH")
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


#: Set to 1/true/yes to let xbuild, deps, api, matrix and bench install a pinned
#: version that is missing (the same as their ``--install-missing``).
INSTALL_ENV = "GOARCHLAB_INSTALL_MISSING"


@dataclass(frozen=True)
class ToolchainUsed:
    """Which Go a command ran, and why: the ``toolchain`` object of its report.

    ``version``: ``go1.27.3``; ``goroot``: its GOROOT; ``reason``: what chose it
    (``.go-version:1 asks 1.22.10``, ``--go 1.27``, ``go on PATH (nothing pinned)``);
    ``source``: ``managed`` (installed by goarchlab) or ``path`` (the go on PATH);
    ``gotoolchain``: the GOTOOLCHAIN it ran with (always ``local``: go never
    switches to, or downloads, another toolchain behind goarchlab's back).
    """

    version: str
    goroot: str
    reason: str
    source: str
    gotoolchain: str = "local"

    def line(self) -> str:
        """One line for human output: ``go1.27.3 (GOROOT ...): REASON``."""
        return f"toolchain: {self.version} ({self.goroot}) - {self.reason}"


@dataclass(frozen=True)
class GoRun:
    """The go binary a command runs, its environment, and :class:`ToolchainUsed`.
    ``toolchain``: the managed Toolchain, None for the go on PATH."""

    go: Path
    env: dict[str, str]
    used: ToolchainUsed
    toolchain: Toolchain | None


def install_missing_from(env: Mapping[str, str], flag: bool = False) -> bool:
    """True when ``flag`` (``--install-missing``) is given or GOARCHLAB_INSTALL_MISSING
    is 1/true/yes in ``env``."""
    return flag or env.get(INSTALL_ENV, "").strip().lower() in ("1", "true", "yes")


def _short(choice: resolve.Choice, cwd: Path) -> str:
    """``.go-version:1`` (relative to cwd when below it) or ``GOARCHLAB_GO_VERSION``."""
    if choice.file is None:
        return choice.where
    try:
        name = str(choice.file.relative_to(cwd.resolve()))
    except ValueError:
        name = str(choice.file)
    return f"{name}:{choice.line}" if choice.line else name


def _asks(choice: resolve.Choice, cwd: Path) -> str:
    what = f"go >= {choice.value}" if choice.minimum else choice.value
    return f"{_short(choice, cwd)} asks {what}"


def select_go(
    spec: str | None, cwd: Path, env: Mapping[str, str], notify: Notify = _quiet,
    *, install_missing: bool = False, flag: str = "--go",
) -> GoRun:
    """The go a command runs, its environment, and why (see docs/toolchain.md).

    ``spec`` (a ``--go`` value) is used, installed if missing (naming it is
    consent). Without it: the toolchain ``cwd`` resolves to. A pinned version
    (GOARCHLAB_GO_VERSION, .go-version, .tool-versions, a go.work/go.mod toolchain
    line, the global choice) that is not installed stops with exit 3 naming the
    pin and the install command, unless ``install_missing`` (then it is
    installed, with a message). ``system``, a go line no installed toolchain
    meets, or nothing pinned and nothing installed: the go on PATH. Every
    environment has GOTOOLCHAIN=local. UsageError for a value that is no Go.
    """
    if spec:
        tc = ensure(spec, cwd=cwd, env=env, notify=notify)
        return _managed(tc, env, f"{flag} {spec}")
    home = goarchlab_home(env)
    installed = Store(home, hostplat.native()).native_installed()
    choice, tc = resolve.resolve(cwd, env, home, installed)
    if (err := choice.error()) is not None:
        raise err
    if tc is not None:
        why = ("newest installed (nothing pinned)" if choice.origin == "newest installed"
               else _asks(choice, cwd))
        return _managed(tc, env, why)
    if choice.system:
        return _on_path(env, home, f"{_short(choice, cwd)} asks system: the go on PATH")
    target = install_spec(choice)
    if choice.pinned or (choice.minimum and install_missing):
        if not install_missing:
            raise GoarchlabError(
                f"Go {choice.value} pinned by {choice.where} is not installed "
                "(goarchlab does not run another Go in its place)",
                f"goarchlab toolchain install {target}, or rerun with --install-missing "
                f"({INSTALL_ENV}=1)")
        tc = ensure(None, cwd=cwd, env=env, notify=notify, install_missing=True)
        return _managed(tc, env, f"{_asks(choice, cwd)} (installed now: --install-missing)")
    if choice.minimum:
        # A go line is a minimum the go command enforces itself: with GOTOOLCHAIN=local
        # an older go on PATH stops with "go.mod requires go >= ...", never downloads.
        have = ", ".join(str(t.version) for t in installed) or "none"
        return _on_path(env, home, f"go on PATH ({_asks(choice, cwd)}; no installed "
                        "toolchain meets it)", choice, have)
    return _on_path(env, home, "go on PATH (nothing pinned, none installed by goarchlab)")


def _managed(tc: Toolchain, env: Mapping[str, str], reason: str) -> GoRun:
    return GoRun(tc.go, go_environ(tc, env),
                 ToolchainUsed(str(tc.version), str(tc.goroot), reason, "managed"), tc)


def _on_path(env: Mapping[str, str], home: Path, reason: str,
             choice: resolve.Choice | None = None, have: str = "") -> GoRun:
    go = go_on_path(env, skip=home / "shims", choice=choice, have=have)
    run_env = dict(env)
    run_env["GOTOOLCHAIN"] = "local"
    goroot = go.resolve().parent.parent
    try:
        version = (goroot / "VERSION").read_text().split()[0]
    except (OSError, IndexError):
        version = "unknown (no VERSION file in its GOROOT)"
    return GoRun(go, run_env, ToolchainUsed(version, str(goroot), reason, "path"), None)


def go_for_command(
    spec: str | None, cwd: Path, env: Mapping[str, str], notify: Notify = _quiet
) -> tuple[Path, dict[str, str]]:
    """:func:`select_go`'s go and environment (for callers that need no reason)."""
    r = select_go(spec, cwd, env, notify, install_missing=install_missing_from(env))
    return r.go, r.env


def installed_for(cwd: Path, env: Mapping[str, str], home: Path | None = None) -> Toolchain | None:
    """The installed toolchain ``cwd`` resolves to, or None when it is not installed.
    Raises UsageError when the directory asks for something that is not a Go version."""
    try:
        return ensure(None, home=home, cwd=cwd, env=env, install_missing=False)
    except UsageError:
        raise
    except GoarchlabError:
        return None


def go_on_path(env: Mapping[str, str], skip: Path | None = None,
               choice: resolve.Choice | None = None, have: str = "") -> Path:
    """The first ``go`` on ``env``'s PATH, not in ``skip`` (goarchlab's shim directory,
    which would come back here); GoarchlabError offering an install when there is none."""
    import shutil

    dirs = [d for d in env.get("PATH", os.defpath).split(os.pathsep)
            if d and (skip is None or Path(d) != skip)]
    found = shutil.which("go", path=os.pathsep.join(dirs)) if dirs else None
    if found is None:
        if choice is not None:
            raise GoarchlabError(
                f"no Go toolchain for Go >= {choice.value} (asked by {choice.where}): "
                f"no go on PATH, and of those installed by goarchlab ({have}) none is new "
                "enough",
                f"goarchlab toolchain install {install_spec(choice)}, or rerun with "
                "--install-missing")
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
