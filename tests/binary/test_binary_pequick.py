"""The quick PE reader (goarchlab.binary.pequick) gives exactly what the full
reader (pefile, goarchlab.binary.pe) gives on real files, and steps aside for
anything it is not sure of, so inspect's errors stay the full reader's."""

from __future__ import annotations

import mmap
from pathlib import Path

import pefile
import pytest

from goarchlab import proc
from goarchlab.binary import inspect
from goarchlab.binary.pe import read_pe
from goarchlab.binary.pequick import _MACHINES, read_quick
from goarchlab.errors import GoarchlabError


def _both(p: Path):
    with p.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return read_quick(mm, len(mm)), read_pe(mm, len(mm))


def _bytes_quick(data: bytes):
    return read_quick(data, len(data))


def test_machine_names_are_pefiles():
    for number, name in _MACHINES.items():
        assert pefile.MACHINE_TYPE[number] == name


@pytest.fixture(scope="module")
def windows_files(toolchain_provider, go_new, session_go_env, hello_module, tmp_path_factory):
    """Real PE files: a windows/amd64 toolchain's executables and hello built for every
    Windows arch Go has, with and without symbols and DWARF."""
    tc = toolchain_provider(None, "windows", "amd64")
    files = [tc.go, tc.goroot / "bin" / "gofmt.exe"]
    files += sorted((tc.goroot / "pkg" / "tool").glob("*/*.exe"))[:4]
    out = tmp_path_factory.mktemp("pequick")
    for arch in ("amd64", "386", "arm64"):
        for flags in ((), ("-ldflags=-s -w",)):
            dest = out / f"hello_{arch}{'_s' if flags else ''}.exe"
            r = proc.run([go_new.go, "build", *flags, "-o", str(dest), "./cmd/hello"],
                         env={**session_go_env, "GOOS": "windows", "GOARCH": arch},
                         cwd=hello_module, timeout=600)
            assert r.ok, r.stderr
            files.append(dest)
    return [p for p in files if p.is_file()]


def test_quick_read_gives_what_the_full_reader_gives(windows_files):
    assert len(windows_files) >= 10
    seen = set()
    for p in windows_files:
        quick, full = _both(p)
        assert quick is not None, p  # an ordinary PE image is read quickly
        assert quick == full, p
        assert inspect(p).slices == (quick,), p  # and inspect takes the quick read
        seen.add((quick.goarch, quick.stripped, quick.dwarf, bool(quick.libraries)))
    # Every arch, with and without symbols and DWARF, imports listed.
    assert {(a, s) for a, s, _, _ in seen} >= {("amd64", True), ("amd64", False),
                                                ("386", True), ("386", False),
                                                ("arm64", True), ("arm64", False)}
    assert any(d for _, _, d, _ in seen) and all(libs for *_, libs in seen)


def test_quick_read_leaves_damaged_files_to_the_full_reader(windows_files, tmp_path):
    data = windows_files[0].read_bytes()
    assert _bytes_quick(data) is not None
    cut = tmp_path / "go-cut.exe"
    cut.write_bytes(data[: len(data) // 2])  # an interrupted download
    assert _bytes_quick(cut.read_bytes()) is None
    with pytest.raises(GoarchlabError, match="truncated"):
        inspect(cut)  # the full reader's own words
    for n in (64, 300, 1000, len(data) - 1):  # headers, section table, the last byte cut
        assert _bytes_quick(data[:n]) is None, n
    # A section table entry that is all zeros, an unknown machine: the full reader's.
    nt = int.from_bytes(data[0x3C:0x40], "little")
    odd = bytearray(data)
    odd[nt + 4: nt + 6] = (0x0200).to_bytes(2, "little")  # IA64
    assert _bytes_quick(bytes(odd)) is None
    opt_size = int.from_bytes(data[nt + 20: nt + 22], "little")
    first = nt + 24 + opt_size
    odd = bytearray(data)
    odd[first: first + 40] = bytes(40)
    assert _bytes_quick(bytes(odd)) is None
