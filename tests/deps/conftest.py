"""Fixtures for the deps and api tests: a file:// module proxy, the planted and
clean projects (each with its own module cache, since one is tampered with),
and a runner of the real ``goarchlab`` CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from deps_support import CLEAN, PLANTED, POLICY, build_proxy, write

from goarchlab import proc


@pytest.fixture(scope="session")
def file_proxy(tmp_path_factory) -> Path:
    """A GOPROXY=file:// directory with the test modules."""
    return build_proxy(tmp_path_factory.mktemp("proxy"))


@pytest.fixture(scope="session")
def deps_env(go_new, make_go_env, session_home: Path):
    """Factory ``deps_env(home)``: the shared go_new environment (tests/conftest.py
    go_env_for) plus goarchlab's session home, where the tools are built."""
    return lambda home: {**make_go_env(go_new, home), "GOARCHLAB_HOME": str(session_home)}


@pytest.fixture(scope="session")
def proxy_env(deps_env, file_proxy, tmp_path_factory):
    """Factory: an environment on the file proxy with a fresh module cache."""

    def make(name: str) -> dict[str, str]:
        d = tmp_path_factory.mktemp(name)
        env = deps_env(d / "home")
        env.update(GOPROXY=file_proxy.as_uri(), GOSUMDB="off", GOMODCACHE=str(d / "modcache"))
        return env

    return make


def _tidy(dir: Path, env: dict[str, str]) -> None:
    r = proc.run(["go", "mod", "tidy"], env=env, timeout=300, cwd=dir)
    assert r.ok, r.stderr


@pytest.fixture(scope="session")
def planted(proxy_env, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The project with one violation of every rule; its module cache has one file
    edited after download (go mod verify must complain)."""
    env = proxy_env("planted")
    d = write(tmp_path_factory.mktemp("planted"), {**PLANTED, "goarchlab.toml": POLICY})
    # Keep go.mod's layout (tidy would rewrite it): download, then add go.sum lines.
    r = proc.run(["go", "mod", "download", "all"], env=env, timeout=300, cwd=d)
    assert r.ok, r.stderr
    r = proc.run(["go", "list", "-mod=mod", "-deps", "./..."], env=env, timeout=300, cwd=d)
    assert r.ok, r.stderr
    tampered = Path(env["GOMODCACHE"]) / "example.com/vendorx@v1.0.0/impl/impl.go"
    tampered.write_text(tampered.read_text() + "\n// edited\n")
    return d, env


@pytest.fixture(scope="session")
def clean(proxy_env, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A project that obeys the same policy."""
    env = proxy_env("clean")
    d = write(tmp_path_factory.mktemp("clean"), {**CLEAN, "goarchlab.toml": POLICY})
    _tidy(d, env)
    return d, env


@pytest.fixture(scope="session")
def goarchlab() -> Callable[..., subprocess.CompletedProcess]:
    """Run the real CLI: ``goarchlab(cwd, env, *args)`` -> CompletedProcess (text)."""

    def run(cwd: Path, env: dict[str, str], *args: str, timeout: float = 600):
        return subprocess.run([sys.executable, "-m", "goarchlab", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=timeout)

    return run
