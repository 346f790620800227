"""The front door of toolchains: how every goarchlab feature gets a Go.

:func:`select_go` answers with one handle, :class:`Go`: the go binary, its
GOROOT, the environment to run it in, its version, its own platform and why it
was chosen. Features (xbuild, deps, api, matrix, bench, doctor, godebug via its
cli) import nothing of toolchains but this module and toolchains.model.
``ensure`` resolves (and, if needed, installs) the toolchain for a directory;
the functions at the end answer doctor's and bench's questions about the store
(which toolchain a directory resolves to, what is installed, whether a go is a
shim, exact releases).

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
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.version import GoVersion
from goarchlab.targets import Target
from goarchlab.toolchains import hostplat, resolve
from goarchlab.toolchains.model import Toolchain, goarchlab_home
from goarchlab.toolchains.resolve import Choice
from goarchlab.toolchains.runenv import go_environ
from goarchlab.toolchains.store import Store, platform_from_name, version_from_name

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
class Go:
    """A Go toolchain ready to run, and why it is the one: the only toolchain handle
    features get.

    ``go``: the go binary (absolute path; the go on PATH as found there);
    ``goroot``: its GOROOT; ``env``: the complete environment to run ``go`` in, with
    ``GOTOOLCHAIN=local`` (and, for a managed toolchain, its bin first on PATH and
    GOROOT set); ``version``: the release it is (go1.27.3); ``target``: its own
    GOOS/GOARCH, the platform its binaries were built for (not necessarily this
    host's; no level); ``reason``: what chose it (``.go-version:1 asks 1.22.10``,
    ``--go 1.27``, ``go on PATH (nothing pinned)``); ``source``: ``managed``
    (installed by goarchlab) or ``path`` (the go on PATH); ``gotoolchain``: the
    GOTOOLCHAIN it runs with (always ``local``: go never switches to, or downloads,
    another toolchain behind goarchlab's back).

    Reports carry it as their ``toolchain``; its JSON form (:meth:`to_json`) is
    version, goroot, reason, source and gotoolchain, as strings (never ``env``).
    """

    go: Path
    goroot: Path
    env: Mapping[str, str] = field(repr=False, compare=False)
    version: GoVersion
    target: Target
    reason: str
    source: str
    gotoolchain: str = "local"

    def line(self) -> str:
        """One line for human output: ``toolchain: go1.27.3 (GOROOT) - REASON``."""
        return f"toolchain: {self.version} ({self.goroot}) - {self.reason}"

    def to_json(self) -> dict[str, str]:
        """The ``toolchain`` object of a report (docs/*.schema.json)."""
        return {"version": str(self.version), "goroot": str(self.goroot),
                "reason": self.reason, "source": self.source,
                "gotoolchain": self.gotoolchain}


def managed(tc: Toolchain, env: Mapping[str, str], reason: str) -> Go:
    """The handle of an installed toolchain ``tc``, run in ``env`` plus what it
    needs (see :func:`go_environ`), chosen for ``reason``."""
    return Go(tc.go, tc.goroot, go_environ(tc, env), tc.version, Target(tc.goos, tc.goarch),
              reason, "managed")


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
) -> Go:
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
        return managed(tc, env, f"{flag} {spec}")
    home = goarchlab_home(env)
    installed = Store(home, hostplat.native()).native_installed()
    choice, tc = resolve.resolve(cwd, env, home, installed)
    if (err := choice.error()) is not None:
        raise err
    if tc is not None:
        why = ("newest installed (nothing pinned)" if choice.origin == "newest installed"
               else _asks(choice, cwd))
        return managed(tc, env, why)
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
        return managed(tc, env, f"{_asks(choice, cwd)} (installed now: --install-missing)")
    if choice.minimum:
        # A go line is a minimum the go command enforces itself: with GOTOOLCHAIN=local
        # an older go on PATH stops with "go.mod requires go >= ...", never downloads.
        have = ", ".join(str(t.version) for t in installed) or "none"
        return _on_path(env, home, f"go on PATH ({_asks(choice, cwd)}; no installed "
                        "toolchain meets it)", choice, have)
    return _on_path(env, home, "go on PATH (nothing pinned, none installed by goarchlab)")


def _on_path(env: Mapping[str, str], home: Path, reason: str,
             choice: resolve.Choice | None = None, have: str = "") -> Go:
    """The go on PATH (skipping goarchlab's shims), probed with ``go env``: the go
    command says its version, GOROOT and platform (run outside any module, whose go
    line could stop it before it answers)."""
    from goarchlab.gocmd.env import go_env

    go = go_on_path(env, skip=home / "shims", choice=choice, have=have)
    run_env = dict(env)
    run_env["GOTOOLCHAIN"] = "local"
    e = go_env(go, run_env, cwd=go.parent,
               keys=("GOVERSION", "GOROOT", "GOHOSTOS", "GOHOSTARCH"))
    text = e.get("GOVERSION", "")
    # A development build says "devel go1.24-abcdef ...": its release line is the version.
    m = re.search(r"go\d+(\.\d+)*(rc\d+|beta\d+)?", text)
    version = GoVersion.try_parse(m.group(0)) if m else None
    if version is None:
        raise GoarchlabError(f"the go on PATH ({go}) reports version {text!r}, not a Go release",
                             "pass --go 1.27 to use a toolchain goarchlab installs")
    return Go(go, Path(e["GOROOT"]), run_env, version, Target(e["GOHOSTOS"], e["GOHOSTARCH"]),
              reason, "path")


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


def for_platform(go: Go, goos: str, goarch: str, *, home: Path, env: Mapping[str, str],
                 notify: Notify = _quiet) -> Go:
    """``go``'s version for another platform (``goos``/``goarch``: the translated
    go of bench's build suite), installed when missing; ``go`` itself when it is
    already for that platform."""
    if (goos, goarch) == (go.target.goos, go.target.goarch):
        return go
    from goarchlab.toolchains.install import install

    tc = install(str(go.version).removeprefix("go"), home=home, goos=goos, goarch=goarch,
                 env=dict(env), notify=notify).toolchain
    return managed(tc, env, f"{go.reason} ({goos}/{goarch} build of it)")


# What doctor and bench ask of the store and the resolver, so that no feature
# reaches past this module into store, resolve, shims or exact.

def request(cwd: Path, env: Mapping[str, str], home: Path) -> Choice | None:
    """The Go version ``cwd`` asks for (GOARCHLAB_GO_VERSION, .go-version,
    .tool-versions, go.work/go.mod, the global choice), None when nothing asks."""
    return resolve.request(cwd, env, home)


def resolve_dir(cwd: Path, env: Mapping[str, str], home: Path,
                native: tuple[str, str] | None = None) -> tuple[Choice, Toolchain | None]:
    """Which installed toolchain of ``home`` (for ``native``: (goos, goarch), default
    this host's) ``cwd`` resolves to, and the choice that decided it; None when it is
    not installed. The rules the shims follow."""
    return resolve.resolve(cwd, env, home, installed(home, native))


def installed(home: Path, native: tuple[str, str] | None = None,
              *, every_platform: bool = False) -> list[Toolchain]:
    """The toolchains installed in ``home`` for ``native`` (default this host's
    platform), oldest first; with ``every_platform``, those for other platforms too."""
    store = Store(home, native or hostplat.native())
    return store.installed() if every_platform else store.native_installed()


def toolchains_dir(home: Path) -> Path:
    """The directory of ``home`` holding one GOROOT per installed toolchain."""
    return Store(home, ("", "")).toolchains


def shims_dir(home: Path) -> Path:
    """The directory of ``home`` that ``shell-init`` puts on PATH (go and gofmt shims)."""
    return Store(home, ("", "")).shims


@dataclass(frozen=True)
class Slot:
    """One entry of the store's toolchains directory: ``goroot`` (the directory),
    ``version`` (``go1.22.10``, from its name), ``platform`` ((goos, goarch) its
    name promises: ``native`` for a name without a platform suffix), ``native``
    (True for a name without a suffix: the host's own slot)."""

    goroot: Path
    version: str
    platform: tuple[str, str]
    native: bool


def slots(home: Path, native: tuple[str, str]) -> list[Slot]:
    """Every store entry of ``home`` with a bin/go, sorted by name; [] without a store."""
    d = toolchains_dir(home)
    if not d.is_dir():
        return []
    out = []
    for p in sorted(d.iterdir()):
        if p.name.startswith(".") or not (p / "bin" / "go").exists():
            continue
        plat = platform_from_name(p.name)
        out.append(Slot(p, version_from_name(p.name), plat or native, plat is None))
    return out


def exact_versions(specs: Sequence[str], home: Path, env: Mapping[str, str],
                   notify: Notify = _quiet) -> list:
    """Each of ``specs`` (``1.22``, ``1.27.3``) as an exact release, asking the
    official index when needed (see :mod:`goarchlab.toolchains.exact`)."""
    from goarchlab.toolchains.exact import exact_versions as exact

    return exact(specs, home, env, notify)
