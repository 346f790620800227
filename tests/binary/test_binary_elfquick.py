"""The quick ELF reader (goarchlab.binary.elfquick) gives exactly what the full
reader (pyelftools, goarchlab.binary.elf) gives on real files, and steps aside for
anything it is not sure of, so inspect's errors stay the full reader's."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from goarchlab.binary import inspect
from goarchlab.binary.elf import read_elf
from goarchlab.binary.elfquick import read_quick
from goarchlab.errors import GoarchlabError


def _quick(p: Path):
    data = p.read_bytes()
    return read_quick(lambda o, n: data[o:o + n], len(data))


def _full(p: Path):
    data = p.read_bytes()
    with p.open("rb") as f:
        return read_elf(f, lambda o, n: data[o:o + n], len(data))


def _elf_files(*toolchains) -> list[Path]:
    """Real ELF files of several kinds: Go programs (static), this machine's compilers,
    the Python interpreter and libc (dynamic, PIE, a shared library)."""
    out = []
    for tc in toolchains:
        out += [tc.go, tc.goroot / "bin" / "gofmt"]
        out += sorted((tc.goroot / "pkg" / "tool").glob("*/*"))[:4]
    for name in ("cc", "gcc", "ls", "sh"):
        p = shutil.which(name)
        if p:
            out.append(Path(p))
    out.append(Path(os.path.realpath(sys.executable)))
    out += [p for p in Path("/lib/x86_64-linux-gnu").glob("libc.so*")][:1]
    out += [p for p in Path("/lib/aarch64-linux-gnu").glob("libc.so*")][:1]
    return [p for p in out if p.is_file()]


def test_quick_read_gives_what_the_full_reader_gives(go_new, go_old, toolchain_provider) -> None:
    # A linux/arm64 toolchain: ELF files on any host (a Mac's own are Mach-O).
    files = _elf_files(go_new, go_old, toolchain_provider(None, "linux", "arm64"))
    assert len(files) >= 10
    read = 0
    for p in files:
        if p.read_bytes()[:4] != b"\x7fELF":
            continue
        quick = _quick(p)
        assert quick is not None, p  # an ordinary ELF file is read quickly
        assert quick == _full(p), p
        assert inspect(p).slices == (quick,), p  # and inspect takes the quick read
        read += 1
    assert read >= 6


def test_quick_read_leaves_damaged_files_to_the_full_reader(toolchain_provider, tmp_path) -> None:
    elf = toolchain_provider(None, "linux", "arm64")
    assert _quick(elf.go).go.go_version == str(elf.version)
    data = elf.go.read_bytes()
    cut = tmp_path / "go-cut"
    cut.write_bytes(data[: len(data) // 2])  # an interrupted download
    assert _quick(cut) is None
    with pytest.raises(GoarchlabError, match="truncated"):
        inspect(cut)  # the full reader's own words
    for n in (64, 1000, len(data) - 1):  # headers, tables, the last byte cut
        assert read_quick(lambda o, k, n=n: data[:n][o:o + k], n) is None, n
