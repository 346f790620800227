"""xbuild's go builds share the cores: GOMAXPROCS = cores / builds at once, never over
a value the user set."""

from __future__ import annotations

import pytest

from goarchlab.xbuild.runner import share_cores


@pytest.mark.parametrize(("running", "cores", "want"), [
    (2, 2, "1"), (8, 2, "1"), (2, 8, "4"), (3, 8, "2"), (4, 4, "1"),
])
def test_parallel_builds_split_the_cores(running, cores, want):
    env = {"PATH": "/usr/bin"}
    got = share_cores(env, running, cores)
    assert got == {"PATH": "/usr/bin", "GOMAXPROCS": want}
    assert env == {"PATH": "/usr/bin"}  # the caller's mapping is not changed


@pytest.mark.parametrize("env", [{"GOMAXPROCS": "7"}, {"GOMAXPROCS": ""}])
def test_a_users_gomaxprocs_is_kept(env):
    assert share_cores(env, 2, 2) == env


def test_one_build_at_a_time_keeps_gos_default():
    assert share_cores({"A": "1"}, 1, 8) == {"A": "1"}
