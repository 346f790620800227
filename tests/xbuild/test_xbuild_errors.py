"""xbuild failures on a real toolchain: Go's multi-line errors keep the lines that
explain them, and output paths that cannot be a directory are one clear line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _xbuild(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "goarchlab", "xbuild", *args], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=600)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def _err(r) -> str:
    return " ".join(r.stderr.split())


@pytest.fixture()
def hello(tmp_path, module_writer) -> Path:
    return module_writer(tmp_path / "hello", {
        "go.mod": "module example.com/hello\n\ngo 1.22\n",
        "main.go": "package main\n\nfunc main() {}\n",
    })


def test_go_mod_syntax_error_shows_the_explaining_line(tmp_path, module_writer, xenv):
    mod = module_writer(tmp_path / "bad", {
        "go.mod": "module example.com/bad\n\ngo 1.22\n\nrequire (\n\texample.com/x v1.0.0\n",
        "main.go": "package main\n\nfunc main() {}\n",
    })
    r = _xbuild(mod, xenv, "--targets", "linux/amd64")
    assert r.returncode == 3
    err = _err(r)
    assert "errors parsing go.mod" in err
    # go's second line says what and where: go.mod:7: syntax error (unterminated block ...)
    assert "go.mod:7: syntax error" in err and "unterminated block" in err
    assert err.count("error:") == 1


def test_linker_usage_dump_is_not_the_reason(hello, xenv, tmp_path):
    r = _xbuild(hello, xenv, "--targets", "linux/amd64", "--ldflags=-bogusflag", "-o",
                str(tmp_path / "out"), "--json")
    assert r.returncode == 1
    t = json.loads(r.stdout)["targets"][0]
    assert t["status"] == "build-failed"
    assert "flag provided but not defined: -bogusflag" in t["reason"]
    assert "usage: link" not in t["reason"]  # nor the flag list that follows


def test_output_onto_an_existing_file(hello, xenv):
    f = hello / "dist"
    f.write_text("not a directory\n")
    r = _xbuild(hello, xenv, "--targets", "linux/amd64", "-o", "dist")
    assert r.returncode == 2
    err = _err(r)
    assert err.startswith(f"error: {f}") and "not a directory" in err
    assert f.read_text() == "not a directory\n"


def test_output_where_nothing_can_be_created(hello, xenv):
    r = _xbuild(hello, xenv, "--targets", "linux/amd64", "-o", "/proc/forbidden")
    assert r.returncode == 3
    assert _err(r).startswith("error: cannot create the output directory /proc/forbidden")


def test_library_package_is_a_usage_error_and_leaves_nothing(tmp_path, module_writer, xenv):
    # The builds start before go list has said what the package is; a library must
    # still stop the run with go list's verdict, and no staged file may stay behind.
    mod = module_writer(tmp_path / "lib", {
        "go.mod": "module example.com/lib\n\ngo 1.22\n",
        "lib.go": "package lib\n\nfunc F() int { return 1 }\n",
    })
    out = tmp_path / "out"
    r = _xbuild(mod, xenv, "--first-class", "-o", str(out))
    assert r.returncode == 2
    assert _err(r).startswith("error: example.com/lib is package lib, not a command")
    assert list(out.iterdir()) == []
    r = _xbuild(mod, xenv, "--targets", "linux/amd64", "--name", "x", "-o", str(out), "--json")
    assert r.returncode == 2 and "not a command" in r.stdout
    assert list(out.iterdir()) == []


def test_pattern_of_several_packages_is_a_usage_error(tmp_path, module_writer, xenv):
    mod = module_writer(tmp_path / "two", {
        "go.mod": "module example.com/two\n\ngo 1.22\n",
        "a/main.go": "package main\n\nfunc main() {}\n",
        "b/main.go": "package main\n\nfunc main() {}\n",
    })
    r = _xbuild(mod, xenv, "--targets", "linux/amd64,windows/amd64", "-o", "dist", "./...")
    assert r.returncode == 2
    assert "./... matches 2 packages; xbuild builds one main package" in _err(r)
    assert list((mod / "dist").iterdir()) == []


def test_missing_package_is_go_lists_error(hello, xenv):
    r = _xbuild(hello, xenv, "--targets", "linux/amd64", "-o", "dist", "./nothere")
    assert r.returncode == 3
    err = _err(r)
    assert err.startswith("error: go list ./nothere:") and "nothere" in err[25:]
    assert list((hello / "dist").iterdir()) == []
