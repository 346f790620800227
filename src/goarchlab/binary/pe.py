"""PE (Windows) images through pefile: arch, imports, symbols, Go build info."""

from __future__ import annotations

import pefile

from goarchlab.binary import buildinfo
from goarchlab.binary.arch import pe_goarch
from goarchlab.binary.malformed import Truncated
from goarchlab.binary.model import Slice

_IMPORT = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]
_IMAGE_FILE_DLL = 0x2000
# Go's peExe.DataStart: the first section that is exactly initialized, readable,
# writable data (alignment bits aside) holds the build info blob.
_DATA_RW = 0x00000040 | 0x40000000 | 0x80000000
_ALIGN_32 = 0x00600000
_COFF_SYMBOL_SIZE = 18


def _section_name(pe: pefile.PE, raw: bytes, mm, strtab: int) -> str:
    """A section name; ``/N`` names (longer than 8 bytes) live in the COFF string table."""
    name = raw.rstrip(b"\0").decode("utf-8", "replace")
    if name.startswith("/") and name[1:].isdigit() and strtab:
        at = strtab + int(name[1:])
        return mm[at : at + 64].split(b"\0", 1)[0].decode("utf-8", "replace")
    return name


def _check_coff_tables(fh: pefile.Structure, mm, size: int) -> int:
    """File offset of the COFF string table (0: none); :class:`Truncated` when the
    symbol or string table the file header names runs past ``size`` bytes.

    Go's pe.NewFile reads both tables whole and fails on a file that cuts them: gcc
    and Go keep them after the sections, where no section bound catches a cut.
    """
    ptr = fh.PointerToSymbolTable
    if ptr == 0:
        return 0
    # Go reads the string table whenever the pointer is set, symbols or not.
    at = ptr + fh.NumberOfSymbols * _COFF_SYMBOL_SIZE
    if at > size:
        raise Truncated(f"the COFF symbol table ends at byte {at}")
    if at + 4 > size:
        raise Truncated(f"the COFF string table's length ends at byte {at + 4}")
    length = int.from_bytes(mm[at : at + 4], "little")
    if length > 4 and at + length > size:
        raise Truncated(f"the COFF string table ends at byte {at + length}")
    return at


def read_pe(mm, size: int) -> Slice:
    """The image of a PE file mapped in ``mm`` (``size`` bytes). pefile errors propagate."""
    pe = pefile.PE(data=mm, fast_load=True)
    fh, oh = pe.FILE_HEADER, pe.OPTIONAL_HEADER
    bits = 64 if oh.Magic == pefile.OPTIONAL_HEADER_MAGIC_PE_PLUS else 32
    image_base = oh.ImageBase
    symbols = fh.PointerToSymbolTable != 0 and fh.NumberOfSymbols != 0
    strtab = _check_coff_tables(fh, mm, size)

    regions: list[buildinfo.Region] = []
    bi_addr = bi_size = 0
    found = dwarf = False
    for s in pe.sections:
        end = s.PointerToRawData + s.SizeOfRawData
        if s.SizeOfRawData and end > size:
            raise Truncated(f"a section ends at byte {end}")
        regions.append(
            buildinfo.Region(s.VirtualAddress + image_base, s.SizeOfRawData, s.PointerToRawData)
        )
        if (
            not found
            and s.VirtualAddress
            and s.SizeOfRawData
            and s.Characteristics & ~_ALIGN_32 == _DATA_RW
        ):
            bi_addr, bi_size = s.VirtualAddress + image_base, s.Misc_VirtualSize
            found = True
        if _section_name(pe, s.Name, mm, strtab).startswith((".debug_info", ".zdebug_info")):
            dwarf = True

    pe.parse_data_directories(directories=[_IMPORT], import_dllnames_only=True)
    libs = tuple(
        imp.dll.decode("utf-8", "replace") for imp in getattr(pe, "DIRECTORY_ENTRY_IMPORT", ())
    )

    def read_at(o: int, n: int) -> bytes:
        return mm[o : o + n]

    raw = buildinfo.read_raw(buildinfo.AddressMap(regions, read_at), bi_addr, bi_size)
    go = buildinfo.decode(*raw) if raw else None
    machine = pefile.MACHINE_TYPE.get(fh.Machine, f"{fh.Machine:#x}")
    return Slice(
        goarch=pe_goarch(fh.Machine),
        goos=(go.goos if go and go.goos else "windows"),
        bits=bits,
        endian="little",
        static=not libs,
        stripped=not symbols,
        interpreter=None,
        go=go,
        kind="shared-library" if fh.Characteristics & _IMAGE_FILE_DLL else "executable",
        libraries=libs,
        dwarf=dwarf,
        machine=str(machine),
    )
