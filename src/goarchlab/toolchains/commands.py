"""The ``toolchain`` subcommands as functions returning frozen results (no printing)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import EXIT_USAGE, GoarchlabError, UsageError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains import envfile, hostplat, resolve
from goarchlab.toolchains.api import ensure, go_environ, go_on_path
from goarchlab.toolchains.model import Toolchain
from goarchlab.toolchains.store import Store

Notify = Callable[[str], None]


@dataclass(frozen=True)
class Listed:
    """An installed toolchain; ``active``: the one the current directory resolves to;
    ``native``: built for this machine's native platform (takes part in resolution)."""

    toolchain: Toolchain
    active: bool
    native: bool


@dataclass(frozen=True)
class Remote:
    """A version a source offers for the platform: newest file, ``installed`` here or not."""

    version: GoVersion
    source: str
    filename: str
    size: int
    sha256: str
    installed: bool


@dataclass(frozen=True)
class ListReport:
    """``toolchain list``: ``installed`` newest first; ``remote`` only with --remote
    (None otherwise); ``platform``: goos/goarch the remote list is for."""

    SCHEMA = "goarchlab.toolchain.list/v1"
    installed: tuple[Listed, ...]
    remote: tuple[Remote, ...] | None
    platform: str
    home: Path


@dataclass(frozen=True)
class WhichReport:
    """``toolchain which``: what the directory asks for, who asked, and what serves it
    (``toolchain`` None when that version is not installed)."""

    SCHEMA = "goarchlab.toolchain.which/v1"
    choice: resolve.Choice
    toolchain: Toolchain | None
    cwd: Path


@dataclass(frozen=True)
class UseReport:
    """``toolchain use``: the version written (``system``: the go on PATH; None after
    ``--unset``), to (or removed from) which file, ``scope`` local or global;
    ``installed``: a managed toolchain serves it (always for a version: ``use``
    refuses one that is not installed, or installs it with ``--install``)."""

    SCHEMA = "goarchlab.toolchain.use/v1"
    version: GoVersion | str | None
    scope: str
    file: Path
    installed: bool


@dataclass(frozen=True)
class UninstallReport:
    """``toolchain uninstall``: the toolchain removed."""

    SCHEMA = "goarchlab.toolchain.uninstall/v1"
    toolchain: Toolchain


def _store(home: Path) -> Store:
    return Store(home, hostplat.native())


def list_toolchains(home: Path, cwd: Path, env: Mapping[str, str], remote: bool,
                    notify: Notify, timeout: float = 30.0) -> ListReport:
    """Installed toolchains, and with ``remote`` what the first reachable source offers
    (``timeout``: seconds per network connect/read, > 0; a silent source exits 124)."""
    store = _store(home)
    native = store.native_installed()
    _, active = resolve.resolve(cwd, env, home, native)
    listed = tuple(
        Listed(t, active is not None and t.goroot == active.goroot,
               (t.goos, t.goarch) == store.native)
        for t in store.installed()
    )
    rem = None
    if remote:
        # Imported here: the sources pull in urllib/http.client/ssl, which exec,
        # which and use (every go call through a script shim) never need.
        from goarchlab.toolchains import sources

        goos, goarch = store.native
        arts = sources.first_listing(env, notify, timeout)
        have = {t.version for t in native}
        seen: set[GoVersion] = set()
        out = []
        for a in arts:
            if (a.goos, a.goarch) == (goos, goarch) and a.version not in seen:
                seen.add(a.version)
                out.append(Remote(a.version, a.source, a.filename, a.size, a.sha256,
                                  a.version in have))
        rem = tuple(out)
    return ListReport(listed, rem, "/".join(store.native), home)


def which(home: Path, cwd: Path, env: Mapping[str, str]) -> WhichReport:
    """What ``cwd`` resolves to (nothing is installed by asking). UsageError (exit 2)
    when it asks for something that names no Go, as ``exec`` and the shims say."""
    choice, tc = resolve.resolve(cwd, env, home, _store(home).native_installed())
    if (err := choice.error()) is not None:
        raise err
    return WhichReport(choice, tc, cwd)


def use(spec: str | None, home: Path, cwd: Path, local: bool, *, install: bool = False,
        unset: bool = False, env: Mapping[str, str] | None = None,
        notify: Notify = lambda m: None) -> UseReport:
    """Record ``spec`` as the directory's (.go-version) or the global choice.

    ``1.22`` is written as asked (the newest installed 1.22.x serves it);
    ``system`` chooses the go on PATH. A version no installed toolchain serves
    is refused (GoarchlabError, exit 3: every go through the shims would fail
    afterwards) unless ``install``, which installs it first. ``unset`` removes
    the choice (the global file, or ``.go-version`` in ``cwd`` with ``local``).
    """
    scope = "local" if local else "global"
    if unset:
        if spec:
            raise UsageError("--unset takes no version",
                             "goarchlab toolchain use --unset [--local]")
        path = cwd / ".go-version" if local else resolve.global_file(home)
        if not path.is_file():
            raise GoarchlabError(f"no {scope} choice to unset: {path} does not exist",
                                 "goarchlab toolchain which shows what chooses the version",
                                 EXIT_USAGE)
        path.unlink()
        return UseReport(None, scope, path, False)
    if not spec:
        raise UsageError("name a version, system, or --unset", "goarchlab toolchain use 1.22")
    if spec.strip().lower() == "latest":
        raise UsageError("'use latest' would change meaning over time", "name a version: 1.22")
    if spec.strip().lower() == resolve.SYSTEM:
        path = (resolve.write_local(cwd, resolve.SYSTEM) if local
                else resolve.write_global(home, resolve.SYSTEM))
        return UseReport(resolve.SYSTEM, scope, path, False)
    v = GoVersion.parse(spec)
    tc = resolve.select(resolve.Choice(spec, v, "argument"), _store(home).native_installed())
    if tc is None:
        if not install:
            raise GoarchlabError(
                f"Go {spec} is not installed; not recording a choice nothing can serve",
                f"goarchlab toolchain use {spec} --install (or: goarchlab toolchain install "
                f"{spec})")
        from goarchlab.toolchains.install import install as do_install

        notify(f"Go {spec} is not installed; installing it (--install)")
        do_install(spec, home=home, env=None if env is None else dict(env), notify=notify)
    path = resolve.write_local(cwd, v) if local else resolve.write_global(home, v)
    return UseReport(v, scope, path, True)


def uninstall(spec: str, home: Path, arch: str | None = None,
              goos: str | None = None) -> UninstallReport:
    """Remove an installed toolchain (exact version; ``--arch``/``--os`` for a
    non-native one)."""
    store = _store(home)
    v = GoVersion.parse(spec)
    explicit_os = goos is not None
    goos, goarch = goos or store.native[0], arch or store.native[1]
    tc = store.read(store.dir(v, goos, goarch)) if v.is_release else None
    if tc is None:
        matches = [t for t in store.installed() if t.version.matches(v)
                   and t.goarch == goarch and (t.goos == goos or not explicit_os)]
        if len(matches) != 1:
            raise GoarchlabError(
                f"{v} for {goos}/{goarch} is not installed" if not matches
                else f"{v} matches {len(matches)} toolchains; name one exactly",
                "goarchlab toolchain list shows what is installed", EXIT_USAGE)
        tc = matches[0]
    store.remove(tc)
    return UninstallReport(tc)


def exec_plan(argv: list[str], home: Path, cwd: Path, env: Mapping[str, str],
              notify: Notify, progress=None
              ) -> tuple[list[str], dict[str, str], Toolchain | None]:
    """The argv and environment ``toolchain exec`` runs: the resolved toolchain
    (installed if missing), its bin first on PATH, GOROOT, GOTOOLCHAIN=local
    unless set, and the project's ``.env`` (the environment wins over the file).
    For ``system`` the toolchain is None: the go on PATH (not the shim) runs."""
    if not argv:
        raise UsageError("nothing to run", "goarchlab toolchain exec -- go test ./...")
    choice, tc = resolve.resolve(cwd, env, home, _store(home).native_installed())
    if choice.system and choice.error() is None:
        tc = None  # the go on PATH, found below once the shim directory is off PATH
    else:
        tc = ensure(None, home=home, cwd=cwd, env=env, notify=notify, progress=progress)
    base = dict(env)
    dotenv = envfile.find(cwd)
    if dotenv is not None:
        base.update(envfile.load(dotenv, base))
    run_env = go_environ(tc, base, keep_user_gotoolchain=True) if tc else base
    run_env.setdefault("GOTOOLCHAIN", "local")
    # The shim directory would send `go` back through the shim; the toolchain's
    # bin comes first anyway, but a tool that runs `gofmt` by PATH should also
    # get this toolchain's.
    shim_dir = str(home / "shims")
    run_env["PATH"] = os.pathsep.join(
        d for d in run_env.get("PATH", "").split(os.pathsep) if d != shim_dir
    )
    if tc is None:
        go_on_path(run_env)  # fails with a hint when there is none
    return argv, run_env, tc
