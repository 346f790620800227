"""The quick ELF reader: an ordinary ELF executable read with ``struct`` alone.

Why a second reader beside goarchlab.binary.elf (pyelftools): pyelftools'
import (with the DWARF, construct and pdb modules it pulls in) costs ~30 ms of
CPU, more than reading a whole toolchain binary; doctor reads the go on PATH
before it can start ``go env``, and xbuild reads eight artifacts while builds
fill the cores. This reader uses the ELF, program and section headers, the
dynamic table and ``.go.buildinfo`` (decoded by goarchlab.binary.buildinfo, the
decoder both use), and builds the very Slice the full reader builds: tests
compare the two on real binaries, and the Go oracle checks inspect's answers.

It answers only for a well-formed file it fully understands (a known machine,
standard header sizes, every segment and section inside the file, section
names and library names in ASCII, a dynamic string table found through the
dynamic section). For anything else it returns None and inspect runs the full
reader, so errors (truncated, malformed) are worded as that reader words them.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from goarchlab.binary import buildinfo
from goarchlab.binary.arch import elf_goarch
from goarchlab.binary.model import Slice

#: e_machine numbers (elf.h) with the names pyelftools gives them: the machines Go
#: has ports for. Any other machine goes to the full reader.
_MACHINES = {3: "EM_386", 8: "EM_MIPS", 10: "EM_MIPS_RS3_LE", 20: "EM_PPC", 21: "EM_PPC64",
             22: "EM_S390", 40: "EM_ARM", 62: "EM_X86_64", 183: "EM_AARCH64", 243: "EM_RISCV",
             258: "EM_LOONGARCH"}
#: EI_OSABI values (elf.h) that name a GOOS, as goarchlab.binary.elf reads them.
_OSABI_GOOS = {3: "linux", 9: "freebsd", 2: "netbsd", 12: "openbsd", 6: "solaris", 7: "aix"}
_INTERP_GOOS = (
    ("/system/bin/linker", "android"),
    ("ld-linux", "linux"),
    ("ld-musl", "linux"),
    ("/ld64.so", "linux"),
    ("ld-elf.so", "freebsd"),
    ("ld.elf_so", "netbsd"),
    ("/usr/libexec/ld.so", "openbsd"),
    ("/usr/lib/ld.so.1", "solaris"),
    ("/usr/lib/amd64/ld.so.1", "solaris"),
)
_NOTE_GOOS = {".note.netbsd.ident": "netbsd", ".note.openbsd.ident": "openbsd",
              ".note.ABI-tag": "linux", ".note.android.ident": "android"}
_PT_DYNAMIC, _PT_INTERP = 2, 3
_SHT_SYMTAB, _SHT_DYNAMIC, _SHT_NOBITS = 2, 6, 8
_DT_NULL, _DT_NEEDED, _DT_FLAGS_1 = 0, 1, 0x6FFFFFFB
_DF_1_PIE = 0x08000000
#: A header larger than this (program + section tables) is left to the full reader.
_MAX_TABLE = 1 << 20


class _Unsure(Exception):
    """Something this reader does not handle: the full reader decides."""


def read_quick(read_at: Callable[[int, int], bytes], size: int) -> Slice | None:
    """The Slice goarchlab.binary.elf.read_elf would return for the ELF image of
    ``size`` bytes that ``read_at(offset, n)`` reads, or None when this reader is not
    sure of it (then the full reader answers). Never raises for the file's contents;
    reads at most ``_MAX_TABLE`` bytes at a time."""
    try:
        return _read(read_at, size)
    except (ValueError, struct.error, UnicodeDecodeError, _Unsure, buildinfo.ParseError):
        return None


def _read(read_at: Callable[[int, int], bytes], size: int) -> Slice:
    ident = read_at(0, 64)
    if ident[:4] != b"\x7fELF" or ident[4] not in (1, 2) or ident[5] not in (1, 2):
        raise _Unsure
    bits = 64 if ident[4] == 2 else 32
    endian = "little" if ident[5] == 1 else "big"
    o = "<" if endian == "little" else ">"
    if bits == 64:
        (etype, machine, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum,
         shstrndx) = struct.unpack_from(o + "HHIQQQIHHHHHH", ident, 16)
        ph_fmt, sh_fmt, dyn_fmt = o + "IIQQQQQQ", o + "IIQQQQIIQQ", o + "qQ"
    else:
        (etype, machine, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum,
         shstrndx) = struct.unpack_from(o + "HHIIIIIHHHHHH", ident, 16)
        ph_fmt, sh_fmt, dyn_fmt = o + "IIIIIIII", o + "IIIIIIIIII", o + "iI"
    mname = _MACHINES.get(machine)
    if (mname is None or phentsize != struct.calcsize(ph_fmt)
            or (shoff and shentsize != struct.calcsize(sh_fmt)) or phnum == 0xFFFF
            or (shoff and (shnum == 0 or shstrndx in (0, 0xFFFF) or shstrndx >= shnum))
            or phnum * phentsize > _MAX_TABLE or shnum * shentsize > _MAX_TABLE
            or phoff + phnum * phentsize > size or (shoff and shoff + shnum * shentsize > size)):
        raise _Unsure

    # Program headers: (type, offset, vaddr, filesz), fields in each class's order.
    ph = read_at(phoff, phnum * phentsize)
    segs = []
    for i in range(phnum):
        v = struct.unpack_from(ph_fmt, ph, i * phentsize)
        if bits == 64:
            p_type, p_offset, p_vaddr, p_filesz = v[0], v[2], v[3], v[5]
        else:
            p_type, p_offset, p_vaddr, p_filesz = v[0], v[1], v[2], v[4]
        if p_filesz and p_offset + p_filesz > size:
            raise _Unsure
        segs.append((p_type, p_offset, p_vaddr, p_filesz))

    # Section headers: (name offset, type, addr, offset, size, link).
    secs = []
    if shoff:
        sh = read_at(shoff, shnum * shentsize)
        for i in range(shnum):
            v = struct.unpack_from(sh_fmt, sh, i * shentsize)
            s_name, s_type, s_addr, s_offset, s_size, s_link = v[0], v[1], v[3], v[4], v[5], v[6]
            if s_type != _SHT_NOBITS and s_size and s_offset + s_size > size:
                raise _Unsure
            secs.append((s_name, s_type, s_addr, s_offset, s_size, s_link))
        strtab = secs[shstrndx]
        if strtab[4] > _MAX_TABLE:
            raise _Unsure
        names_blob = read_at(strtab[3], strtab[4])
    names = [_cstring(names_blob, s[0]) for s in secs] if secs else []

    interp: str | None = None
    libs: list[str] = []
    flags_1 = 0
    regions = []
    for p_type, p_offset, p_vaddr, p_filesz in segs:
        regions.append(buildinfo.Region(p_vaddr, p_filesz, p_offset))
        if p_type == _PT_INTERP:
            path = read_at(p_offset, p_filesz).split(b"\0", 1)[0]
            interp = path.decode("utf-8", "replace") or None
        elif p_type == _PT_DYNAMIC and p_filesz:
            # pyelftools resolves names through the string table that the dynamic
            # section at the segment's offset links to; without one, the full reader.
            dyn = next((s for s in secs if s[1] == _SHT_DYNAMIC and s[3] == p_offset), None)
            if dyn is None or dyn[5] >= len(secs) or p_filesz > _MAX_TABLE:
                raise _Unsure
            str_off = secs[dyn[5]][3]
            blob = read_at(p_offset, p_filesz)
            step = struct.calcsize(dyn_fmt)
            for k in range(0, len(blob) - step + 1, step):
                tag, val = struct.unpack_from(dyn_fmt, blob, k)
                if tag == _DT_NULL:
                    break
                if tag == _DT_NEEDED:
                    libs.append(_cstring_at(read_at, str_off + val))
                elif tag == _DT_FLAGS_1:
                    flags_1 = val

    symtab = dwarf = False
    goos = _OSABI_GOOS.get(ident[7])
    bi_addr = bi_size = 0
    for (_, s_type, s_addr, _, s_size, _), sname in zip(secs, names, strict=True):
        if s_type == _SHT_SYMTAB:
            symtab = True
        elif sname == ".go.buildinfo":
            bi_addr, bi_size = s_addr, s_size
        elif sname.startswith((".debug_info", ".zdebug_info")):
            dwarf = True
        elif goos is None and sname in _NOTE_GOOS:
            goos = _NOTE_GOOS[sname]
    if goos is None and interp:
        goos = next((g for pat, g in _INTERP_GOOS if pat in interp), None)

    raw = buildinfo.read_raw(buildinfo.AddressMap(regions, read_at), bi_addr, bi_size)
    go = buildinfo.decode(*raw) if raw else None
    if etype == 2:
        kind = "executable"
    elif etype == 3:
        kind = "executable" if interp or flags_1 & _DF_1_PIE else "shared-library"
    else:
        kind = {1: "object", 4: "core"}.get(etype, "other")
    return Slice(goarch=elf_goarch(mname, bits, endian),
                 goos=(go.goos if go and go.goos else goos), bits=bits, endian=endian,
                 static=interp is None and not libs, stripped=not symtab, interpreter=interp,
                 go=go, kind=kind, libraries=tuple(libs), dwarf=dwarf, machine=mname)


def _cstring(blob: bytes, off: int) -> str:
    end = blob.find(b"\0", off)
    if off >= len(blob) or end < 0:
        raise _Unsure
    raw = blob[off:end]
    if not raw.isascii():
        raise _Unsure  # pyelftools' decoding of other bytes is left to it
    return raw.decode()


def _cstring_at(read_at, off: int) -> str:
    chunk = read_at(off, 4096)
    end = chunk.find(b"\0")
    if end < 0 or not chunk[:end].isascii():
        raise _Unsure
    return chunk[:end].decode()
