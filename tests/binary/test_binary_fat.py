"""goarchlab.binary.fat against a universal file lipo made: Go's own
debug/macho testdata fat-gcc-386-amd64-darwin-exec holds exactly its two thin
neighbours (gcc-386-darwin-exec, gcc-amd64-darwin-exec), so the writer must
give the same bytes from them. Plus the darwin/arm64 + darwin/amd64 layout."""

from __future__ import annotations

import base64
import os
import struct

import pytest

from goarchlab.binary import inspect
from goarchlab.binary.fat import ARM64, X86_64, layout, read_header, write_universal
from goarchlab.errors import GoarchlabError

GO_NEW = "go1.27.3"


@pytest.fixture(scope="module")
def testdata(go_new, tmp_path_factory):
    src = go_new.goroot / "src" / "debug" / "macho" / "testdata"
    out = tmp_path_factory.mktemp("macho-testdata")
    for name in ("fat-gcc-386-amd64-darwin-exec", "gcc-386-darwin-exec",
                 "gcc-amd64-darwin-exec"):
        (out / name).write_bytes(base64.b64decode((src / f"{name}.base64").read_bytes()))
    return out


def test_writer_reproduces_the_file_lipo_made(testdata, tmp_path):
    out = tmp_path / "fat"
    archs = write_universal([testdata / "gcc-386-darwin-exec",
                             testdata / "gcc-amd64-darwin-exec"], out)
    want = (testdata / "fat-gcc-386-amd64-darwin-exec").read_bytes()
    assert out.read_bytes() == want
    # The header lipo wrote: both 2^12 (x86 page), 386 at 4096, x86_64 rounded up
    # after it; the amd64 cpusubtype keeps its capability bit (0x80000003).
    assert [(a.cputype, a.cpusubtype & 0xFFFFFFFF, a.offset, a.align) for a in archs] == [
        (7, 3, 4096, 12), (X86_64, 0x80000003, 20480, 12)]
    assert inspect(out).archs == ("386", "amd64")


def test_darwin_go_binaries_amd64_first_arm64_on_16k(install_toolchain, tmp_path):
    arm = install_toolchain(GO_NEW, "darwin", "arm64").goroot / "bin" / "gofmt"
    amd = install_toolchain(GO_NEW, "darwin", "amd64").goroot / "bin" / "gofmt"
    out = tmp_path / "gofmt"
    archs = write_universal([arm, amd], out)
    data = out.read_bytes()
    magic, n = struct.unpack(">II", data[:8])
    assert (magic, n) == (0xCAFEBABE, 2)
    rows = [struct.unpack(">iiIII", data[8 + 20 * i: 28 + 20 * i]) for i in range(2)]
    # lipo: arm64 after every other cputype; x86_64 on 2^12, arm64 on 2^14.
    assert [(r[0], r[4]) for r in rows] == [(X86_64, 12), (ARM64, 14)]
    assert rows[0][2] == 4096 and rows[1][2] % (1 << 14) == 0
    assert rows[1][2] - (rows[0][2] + rows[0][3]) < (1 << 14)
    assert len(data) == rows[1][2] + rows[1][3]
    assert data[rows[0][2]:rows[0][2] + rows[0][3]] == amd.read_bytes()
    assert data[rows[1][2]:rows[1][2] + rows[1][3]] == arm.read_bytes()
    assert set(data[48:rows[0][2]]) == {0}
    assert [(a.offset, a.size) for a in archs] == [(r[2], r[3]) for r in rows]
    info = inspect(out)
    assert info.format == "macho-universal" and info.archs == ("amd64", "arm64")
    # Same bytes whatever the input order, and nothing time-dependent in them.
    again = tmp_path / "gofmt2"
    write_universal([amd, arm], again)
    assert again.read_bytes() == data
    assert os.stat(out).st_mode & 0o777 == os.stat(arm).st_mode & 0o777


def test_layout_switches_to_fat_arch_64_past_4_gib():
    small = layout([(X86_64, 3, 1000), (ARM64, 0, 2000)])
    assert not small.fat64 and [a.offset for a in small.archs] == [4096, 16384]
    big = layout([(ARM64, 0, 1000), (X86_64, 3, 1 << 32)])
    assert big.fat64
    assert [a.cputype for a in big.archs] == [X86_64, ARM64]
    assert big.archs[1].offset == (4096 + (1 << 32) + (1 << 14) - 1) // (1 << 14) * (1 << 14)


def test_refuses_two_slices_of_one_arch_and_non_macho(testdata, tmp_path):
    amd = testdata / "gcc-amd64-darwin-exec"
    with pytest.raises(GoarchlabError, match="both x86_64"):
        write_universal([amd, amd], tmp_path / "dup")
    fat = testdata / "fat-gcc-386-amd64-darwin-exec"
    with pytest.raises(GoarchlabError, match="not a thin Mach-O"):
        write_universal([fat, amd], tmp_path / "nested")
    assert not list(tmp_path.iterdir())


def test_read_header_gives_back_what_lipo_wrote(testdata):
    lay = read_header(testdata / "fat-gcc-386-amd64-darwin-exec")
    assert not lay.fat64
    assert [(a.cputype, a.offset, a.size, a.align) for a in lay.archs] == [
        (7, 4096, 12588, 12), (X86_64, 20480, 8512, 12)]
    with pytest.raises(GoarchlabError, match="not a universal"):
        read_header(testdata / "gcc-386-darwin-exec")
