"""The package installs a console script that answers --version and --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goarchlab import __version__
from goarchlab.gocmd.env import go_env as query_go_env
from goarchlab.gocmd.env import go_version


def test_python_m_version() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "goarchlab", "--version"], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0
    assert r.stdout.strip() == f"goarchlab {__version__}"


def test_unknown_command_is_usage_error_without_traceback() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "goarchlab", "frobnicate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "error:" in r.stderr


def test_session_toolchain_is_real(go_new, go_env) -> None:
    v = go_version(go_new.go, go_env)
    assert str(v.version) == str(go_new.version)
    assert (v.goos, v.goarch) == (go_new.goos, go_new.goarch)
    env = query_go_env(go_new.go, go_env)
    assert env["GOROOT"] == str(go_new.goroot)
    assert env["GOTOOLCHAIN"] == "local"


def _on_a_bare_machine(argv: list[str], module: Path) -> subprocess.CompletedProcess:
    """Run goarchlab in ``module`` (a go.mod is written) as on a machine with Python
    and nothing else: no go on PATH, nothing installed."""
    (module / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(module / "home"),
           "GOARCHLAB_HOME": str(module / "glh")}
    return subprocess.run([sys.executable, "-m", "goarchlab", *argv], capture_output=True,
                          text=True, timeout=120, cwd=module, env=env)


@pytest.mark.parametrize("argv", [["xbuild"], ["matrix"], ["deps"], ["api", "HEAD", "HEAD"],
                                  ["bench", "cpu", "-n", "2"]])
def test_commands_that_need_go_offer_to_install_one(argv, tmp_path) -> None:
    r = _on_a_bare_machine(argv, tmp_path)
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and lines[-1].startswith("hint: ")
    assert "goarchlab toolchain install" in lines[-1]


@pytest.mark.parametrize("argv", [["deps"], ["bench", "cpu", "-n", "2"]])
def test_a_version_file_naming_no_go_version_stops_a_go_command(argv, tmp_path) -> None:
    # A typo in .go-version must not silently fall back to the go on PATH.
    (tmp_path / ".go-version").write_text("1.22.x\n")
    r = _on_a_bare_machine(argv, tmp_path)
    assert r.returncode == 2, r.stderr
    assert "'1.22.x' (asked by " in r.stderr and "is not a Go version" in r.stderr


@pytest.mark.parametrize(("argv", "collects"), [
    (["toolchain", "list", "--json"], True),
    (["deps", "--json"], False),  # no go.mod here: exit 3, after the parse
])
def test_the_console_scripts_collector_is_on_unless_the_command_opts_out(
        argv, collects, tmp_path, monkeypatch) -> None:
    # cli.run turns the cyclic collector off for start-up; main(own_process=True)
    # turns it back on once the command is known, except for deps (its data has
    # no cycles); in-process callers (own_process=False) keep theirs as it is.
    import gc

    from goarchlab.cli import main

    monkeypatch.setenv("GOARCHLAB_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    gc.disable()
    try:
        main(argv, own_process=True)
        assert gc.isenabled() is collects
        gc.disable()
        main(argv)
        assert not gc.isenabled()
    finally:
        gc.enable()
