"""Bad inputs give a one-line GoarchlabError with a hint; non-Go binaries are fine."""

from __future__ import annotations

import os
import platform
import shutil
import struct

import pytest

from goarchlab.binary import inspect
from goarchlab.errors import GoarchlabError


def _err(path) -> str:
    """The message of inspect's GoarchlabError for ``path``, without the path prefix."""
    with pytest.raises(GoarchlabError) as ei:
        inspect(path)
    e = ei.value
    assert "\n" not in e.message and e.hint and "\n" not in e.hint
    assert e.message.startswith(f"{path}: ")
    return e.message.removeprefix(f"{path}: ")


def test_non_go_binary():
    ls = shutil.which("ls")
    info = inspect(ls)
    (s,) = info.slices
    assert info.format == "elf"
    assert s.go is None
    assert s.goarch == {"x86_64": "amd64", "aarch64": "arm64"}[platform.machine()]
    assert not s.static and s.interpreter and s.goos == "linux"
    assert any(lib.startswith("libc.so") for lib in s.libraries)


def test_missing_file(tmp_path):
    assert "no such file" in _err(tmp_path / "nope")


def test_directory(tmp_path):
    assert "directory" in _err(tmp_path)


def test_broken_symlink(tmp_path):
    link = tmp_path / "go"
    link.symlink_to(tmp_path / "gone")
    e = _err(link)
    assert "broken symlink" in e and "gone" in e


def test_symlink_is_followed(builds, tmp_path):
    link = tmp_path / "hello"
    link.symlink_to(builds["default"].path)
    assert inspect(link).go.path == "example.com/hello/cmd/hello"


def test_empty_file(tmp_path):
    (tmp_path / "e").write_bytes(b"")
    assert "empty" in _err(tmp_path / "e")


def test_shell_script(tmp_path):
    p = tmp_path / "run.sh"
    p.write_text("#!/bin/sh\necho hi\n")
    p.chmod(0o755)
    e = _err(p)
    assert "script" in e and "/bin/sh" in e


def test_text_and_random_files(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("hello\n")
    assert "not an executable" in _err(p)
    # A first byte that starts no known magic; random bytes after it.
    p.write_bytes(b"x" + os.urandom(4095))
    assert "not an executable" in _err(p)


def test_fifo_is_refused_without_blocking(tmp_path):
    p = tmp_path / "fifo"
    os.mkfifo(p)
    assert "not a regular file" in _err(p)


@pytest.mark.parametrize("keep", [3, 40, 100, 4096, 1 << 20])
def test_truncated_go_binary(builds, tmp_path, keep):
    for name in ("default", "darwin", "windows"):
        p = tmp_path / f"{name}-{keep}"
        p.write_bytes(builds[name].path.read_bytes()[:keep])
        e = _err(p)
        assert e.startswith(("truncated", "too short")), e


def test_truncated_universal(install_toolchain, tmp_path):
    from binary_helpers import make_universal

    arm = install_toolchain("1.27.3", "darwin", "arm64").goroot / "bin" / "gofmt"
    amd = install_toolchain("1.27.3", "darwin", "amd64").goroot / "bin" / "gofmt"
    fat = tmp_path / "fat"
    make_universal([arm, amd], fat)
    assert inspect(fat).archs == ("arm64", "amd64")
    with open(fat, "r+b") as f:
        f.truncate(fat.stat().st_size - 1000)
    assert "truncated" in _err(fat)


def test_java_class_is_not_universal(tmp_path):
    p = tmp_path / "Main.class"
    p.write_bytes(struct.pack(">IHH", 0xCAFEBABE, 0, 52) + bytes(64))
    assert "Java" in _err(p)


def test_ar_archive(tmp_path):
    p = tmp_path / "lib.a"
    p.write_bytes(b"!<arch>\n" + bytes(100))
    assert "archive" in _err(p)


def test_nul_in_path():
    with pytest.raises(GoarchlabError, match="cannot be read"):
        inspect("bad\0name")
