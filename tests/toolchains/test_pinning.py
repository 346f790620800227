"""A pinned Go version is used or the command stops (exit 3) naming the pin;
every go command goarchlab runs has GOTOOLCHAIN=local, the go on PATH included;
the reports say which Go ran and why. Real toolchains, real go commands; nothing
reaches the network (GOPROXY=off, toolchain sources on a closed loopback port)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import jsonschema
import pytest

from goarchlab import proc

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _home(tmp_path: Path, *tcs) -> Path:
    h = tmp_path / "gl-home"
    (h / "toolchains").mkdir(parents=True)
    for tc in tcs:
        (h / "toolchains" / tc.goroot.name).symlink_to(tc.goroot)
    return h


def _module(tmp_path: Path, gomod: str, go_version: str | None = None) -> Path:
    m = tmp_path / "mod"
    m.mkdir()
    (m / "go.mod").write_text(gomod)
    (m / "main.go").write_text("package main\n\nfunc main() {}\n")
    if go_version is not None:
        (m / ".go-version").write_text(go_version + "\n")
    return m


def _run(home: Path, cwd: Path, go_caches, *args: str, path_go=None, **extra: str):
    """goarchlab ARGS with ``home``; ``path_go``: the toolchain whose bin is on PATH."""
    path = os.environ["PATH"]
    if path_go is not None:
        path = os.pathsep.join([str(path_go.goroot / "bin"), path])
    env = {"PATH": path, "HOME": str(cwd.parent), "GOARCHLAB_HOME": str(home),
           "GOPROXY": "off", "GOFLAGS": "-modcacherw", "GOSUMDB": "off",
           "GOARCHLAB_GO_MIRROR": "http://127.0.0.1:9/dl/",
           "GOARCHLAB_PYPI_URL": "http://127.0.0.1:9", **go_caches,
           **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
           **extra}
    return proc.run([sys.executable, "-m", "goarchlab", *args], env=env, timeout=600, cwd=cwd)


def _flat(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize("cmd", [("deps",), ("xbuild", "--targets", "linux/amd64"),
                                 ("matrix",), ("api", ".", ".")])
def test_a_pinned_version_that_is_missing_stops_instead_of_running_the_go_on_path(
        tmp_path, go_new, go_old, go_caches, cmd):
    """Before: .go-version 1.23.2 (not installed) and go1.27.3 on PATH: the command
    ran go1.27.3 and said nothing (release artifacts built by the wrong Go)."""
    home = _home(tmp_path, go_old)
    m = _module(tmp_path, "module example.com/m\n\ngo 1.22\n", "1.23.2")
    r = _run(home, m, go_caches, *cmd, path_go=go_new)
    assert r.returncode == 3, (r.stdout, r.stderr)
    msg = _flat(r.stderr)
    assert f"Go 1.23.2 pinned by {m / '.go-version'}:1 is not installed" in msg
    assert "hint: goarchlab toolchain install 1.23.2, or rerun with --install-missing" in msg
    assert not (tmp_path / "mod" / "dist").exists()


def test_a_gomod_toolchain_line_is_a_pin_and_go_never_downloads(tmp_path, go_new, go_caches):
    """Before: `toolchain go1.99.1` not installed -> the go on PATH with the user's
    GOTOOLCHAIN (auto): `go: downloading go1.99.1`."""
    home = _home(tmp_path, go_new)
    m = _module(tmp_path, "module example.com/m\n\ngo 1.22\n\ntoolchain go1.99.1\n")
    r = _run(home, m, go_caches, "deps", path_go=go_new, GOTOOLCHAIN="auto")
    assert r.returncode == 3, r.stderr
    assert f"Go go1.99.1 pinned by {m / 'go.mod'}:5 is not installed" in _flat(r.stderr)
    assert "downloading" not in r.stderr


def test_the_go_on_path_runs_with_gotoolchain_local(tmp_path, go_new, go_caches):
    """A go line newer than anything here is a minimum, not a pin: the go on PATH
    runs, with GOTOOLCHAIN=local whatever the user set, so go stops on the go line
    (it would download go1.99.0 with auto). Checked against go1.27.3's own message."""
    home = _home(tmp_path)
    m = _module(tmp_path, "module example.com/m\n\ngo 1.99\n")
    r = _run(home, m, go_caches, "deps", path_go=go_new, GOTOOLCHAIN="auto")
    assert r.returncode == 3, r.stderr
    assert "downloading" not in r.stderr
    assert "go.mod requires go >= 1.99 (running go 1.27.3; GOTOOLCHAIN=local)" in r.stderr


def _json(r: proc.Completed, schema: str) -> dict:
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, json.loads((DOCS / schema).read_text()))
    return doc


def test_reports_say_which_go_ran_and_why(tmp_path, go_new, go_old, go_caches):
    home = _home(tmp_path, go_old)
    m = _module(tmp_path, "module example.com/m\n\ngo 1.22\n", "1.22.10")
    doc = _json(_run(home, m, go_caches, "deps", "--json", path_go=go_new), "deps.schema.json")
    assert doc["toolchain"] == {"version": "go1.22.10", "goroot": str(home / "toolchains" /
                                "go1.22.10"), "reason": ".go-version:1 asks 1.22.10",
                                "source": "managed", "gotoolchain": "local"}
    assert doc["go_version"] == "go1.22.10"
    (m / ".go-version").unlink()
    empty = _home(tmp_path / "e")
    doc = _json(_run(empty, m, go_caches, "deps", "--json", path_go=go_new), "deps.schema.json")
    assert doc["toolchain"]["reason"] == ("go on PATH (go.mod:3 asks go >= 1.22; no installed "
                                          "toolchain meets it)")
    assert (doc["toolchain"]["version"], doc["toolchain"]["source"]) == ("go1.27.3", "path")
    (m / "go.mod").write_text("module example.com/m\n")
    doc = _json(_run(empty, m, go_caches, "deps", "--json", path_go=go_new), "deps.schema.json")
    assert doc["toolchain"]["reason"] == "go on PATH (nothing pinned, none installed by goarchlab)"
    (m / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    r = _run(home, m, go_caches, "xbuild", "--targets", "linux/amd64", "--go", "1.22.10",
             "--json", "-o", str(tmp_path / "dist"))
    doc = _json(r, "xbuild.schema.json")
    assert (doc["toolchain"]["reason"], doc["go"]) == ("--go 1.22.10", "go1.22.10")
    r = _run(home, m, go_caches, "deps")  # human form: one line on stderr
    assert "toolchain: go1.22.10" in r.stderr and "go.mod:3 asks go >= 1.22" in r.stderr


def test_managed_toolchain_serves_when_nothing_is_pinned_and_no_go_on_path(
        tmp_path, go_old, go_caches):
    """12.6: with go1.22.10 installed by goarchlab, nothing pinned and no go on PATH,
    deps uses go1.22.10 (resolve's rule 7), not 'no go on PATH'."""
    home = _home(tmp_path, go_old)
    m = tmp_path / "plain"
    m.mkdir()
    (m / "go.mod").write_text("module example.com/plain\n")
    (m / "p.go").write_text("package plain\n")
    doc = _json(_run(home, m, go_caches, "deps", "--json"), "deps.schema.json")
    assert doc["toolchain"]["version"] == "go1.22.10"
    assert doc["toolchain"]["reason"] == "newest installed (nothing pinned)"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_install_missing_installs_the_pin_and_says_so(tmp_path, go_new, go_caches, how):
    home = _home(tmp_path, go_new)
    m = _module(tmp_path, "module example.com/m\n\ngo 1.22\n", "1.23.2")
    args = ("deps", "--install-missing") if how == "flag" else ("deps",)
    extra = {"GOARCHLAB_INSTALL_MISSING": "1"} if how == "env" else {}
    r = _run(home, m, go_caches, *args, path_go=go_new, **extra)
    # The sources are a closed loopback port: the install is attempted, said, and fails.
    assert "is not installed; installing 1.23.2" in _flat(r.stderr), r.stderr
    assert r.returncode == 3
    assert "downloading go1" not in r.stderr
