"""The quick Mach-O reader (goarchlab.binary.machoquick) gives exactly what the
full reader (macholib's structures, goarchlab.binary.macho) gives on real thin
files, and steps aside for anything it is not sure of, so inspect's errors stay
the full reader's."""

from __future__ import annotations

import mmap
from pathlib import Path

import pytest
from macholib import mach_o as mo

from goarchlab import proc
from goarchlab.binary import inspect
from goarchlab.binary.macho import read_macho
from goarchlab.binary.machoquick import _CPU_NAMES, read_quick
from goarchlab.errors import GoarchlabError


def _both(p: Path):
    with p.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return read_quick(mm, len(mm)), read_macho(mm, 0, len(mm))


def test_cpu_names_are_macholibs():
    for number, name in _CPU_NAMES.items():
        assert mo.CPU_TYPE_NAMES[number] == name


@pytest.fixture(scope="module")
def darwin_files(toolchain_provider, go_new, session_go_env, hello_module, tmp_path_factory):
    """Real thin Mach-O files: a darwin/arm64 and a darwin/amd64 toolchain's go and
    gofmt, and hello built for both, with and without symbols and DWARF."""
    files = []
    for arch in ("arm64", "amd64"):
        tc = toolchain_provider(None, "darwin", arch)
        files += [tc.go, tc.goroot / "bin" / "gofmt"]
    out = tmp_path_factory.mktemp("machoquick")
    for arch in ("arm64", "amd64"):
        for flags in ((), ("-ldflags=-s -w",)):
            dest = out / f"hello_{arch}{'_s' if flags else ''}"
            r = proc.run([go_new.go, "build", *flags, "-o", str(dest), "./cmd/hello"],
                         env={**session_go_env, "GOOS": "darwin", "GOARCH": arch},
                         cwd=hello_module, timeout=600)
            assert r.ok, r.stderr
            files.append(dest)
    return [p for p in files if p.is_file()]


def test_quick_read_gives_what_the_full_reader_gives(darwin_files):
    assert len(darwin_files) >= 8
    seen = set()
    for p in darwin_files:
        quick, full = _both(p)
        assert quick is not None, p  # an ordinary thin Mach-O is read quickly
        assert quick == full, p
        assert inspect(p).slices == (quick,), p  # and inspect takes the quick read
        seen.add((quick.goarch, quick.stripped, quick.dwarf))
    assert {(a, s) for a, s, _ in seen} == {("arm64", True), ("arm64", False),
                                             ("amd64", True), ("amd64", False)}
    assert any(d for _, _, d in seen) and not all(d for _, _, d in seen)


def test_quick_read_leaves_damaged_files_to_the_full_reader(darwin_files, tmp_path):
    data = darwin_files[0].read_bytes()
    assert read_quick(data, len(data)) is not None
    cut = tmp_path / "go-cut"
    cut.write_bytes(data[: len(data) // 2])  # an interrupted download
    assert read_quick(cut.read_bytes(), len(data) // 2) is None
    with pytest.raises(GoarchlabError, match="truncated"):
        inspect(cut)  # the full reader's own words
    for n in (16, 40, 1000, len(data) - 1):  # header, load commands, the last byte cut
        assert read_quick(data[:n], n) is None, n
    odd = bytearray(data)
    odd[4:8] = (18).to_bytes(4, "little")  # CPU_TYPE_POWERPC
    assert read_quick(bytes(odd), len(odd)) is None
