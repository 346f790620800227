"""ELF images through pyelftools: arch, linkage, symbols, Go build info."""

from __future__ import annotations

from typing import BinaryIO

from elftools.elf.elffile import ELFFile

from goarchlab.binary import buildinfo
from goarchlab.binary.arch import elf_goarch
from goarchlab.binary.malformed import Truncated
from goarchlab.binary.model import Slice

_OSABI_GOOS = {
    "ELFOSABI_LINUX": "linux",
    "ELFOSABI_FREEBSD": "freebsd",
    "ELFOSABI_NETBSD": "netbsd",
    "ELFOSABI_OPENBSD": "openbsd",
    "ELFOSABI_SOLARIS": "solaris",
    "ELFOSABI_AIX": "aix",
}
#: Dynamic loaders whose path names the OS (the first match wins).
_INTERP_GOOS = (
    ("/system/bin/linker", "android"),
    ("ld-linux", "linux"),
    ("ld-musl", "linux"),
    ("/ld64.so", "linux"),  # s390x, ppc64 glibc
    ("ld-elf.so", "freebsd"),
    ("ld.elf_so", "netbsd"),
    ("/usr/libexec/ld.so", "openbsd"),
    ("/usr/lib/ld.so.1", "solaris"),
    ("/usr/lib/amd64/ld.so.1", "solaris"),
)
_NOTE_GOOS = {
    ".note.netbsd.ident": "netbsd",
    ".note.openbsd.ident": "openbsd",
    ".note.ABI-tag": "linux",
    ".note.android.ident": "android",
}
_DF_1_PIE = 0x08000000


def read_elf(f: BinaryIO, read_at, size: int) -> Slice:
    """The single image of an ELF file.

    ``f`` is the open file, ``read_at(offset, n)`` reads bytes at a file offset,
    ``size`` is the file size in bytes. Raises :class:`Truncated` when a segment,
    a section or the section table lies past the end of the file; any pyelftools error
    propagates (the caller turns it into a GoarchlabError).
    """
    e = ELFFile(f)
    hdr = e.header
    bits = e.elfclass
    endian = "little" if e.little_endian else "big"
    machine = hdr["e_machine"]
    shend = hdr["e_shoff"] + hdr["e_shnum"] * hdr["e_shentsize"]
    if hdr["e_shoff"] and shend > size:
        raise Truncated(f"section headers end at byte {shend}")

    interp: str | None = None
    libs: list[str] = []
    flags_1 = 0
    regions: list[buildinfo.Region] = []
    for seg in e.iter_segments():
        t = seg["p_type"]
        end = seg["p_offset"] + seg["p_filesz"]
        if seg["p_filesz"] and end > size:
            what = "a loadable segment" if t == "PT_LOAD" else f"segment {t}"
            raise Truncated(f"{what} ends at byte {end}")
        # Like Go's elfExe.DataReader, any program header maps addresses.
        regions.append(buildinfo.Region(seg["p_vaddr"], seg["p_filesz"], seg["p_offset"]))
        if t == "PT_INTERP":
            # The path is the segment's p_filesz bytes up to the first NUL, as Go's
            # Prog reader sees it (pyelftools reads on past p_filesz); none: no loader.
            path = read_at(seg["p_offset"], seg["p_filesz"]).split(b"\0", 1)[0]
            interp = path.decode("utf-8", "replace") or None
        elif t == "PT_DYNAMIC":
            for tag in seg.iter_tags():
                if tag.entry.d_tag == "DT_NEEDED":
                    libs.append(tag.needed)
                elif tag.entry.d_tag == "DT_FLAGS_1":
                    flags_1 = tag.entry.d_val

    symtab = dwarf = False
    goos = _OSABI_GOOS.get(hdr["e_ident"]["EI_OSABI"])
    bi_addr = bi_size = 0
    for i, sec in enumerate(e.iter_sections()):
        name = sec.name
        # Go's section readers hit the end of the file for a section cut short (a
        # Go ELF keeps its section headers up front, so a cut .symtab shows only here).
        end = sec["sh_offset"] + sec["sh_size"]
        if sec["sh_type"] != "SHT_NOBITS" and sec["sh_size"] and end > size:
            # Its name may lie in the cut-off part.
            raise Truncated(f"section {name or f'number {i}'} ends at byte {end}")
        if sec["sh_type"] == "SHT_SYMTAB":
            symtab = True
        elif name == ".go.buildinfo":
            bi_addr, bi_size = sec["sh_addr"], sec["sh_size"]
        elif name.startswith((".debug_info", ".zdebug_info")):
            dwarf = True
        elif goos is None and name in _NOTE_GOOS:
            goos = _NOTE_GOOS[name]
    if goos is None and interp:
        goos = next((g for pat, g in _INTERP_GOOS if pat in interp), None)

    raw = buildinfo.read_raw(buildinfo.AddressMap(regions, read_at), bi_addr, bi_size)
    go = buildinfo.decode(*raw) if raw else None
    etype = hdr["e_type"]
    if etype == "ET_EXEC":
        kind = "executable"
    elif etype == "ET_DYN":
        kind = "executable" if interp or flags_1 & _DF_1_PIE else "shared-library"
    else:
        kind = {"ET_REL": "object", "ET_CORE": "core"}.get(etype, "other")
    return Slice(
        goarch=elf_goarch(machine, bits, endian),
        goos=(go.goos if go and go.goos else goos),
        bits=bits,
        endian=endian,
        static=interp is None and not libs,
        stripped=not symtab,
        interpreter=interp,
        go=go,
        kind=kind,
        libraries=tuple(libs),
        dwarf=dwarf,
        machine=machine if isinstance(machine, str) else f"EM_{machine}",
    )
