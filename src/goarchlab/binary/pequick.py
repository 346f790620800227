"""The quick PE reader: an ordinary PE image read with ``struct`` alone.

Why a second reader beside goarchlab.binary.pe (pefile): importing pefile costs
~16 ms of CPU and its parse ~2 ms a file; xbuild reads two Windows artifacts per
run while its builds keep every core busy. This reader takes the DOS, file,
optional and section headers, the COFF symbol and string table bounds and the
import directory's DLL names, and builds the very Slice the full reader builds
(goarchlab.binary.buildinfo decodes the Go build info for both): tests compare
the two on real files.

It answers only for a well-formed image it fully understands: a known machine,
a standard optional header with 16 data directories, sections aligned as the PE
format asks (SectionAlignment >= 4 KiB, FileAlignment a power of two >= 512) with
distinct addresses and their raw data inside the file, an import table and DLL
names inside sections' raw data, the COFF tables inside the file. For anything
else it returns None and inspect runs the full reader, so errors and pefile's
own handling of odd files stay the full reader's.
"""

from __future__ import annotations

import itertools
import struct
from typing import Any

from goarchlab.binary import buildinfo
from goarchlab.binary.arch import pe_goarch
from goarchlab.binary.malformed import Truncated
from goarchlab.binary.model import Slice

#: FILE_HEADER.Machine values (winnt.h) with the names pefile gives them: the
#: machines Go has Windows ports for. Any other machine goes to the full reader.
_MACHINES = {0x014C: "IMAGE_FILE_MACHINE_I386", 0x8664: "IMAGE_FILE_MACHINE_AMD64",
             0xAA64: "IMAGE_FILE_MACHINE_ARM64", 0x01C4: "IMAGE_FILE_MACHINE_ARMNT",
             0x01C0: "IMAGE_FILE_MACHINE_ARM"}
_PE32, _PE32_PLUS = 0x10B, 0x20B
IMAGE_FILE_DLL = 0x2000
# Go's peExe.DataStart: the first section that is exactly initialized, readable,
# writable data (alignment bits aside) holds the build info blob.
DATA_RW = 0x00000040 | 0x40000000 | 0x80000000
ALIGN_32 = 0x00600000
_COFF_SYMBOL_SIZE = 18
_SECTION = struct.Struct("<8sIIIIIIHHI")
_IMPORT_DESC = struct.Struct("<IIIII")
#: pefile's MAX_DLL_LENGTH and its allowed_filename characters plus path separators.
_MAX_DLL = 0x200
_DLL_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                       b"!#$%&'()-@^_`{}~+,.;=[]:\\/")
_MAX_SECTIONS = 96
_MAX_IMPORTS = 4096


class _Unsure(Exception):
    """Something this reader does not handle: the full reader decides."""


def coff_string_table(ptr: int, nsyms: int, mm: Any, size: int) -> int:
    """File offset of the COFF string table (0: none) of an image of ``size`` bytes
    whose file header names the symbol table at ``ptr`` with ``nsyms`` symbols;
    :class:`Truncated` when either table runs past the end.

    Go's pe.NewFile reads both tables whole and fails on a file that cuts them: gcc
    and Go keep them after the sections, where no section bound catches a cut.
    """
    if ptr == 0:
        return 0
    # Go reads the string table whenever the pointer is set, symbols or not.
    at = ptr + nsyms * _COFF_SYMBOL_SIZE
    if at > size:
        raise Truncated(f"the COFF symbol table ends at byte {at}")
    if at + 4 > size:
        raise Truncated(f"the COFF string table's length ends at byte {at + 4}")
    length = int.from_bytes(mm[at : at + 4], "little")
    if length > 4 and at + length > size:
        raise Truncated(f"the COFF string table ends at byte {at + length}")
    return at


def section_name(raw: bytes, mm: Any, strtab: int) -> str:
    """A section name; ``/N`` names (longer than 8 bytes) live in the COFF string table."""
    name = raw.rstrip(b"\0").decode("utf-8", "replace")
    if name.startswith("/") and name[1:].isdigit() and strtab:
        at = strtab + int(name[1:])
        return mm[at : at + 64].split(b"\0", 1)[0].decode("utf-8", "replace")
    return name


def read_quick(mm: Any, size: int) -> Slice | None:
    """The Slice goarchlab.binary.pe.read_pe would return for the PE image mapped in
    ``mm`` (``size`` bytes), or None when this reader is not sure of it (then the
    full reader answers). Never raises for the file's contents."""
    try:
        return _read(mm, size)
    except (ValueError, struct.error, IndexError, _Unsure, Truncated, buildinfo.ParseError):
        return None


def _read(mm: Any, size: int) -> Slice:
    if size < 64 or mm[:2] != b"MZ":
        raise _Unsure
    nt = int.from_bytes(mm[0x3C:0x40], "little")
    if nt + 24 > size or mm[nt : nt + 4] != b"PE\0\0":
        raise _Unsure
    (machine, nsect, _, sym_ptr, nsyms, opt_size,
     characteristics) = struct.unpack_from("<HHIIIHH", mm[nt + 4 : nt + 24])
    mname = _MACHINES.get(machine)
    opt = nt + 24
    magic = int.from_bytes(mm[opt : opt + 2], "little")
    if magic == _PE32:
        image_base = int.from_bytes(mm[opt + 28 : opt + 32], "little")
        ndirs_at, dirs_at = opt + 92, opt + 96
    elif magic == _PE32_PLUS:
        image_base = int.from_bytes(mm[opt + 24 : opt + 32], "little")
        ndirs_at, dirs_at = opt + 108, opt + 112
    else:
        raise _Unsure
    sect_align, file_align = struct.unpack_from("<II", mm[opt + 32 : opt + 40])
    ndirs = int.from_bytes(mm[ndirs_at : ndirs_at + 4], "little")
    sections_at = opt + opt_size
    if (mname is None or ndirs != 16 or opt_size < dirs_at - opt + 16 * 8
            or sections_at + nsect * _SECTION.size > size or not 0 < nsect <= _MAX_SECTIONS
            or sect_align < 0x1000 or file_align < 0x200 or file_align & (file_align - 1)):
        raise _Unsure
    import_rva = int.from_bytes(mm[dirs_at + 8 : dirs_at + 12], "little")

    secs = []
    for i in range(nsect):
        raw = mm[sections_at + i * _SECTION.size : sections_at + (i + 1) * _SECTION.size]
        (name, vsize, va, raw_size, raw_ptr, _, _, _, _,
         flags) = _SECTION.unpack(raw)
        if (raw.count(0) == len(raw) or raw_ptr % file_align or raw_ptr + raw_size > size
                or va % sect_align or va > 0x10000000 or vsize > 0x10000000):
            raise _Unsure
        secs.append((va, vsize, raw_size, raw_ptr, flags, name))
    # pefile sorts the sections by address (a stable sort); distinct addresses keep
    # its section lookup unambiguous.
    secs.sort(key=lambda s: s[0])
    if any(a[0] == b[0] for a, b in itertools.pairwise(secs)):
        raise _Unsure
    strtab = coff_string_table(sym_ptr, nsyms, mm, size)

    regions: list[buildinfo.Region] = []
    bi_addr = bi_size = 0
    found = dwarf = False
    for va, vsize, raw_size, raw_ptr, flags, name in secs:
        regions.append(buildinfo.Region(va + image_base, raw_size, raw_ptr))
        if not found and va and raw_size and flags & ~ALIGN_32 == DATA_RW:
            bi_addr, bi_size, found = va + image_base, vsize, True
        if section_name(name, mm, strtab).startswith((".debug_info", ".zdebug_info")):
            dwarf = True

    libs = _dll_names(mm, secs, import_rva) if import_rva else ()

    def read_at(o: int, n: int) -> bytes:
        return mm[o : o + n]

    raw_bi = buildinfo.read_raw(buildinfo.AddressMap(regions, read_at), bi_addr, bi_size)
    go = buildinfo.decode(*raw_bi) if raw_bi else None
    return Slice(
        goarch=pe_goarch(machine),
        goos=(go.goos if go and go.goos else "windows"),
        bits=64 if magic == _PE32_PLUS else 32,
        endian="little",
        static=not libs,
        stripped=not (sym_ptr != 0 and nsyms != 0),
        interpreter=None,
        go=go,
        kind="shared-library" if characteristics & IMAGE_FILE_DLL else "executable",
        libraries=libs,
        dwarf=dwarf,
        machine=mname,
    )


def _raw_at(mm: Any, secs: list, rva: int, n: int) -> bytes:
    """Up to ``n`` bytes at ``rva`` from the raw data of the section holding it, as
    pefile's section lookup and get_data find them; _Unsure outside every section."""
    for i, (va, vsize, raw_size, raw_ptr, _, _) in enumerate(secs):
        span = max(raw_size, vsize)
        if i + 1 < len(secs) and va + span > secs[i + 1][0]:
            span = secs[i + 1][0] - va
        if va <= rva < va + span:
            start = rva - va + raw_ptr
            return mm[start : min(start + n, raw_ptr + raw_size)]
    raise _Unsure


def _dll_names(mm: Any, secs: list, rva: int) -> tuple[str, ...]:
    """The DLL names of the import directory at ``rva``, as pefile's
    parse_import_directory(dllnames_only=True) lists them."""
    out = []
    for _ in range(_MAX_IMPORTS):
        desc = _raw_at(mm, secs, rva, _IMPORT_DESC.size)
        if len(desc) < _IMPORT_DESC.size:
            raise _Unsure
        if desc.count(0) == len(desc):
            return tuple(out)
        rva += _IMPORT_DESC.size
        name_rva = _IMPORT_DESC.unpack(desc)[3]
        chunk = _raw_at(mm, secs, name_rva, _MAX_DLL)
        end = chunk.find(b"\0")
        dll = chunk[:end]
        if end <= 0 or not set(dll) <= _DLL_CHARS:
            raise _Unsure  # pefile drops or renames such entries: left to it
        out.append(dll.decode("ascii"))
    raise _Unsure
