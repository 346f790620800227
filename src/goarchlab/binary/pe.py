"""PE (Windows) images through pefile: arch, imports, symbols, Go build info."""

from __future__ import annotations

import pefile

from goarchlab.binary import buildinfo
from goarchlab.binary.arch import pe_goarch
from goarchlab.binary.malformed import Truncated
from goarchlab.binary.model import Slice
from goarchlab.binary.pequick import (
    ALIGN_32,
    DATA_RW,
    IMAGE_FILE_DLL,
    coff_string_table,
    section_name,
)

_IMPORT = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]


def read_pe(mm, size: int) -> Slice:
    """The image of a PE file mapped in ``mm`` (``size`` bytes). pefile errors propagate."""
    pe = pefile.PE(data=mm, fast_load=True)
    fh, oh = pe.FILE_HEADER, pe.OPTIONAL_HEADER
    bits = 64 if oh.Magic == pefile.OPTIONAL_HEADER_MAGIC_PE_PLUS else 32
    image_base = oh.ImageBase
    symbols = fh.PointerToSymbolTable != 0 and fh.NumberOfSymbols != 0
    strtab = coff_string_table(fh.PointerToSymbolTable, fh.NumberOfSymbols, mm, size)

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
            and s.Characteristics & ~ALIGN_32 == DATA_RW
        ):
            bi_addr, bi_size = s.VirtualAddress + image_base, s.Misc_VirtualSize
            found = True
        if section_name(s.Name, mm, strtab).startswith((".debug_info", ".zdebug_info")):
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
        kind="shared-library" if fh.Characteristics & IMAGE_FILE_DLL else "executable",
        libraries=libs,
        dwarf=dwarf,
        machine=str(machine),
    )
