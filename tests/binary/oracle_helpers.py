"""The Go oracle of the binary tests: tests/binary/oracle/main.go (standard library
only) says what Go's debug/elf, debug/macho, debug/pe and debug/buildinfo read
from a file; :func:`disagreements` lists where ``goarchlab inspect --json`` says
otherwise. Also the hostile variants of real files the oracle is run on."""

from __future__ import annotations

import base64
import gzip
import json
import struct
import sys
from pathlib import Path

from goarchlab import proc

ORACLE_SRC = Path(__file__).parent / "oracle"
#: Source files in Go's debug/*/testdata that are not binaries.
_NOT_BINARY = {".c", ".h", ".cc", ".go", ".s", ".md", ".mod"}


def build_oracle(go: str, env: dict[str, str], dest: Path) -> Path:
    """Build the oracle with the ``go`` command at path ``go``; returns the binary."""
    r = proc.run([go, "build", "-o", str(dest), "."], env=env, cwd=ORACLE_SRC, timeout=300)
    assert r.ok, f"building the oracle: {r.stderr}"
    return dest


def run_oracle(oracle: Path, paths: list[Path]) -> dict[str, dict]:
    """The oracle's verdict on each path, by path (it only reads the files)."""
    r = proc.run([str(oracle), *map(str, paths)], env={}, timeout=300)
    assert r.ok, r.stderr
    return {d["path"]: d for d in map(json.loads, r.stdout.splitlines())}


def run_goarchlab(paths: list[Path]) -> dict[str, dict]:
    """``goarchlab inspect --json`` of every path (one run), its entries by path."""
    r = proc.run(
        [sys.executable, "-m", "goarchlab", "inspect", "--json", *map(str, paths)],
        env={"PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert r.returncode in (0, 3), r.stderr
    return {f["path"]: f for f in json.loads(r.stdout)["files"]}


def go_testdata(goroot: Path, dest: Path) -> list[Path]:
    """Every binary of ``goroot``/src/debug/*/testdata (base64 and gzip ones decoded
    into ``dest``), sorted."""
    out = []
    debug = goroot / "src" / "debug"
    for p in sorted(debug.glob("*/testdata/**/*")):
        if not p.is_file() or p.suffix in _NOT_BINARY or "fuzz" in p.parts:
            continue
        if p.suffix in (".base64", ".gz"):
            q = dest / f"{p.relative_to(debug).parts[0]}-{p.stem}"
            raw = p.read_bytes()
            q.write_bytes(base64.b64decode(raw) if p.suffix == ".base64" else gzip.decompress(raw))
            p = q
        out.append(p)
    return out


def _compare_go(where: str, want: dict | None, got: dict | None) -> list[str]:
    if (want is None) != (got is None):
        return [f"{where}: go: Go says {want and want['go_version']}, goarchlab {got}"]
    if want is None:
        return []
    bad = []
    for k in ("go_version", "path", "main_module", "main_version", "settings"):
        if want[k] != got[k]:
            bad.append(f"{where}: go.{k}: Go says {want[k]!r}, goarchlab {got[k]!r}")
    return bad


def disagreements(oracle: dict, mine: dict) -> list[str]:
    """Every field where goarchlab's entry ``mine`` differs from the oracle's verdict
    (one line each); fields the oracle leaves out are not compared."""
    p = oracle["path"]
    if oracle["error"]:
        if mine["error"] is None:
            return [f"{p}: Go's readers fail ({oracle['detail']}), goarchlab reads the file"]
        return []
    if mine["error"] is not None:
        return [f"{p}: Go reads the file, goarchlab says {mine['error']}"]
    b = mine["binary"]
    if b["format"] != oracle["format"] or len(b["slices"]) != len(oracle["slices"]):
        return [f"{p}: format {b['format']}/{len(b['slices'])} slices, Go: {oracle['format']}"]
    bad = []
    for i, (want, got) in enumerate(zip(oracle["slices"], b["slices"], strict=True)):
        where = f"{p}[{i}]"
        for k in ("goarch", "goos", "bits", "endian", "interpreter", "dwarf"):
            if k in want and want[k] != got[k]:
                bad.append(f"{where}: {k}: Go says {want[k]!r}, goarchlab {got[k]!r}")
        bad += _compare_go(where, want["go"], got["go"])
    return bad


# --- hostile variants of real files -----------------------------------------------------


def elf_phdrs(data: bytes) -> list[tuple[int, int, int, int]]:
    """(header offset, p_type, p_offset, p_filesz) of each program header of a
    little-endian ELF64 image."""
    assert data[4] == 2 and data[5] == 1, "an ELF64 little-endian file"
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    out = []
    for i in range(phnum):
        at = phoff + i * phentsize
        p_type, _flags, p_offset, _va, _pa, p_filesz = struct.unpack_from("<IIQQQQ", data, at)
        out.append((at, p_type, p_offset, p_filesz))
    return out


def elf_sections(data: bytes) -> dict[str, tuple[int, int]]:
    """name -> (sh_offset, sh_size) of a little-endian ELF64 image."""
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    hdrs = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_at = hdrs[shstrndx][4]
    out = {}
    for name, _t, _f, _a, off, size in hdrs:
        end = data.index(b"\0", names_at + name)
        out[data[names_at + name : end].decode()] = (off, size)
    return out


def interp_filesz_zero(data: bytes) -> bytes:
    """``data`` (an ELF64 LE with PT_INTERP) with the PT_INTERP p_filesz set to 0."""
    out = bytearray(data)
    (at,) = [at for at, t, _o, _n in elf_phdrs(data) if t == 3]  # PT_INTERP
    struct.pack_into("<Q", out, at + 32, 0)
    return bytes(out)


def sstrip(data: bytes) -> bytes:
    """``data`` (an ELF64 LE) without section headers, as sstrip leaves it: e_shoff,
    e_shnum and e_shstrndx zeroed."""
    out = bytearray(data)
    struct.pack_into("<Q", out, 0x28, 0)
    struct.pack_into("<HH", out, 0x3C, 0, 0)
    return bytes(out)


def macho_debug_in_unnamed_segment(data: bytes) -> bytes:
    """A little-endian 64-bit Mach-O object (one unnamed segment, as compilers write
    them) with its ``__TEXT,__cstring`` section renamed ``__DWARF,__debug_info``."""
    magic, _cpu, _sub, filetype, ncmds = struct.unpack_from("<IiiII", data, 0)
    assert magic == 0xFEEDFACF and filetype == 1, "a 64-bit Mach-O object"
    out = bytearray(data)
    off = 32
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, off)
        if cmd == 0x19:  # LC_SEGMENT_64
            assert data[off + 8 : off + 24].rstrip(b"\0") == b"", "an unnamed segment"
            (nsects,) = struct.unpack_from("<I", data, off + 64)
            for j in range(nsects):
                s = off + 72 + j * 80
                if data[s : s + 16].rstrip(b"\0") == b"__cstring":
                    out[s : s + 32] = b"__debug_info".ljust(16, b"\0") + b"__DWARF".ljust(16, b"\0")
                    return bytes(out)
        off += size
    raise AssertionError("no __cstring section")


def pe_string_table(data: bytes) -> tuple[int, int]:
    """(offset, length) of a PE file's COFF string table (its length field included)."""
    (lfanew,) = struct.unpack_from("<I", data, 0x3C)
    ptr, nsyms = struct.unpack_from("<II", data, lfanew + 4 + 8)
    assert ptr and nsyms, "a PE with a COFF symbol table"
    at = ptr + 18 * nsyms
    return at, struct.unpack_from("<I", data, at)[0]
