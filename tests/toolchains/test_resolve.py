"""Version resolution from every file kind, through the Python resolver, the
`which` command and the compiled shims, which must agree on every directory."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from toolchain_helpers import NATIVE, validate

from goarchlab import proc
from goarchlab.toolchains import resolve
from goarchlab.toolchains.store import Store


def _w(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A directory tree with every kind of version file, nested."""
    r = tmp_path / "tree"
    _w(r / "go.mod", "module example.com/root\n\ngo 1.22.3\n")
    _w(r / "a" / ".go-version", "# pinned for a\n1.27\n")
    _w(r / "a" / "b" / ".go-version", "go1.22.10\n")
    (r / "a" / "b" / "c").mkdir()
    _w(r / "a" / "tv" / ".tool-versions", "golang 1.27.3\n")  # below a .go-version: loses
    _w(r / "t" / ".tool-versions", "nodejs 20.1.0\ngolang 1.27.3\n")
    # .tool-versions wins over this toolchain line:
    _w(r / "t" / "m" / "go.mod", "module m\n\ngo 1.22\ntoolchain go1.22.10\n")
    _w(r / "w" / "go.work", "go 1.21\n\ntoolchain go1.27.3\n\nuse ./m\n")
    _w(r / "w" / "m" / "go.mod", "module m\n\ngo 1.22.0\n")
    _w(r / "m2" / "go.mod", "module m2\n\ngo 1.23 // needs 1.23 or newer\n")
    _w(r / "m3" / "go.mod", "module m3\n\ngo 1.40\n")
    _w(tmp_path / "plain" / "x" / "README", "no version files here\n")
    return r


# (directory, expected toolchain dir name or None, origin, file relative to tree root, line)
CASES = [
    ("", "go1.22.10", "go.mod go", "go.mod", 3),
    ("a", "go1.27.3", ".go-version", "a/.go-version", 2),
    ("a/b", "go1.22.10", ".go-version", "a/b/.go-version", 1),
    ("a/b/c", "go1.22.10", ".go-version", "a/b/.go-version", 1),
    ("a/tv", "go1.27.3", ".go-version", "a/.go-version", 2),
    ("t", "go1.27.3", ".tool-versions", "t/.tool-versions", 2),
    ("t/m", "go1.27.3", ".tool-versions", "t/.tool-versions", 2),
    ("w/m", "go1.27.3", "go.work toolchain", "w/go.work", 3),
    ("m2", "go1.27.3", "go.mod go", "m2/go.mod", 3),
    ("m3", None, "go.mod go", "m3/go.mod", 3),
]


@pytest.mark.parametrize(("sub", "want", "origin", "file", "line"), CASES)
def test_resolution_per_directory(shim_home, tree, sub, want, origin, file, line):
    installed = Store(shim_home, NATIVE).native_installed()
    choice, tc = resolve.resolve(tree / sub, {}, shim_home, installed)
    assert (choice.origin, choice.file, choice.line) == (origin, tree / file, line)
    assert (tc.goroot.name if tc else None) == want


def _which(home: Path, cwd: Path, **env: str) -> tuple[int, dict]:
    e = {"PATH": os.environ["PATH"], "HOME": str(cwd), "GOARCHLAB_HOME": str(home), **env}
    r = proc.run([sys.executable, "-m", "goarchlab", "toolchain", "which", "--json"],
                 env=e, timeout=60, cwd=cwd)
    return r.returncode, validate(json.loads(r.stdout))


def test_which_names_file_and_line(shim_home, tree):
    code, out = _which(shim_home, tree / "t" / "m")
    assert code == 0
    assert out["schema"] == "goarchlab.toolchain.which/v1"
    assert out["choice"]["file"] == str(tree / "t" / ".tool-versions")
    assert (out["choice"]["line"], out["choice"]["origin"]) == (2, ".tool-versions")
    assert out["toolchain"]["version"] == "go1.27.3"
    code, out = _which(shim_home, tree / "m3")
    assert code == 1 and out["toolchain"] is None
    assert (out["choice"]["value"], out["choice"]["minimum"]) == ("1.40", True)


def test_env_var_beats_every_file(shim_home, tree):
    code, out = _which(shim_home, tree / "a" / "b", GOARCHLAB_GO_VERSION="1.27")
    assert (code, out["choice"]["origin"], out["toolchain"]["version"]) == (0, "env", "go1.27.3")


def test_global_choice_and_use(shim_home, tree, tmp_path):
    plain = tmp_path / "plain" / "x"
    home = tmp_path / "h"
    (home / "toolchains").mkdir(parents=True)
    for d in (shim_home / "toolchains").iterdir():
        (home / "toolchains" / d.name).symlink_to(d.resolve())
    assert _which(home, plain)[1]["choice"]["origin"] == "newest installed"
    e = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GOARCHLAB_HOME": str(home)}
    r = proc.run([sys.executable, "-m", "goarchlab", "toolchain", "use", "1.22.10"],
                 env=e, timeout=60, cwd=plain)
    assert r.returncode == 0, r.stderr
    _, out = _which(home, plain)
    assert (out["choice"]["origin"], out["choice"]["file"]) == ("global", str(home / "version"))
    assert out["toolchain"]["version"] == "go1.22.10"
    r = proc.run([sys.executable, "-m", "goarchlab", "toolchain", "use", "1.27.3", "--local"],
                 env=e, timeout=60, cwd=plain)
    assert r.returncode == 0, r.stderr
    assert (plain / ".go-version").read_text() == "1.27.3\n"
    assert _which(home, plain)[1]["toolchain"]["version"] == "go1.27.3"


@pytest.mark.parametrize("sub", [c[0] for c in CASES if c[1]])
def test_shim_agrees_with_resolver(shim_home, tree, sub):
    """`go env GOROOT` through the shim on PATH, in each directory: the GOROOT
    is the toolchain the Python resolver picks, and GOTOOLCHAIN is pinned."""
    want = next(c[1] for c in CASES if c[0] == sub)
    env = {"PATH": os.pathsep.join([str(shim_home / "shims"), os.environ["PATH"]]),
           "HOME": str(tree)}
    r = proc.run(["go", "env", "GOROOT", "GOTOOLCHAIN"], env=env, timeout=60, cwd=tree / sub)
    assert r.ok, r.stderr
    assert r.stdout.split() == [str(shim_home / "toolchains" / want), "local"]
    r = proc.run(["gofmt", "-l", "."], env=env, timeout=60, cwd=tree / sub)
    assert r.ok, r.stderr


def test_shim_keeps_a_user_gotoolchain(shim_home, tree):
    env = {"PATH": os.pathsep.join([str(shim_home / "shims"), os.environ["PATH"]]),
           "HOME": str(tree), "GOTOOLCHAIN": "path"}
    r = proc.run(["go", "env", "GOTOOLCHAIN"], env=env, timeout=60, cwd=tree)
    assert r.stdout.strip() == "path"


def test_shim_hands_over_when_the_version_is_missing(shim_home, tree):
    """go 1.40 is not installed: the shim runs `goarchlab toolchain exec`, which
    tries to install it (both sources point at a closed loopback port here) and
    fails with a message that names the file that asked."""
    env = {"PATH": os.pathsep.join([str(shim_home / "shims"), os.environ["PATH"]]),
           "HOME": str(tree), "GOARCHLAB_GO_MIRROR": "http://127.0.0.1:9/dl/",
           "GOARCHLAB_PYPI_URL": "http://127.0.0.1:9"}
    r = proc.run(["go", "version"], env=env, timeout=120, cwd=tree / "m3")
    assert r.returncode == 3
    assert f"Go 1.40 (asked by {tree / 'm3' / 'go.mod'}:3) is not installed" in r.stderr
    assert "hint: goarchlab toolchain install 1.40" in " ".join(r.stderr.split())
    assert sorted(p.name for p in (shim_home / "toolchains").iterdir()) == [
        "go1.22.10", "go1.27.3"]


def test_a_version_file_naming_no_go_version_is_refused_not_installed_as_latest(
        shim_home, tmp_path):
    """A typo in .go-version used to send the shim's hand-over into installing
    the latest Go; it must stop with a usage error that names the file."""
    _w(tmp_path / "typo" / ".go-version", "1.22.x\n")
    env = {"PATH": os.pathsep.join([str(shim_home / "shims"), os.environ["PATH"]]),
           "HOME": str(tmp_path), "GOARCHLAB_GO_MIRROR": "http://127.0.0.1:9/dl/",
           "GOARCHLAB_PYPI_URL": "http://127.0.0.1:9"}
    r = proc.run(["go", "version"], env=env, timeout=120, cwd=tmp_path / "typo")
    assert r.returncode == 2, r.stderr
    msg = " ".join(r.stderr.split())
    assert f"'1.22.x' (asked by {tmp_path / 'typo' / '.go-version'}:1) is not a Go version" in msg
    assert "latest" not in msg.split("hint:")[0]
    assert sorted(p.name for p in (shim_home / "toolchains").iterdir()) == [
        "go1.22.10", "go1.27.3"]
