"""One parser, one verdict: `toolchain which`, `toolchain exec` and the compiled
shim read the same .go-version the same way (byte-order marks, two words,
control characters, typos), and `toolchain use` never records a choice nothing
can serve; `use system` and `use --unset`."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from goarchlab import proc

TYPO_HINT = "is not a Go version"


def _env(home: Path, cwd: Path, **extra: str) -> dict[str, str]:
    return {"PATH": os.pathsep.join([str(home / "shims"), os.environ["PATH"]]),
            "HOME": str(cwd), "GOARCHLAB_HOME": str(home),
            # Nothing may be fetched: both sources point at a closed loopback port.
            "GOARCHLAB_GO_MIRROR": "http://127.0.0.1:9/dl/",
            "GOARCHLAB_PYPI_URL": "http://127.0.0.1:9", "GOPROXY": "off",
            **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
            **extra}


def _goarchlab(home: Path, cwd: Path, *args: str, **extra: str) -> proc.Completed:
    return proc.run([sys.executable, "-m", "goarchlab", *args], env=_env(home, cwd, **extra),
                    timeout=120, cwd=cwd)


def _three(home: Path, cwd: Path) -> dict[str, proc.Completed]:
    """`which`, `exec -- go env GOROOT` and the shim's `go env GOROOT` in ``cwd``."""
    return {
        "which": _goarchlab(home, cwd, "toolchain", "which"),
        "exec": _goarchlab(home, cwd, "toolchain", "exec", "--", "go", "env", "GOROOT"),
        "shim": proc.run(["go", "env", "GOROOT"], env=_env(home, cwd), timeout=120, cwd=cwd),
    }


def _flat(text: str) -> str:
    return " ".join(text.split())


def _dir(tmp_path: Path, name: str, content: bytes) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / ".go-version").write_bytes(content)
    return d


READABLE = [
    ("utf8-bom", b"\xef\xbb\xbf1.22.10\n", "go1.22.10"),
    ("utf16le-bom", b"\xff\xfe" + "1.22.10\r\n".encode("utf-16-le"), "go1.22.10"),
    ("utf16be-bom", b"\xfe\xff" + "go1.27.3\n".encode("utf-16-be"), "go1.27.3"),
    ("comment-then-version", b"# pinned\n\n1.27.3   # trailing comment\n", "go1.27.3"),
]


@pytest.mark.parametrize(("name", "content", "want"), READABLE, ids=[c[0] for c in READABLE])
def test_byte_order_marks_are_decoded_alike(shim_home, tmp_path, name, content, want):
    d = _dir(tmp_path, name, content)
    got = _three(shim_home, d)
    for how, r in got.items():
        assert r.returncode == 0, (how, r.stderr)
    assert got["which"].stdout.split()[0] == want
    for how in ("exec", "shim"):
        assert got[how].stdout.strip() == str(shim_home / "toolchains" / want), how


REFUSED = [
    # (name, bytes, text every refusal must contain)
    ("series-typo", b"1.22.x\n", "'1.22.x' (asked by {f}:1) is not a Go version"),
    ("banana", b"banana\n", "'banana' (asked by {f}:1) is not a Go version"),
    ("asdf-line", b"golang 1.22.10\n", "{f}:1: 'golang 1.22.10' is not one version"),
    ("utf16-no-bom", "1.22.10\n".encode("utf-16-le"), "{f}:1: holds NUL or control"),
    ("escape-sequence", b"1.22\x1b[2J\n", "{f}:1: holds NUL or control"),
]


@pytest.mark.parametrize(("name", "content", "msg"), REFUSED, ids=[c[0] for c in REFUSED])
def test_one_verdict_for_a_version_file_naming_no_go(shim_home, tmp_path, name, content, msg):
    """Before: which said "not installed, hint: install banana" (exit 1) while exec
    said "not a Go version" (exit 2); `golang 1.22.10` offered to install golang; a
    UTF-16 file's NUL bytes were echoed to the terminal."""
    d = _dir(tmp_path, name, content)
    want = msg.format(f=d / ".go-version")
    got = _three(shim_home, d)
    for how, r in got.items():
        assert r.returncode == 2, (how, r.returncode, r.stderr)
        assert want in _flat(r.stderr), (how, r.stderr)
        assert "install golang" not in r.stderr and "install banana" not in r.stderr
        assert not any(c < " " and c not in "\n\t" for c in r.stderr + r.stdout), (how, r.stderr)
    assert sorted(p.name for p in (shim_home / "toolchains").iterdir()) == [
        "go1.22.10", "go1.27.3"]


@pytest.fixture()
def own_home(shim_home, tmp_path) -> Path:
    """A home of this test's own (the global file is written) sharing the toolchains."""
    h = tmp_path / "own-home"
    (h / "toolchains").mkdir(parents=True)
    for d in (shim_home / "toolchains").iterdir():
        (h / "toolchains" / d.name).symlink_to(d.resolve())
    # A copy, not a link: the shim finds its home from its own resolved path.
    shutil.copytree(shim_home / "shims", h / "shims")
    return h


def test_use_of_a_version_nothing_serves_is_refused(own_home, tmp_path):
    """Before: `use 1.19` exited 0, wrote the global file, and every go through
    the shim failed afterwards."""
    plain = tmp_path / "plain"
    plain.mkdir()
    r = _goarchlab(own_home, plain, "toolchain", "use", "1.19")
    assert r.returncode == 3, r.stderr
    assert "hint: goarchlab toolchain use 1.19 --install" in _flat(r.stderr)
    assert not (own_home / "version").exists()
    r = _goarchlab(own_home, plain, "toolchain", "use", "1.19", "--local")
    assert r.returncode == 3 and not (plain / ".go-version").exists()
    # --install tries the sources (closed loopback here), fails, and writes nothing.
    r = _goarchlab(own_home, plain, "toolchain", "use", "1.19", "--install")
    assert r.returncode == 3, r.stderr
    assert "installing it (--install)" in r.stderr
    assert not (own_home / "version").exists()


def test_use_system_runs_the_go_on_path_not_the_shim(own_home, tmp_path, go_old):
    """`use system`: the shim execs the first go on PATH that is not itself (here
    go1.22.10's bin, after the shim directory), goarchlab's own commands too."""
    plain = tmp_path / "plain"
    plain.mkdir()
    r = _goarchlab(own_home, plain, "toolchain", "use", "system")
    assert r.returncode == 0, r.stderr
    assert (own_home / "version").read_text() == "system\n"
    path = os.pathsep.join([str(own_home / "shims"), str(go_old.goroot / "bin"),
                            os.environ["PATH"]])
    env = {**_env(own_home, plain), "PATH": path}
    r = proc.run(["go", "env", "GOROOT", "GOTOOLCHAIN"], env=env, timeout=60, cwd=plain)
    assert r.ok, r.stderr
    assert r.stdout.split() == [str(go_old.goroot), "local"]
    r = _goarchlab(own_home, plain, "toolchain", "exec", "--", "go", "env", "GOROOT", PATH=path)
    assert (r.returncode, r.stdout.strip()) == (0, str(go_old.goroot)), r.stderr
    r = _goarchlab(own_home, plain, "toolchain", "which", PATH=path)
    assert r.returncode == 0 and "system: the go on PATH" in r.stdout
    # Without another go on PATH the shim says so instead of calling itself forever.
    r = proc.run(["go", "version"], env=_env(own_home, plain), timeout=60, cwd=plain)
    assert r.returncode == 3 and "no go on PATH besides this shim" in r.stderr


def test_use_unset_removes_the_global_and_the_local_choice(own_home, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    assert _goarchlab(own_home, plain, "toolchain", "use", "1.22.10").returncode == 0
    assert _goarchlab(own_home, plain, "toolchain", "use", "1.27.3", "--local").returncode == 0
    r = _goarchlab(own_home, plain, "toolchain", "use", "--unset", "--local")
    assert r.returncode == 0 and not (plain / ".go-version").exists()
    assert "go1.22.10" in _goarchlab(own_home, plain, "toolchain", "which").stdout
    r = _goarchlab(own_home, plain, "toolchain", "use", "--unset")
    assert r.returncode == 0 and not (own_home / "version").exists()
    r = _goarchlab(own_home, plain, "toolchain", "which", "--json")
    assert '"origin": "newest installed"' in r.stdout
    r = _goarchlab(own_home, plain, "toolchain", "use", "--unset")
    assert r.returncode == 2 and "no global choice to unset" in r.stderr
