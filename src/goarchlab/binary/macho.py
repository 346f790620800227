"""Mach-O images, thin and universal, decoded with macholib's structure definitions.

Why not ``macholib.MachO.MachO``: its loader reads every section's bytes into
memory (the whole 16 MB of a ``go`` binary, twice for a universal one), while
we need only the load commands, a few KiB. So this module walks the load
commands itself over the mapped file and lets macholib's ``mach_header``,
``segment_command_64``, ``section_64``, ``dylib_command``, ``fat_arch`` ...
decode each structure.
"""

from __future__ import annotations

from macholib import mach_o as mo
from macholib.ptypes import sizeof

from goarchlab.binary import buildinfo
from goarchlab.binary.arch import macho_goarch
from goarchlab.binary.malformed import Malformed, Truncated
from goarchlab.binary.model import Slice

THIN_MAGICS = {
    mo.MH_MAGIC: (">", 32),
    mo.MH_CIGAM: ("<", 32),
    mo.MH_MAGIC_64: (">", 64),
    mo.MH_CIGAM_64: ("<", 64),
}
#: A Java class file starts with the same 0xCAFEBABE; its next word (the class
#: version, >= 45) is where a universal header keeps its slice count.
MAX_FAT_ARCHS = 44

_DYLIB_CMDS = {
    mo.LC_LOAD_DYLIB,
    mo.LC_LOAD_WEAK_DYLIB,
    mo.LC_REEXPORT_DYLIB,
    mo.LC_LAZY_LOAD_DYLIB,
    mo.LC_LOAD_UPWARD_DYLIB,
}
#: LC_BUILD_VERSION platforms -> GOOS (Go's ios port covers the simulator too).
_PLATFORM_GOOS = {
    mo.PLATFORM_MACOS: "darwin",
    mo.PLATFORM_IOS: "ios",
    mo.PLATFORM_IOSSIMULATOR: "ios",
    mo.PLATFORM_MACCATALYST: "ios",
}
_KIND = {
    mo.MH_EXECUTE: "executable",
    mo.MH_DYLIB: "shared-library",
    mo.MH_BUNDLE: "shared-library",
    mo.MH_OBJECT: "object",
    mo.MH_CORE: "core",
}


def fat_slices(mm, size: int) -> list[tuple[int, int]]:
    """(offset, size) in bytes of every slice of a universal file of ``size`` bytes, in
    header order.

    Raises :class:`Malformed` for a slice count that is 0 or looks like a Java
    class file, :class:`Truncated` for a slice past the end of the file.
    """
    magic = int.from_bytes(mm[0:4], "big")
    fat = mo.fat_header.from_str(mm[0:8], _endian_=">")
    if fat.nfat_arch == 0 or fat.nfat_arch > MAX_FAT_ARCHS:
        raise Malformed(f"universal header lists {fat.nfat_arch} slices (a Java class file?)")
    cls = mo.fat_arch64 if magic == mo.FAT_MAGIC_64 else mo.fat_arch
    n = sizeof(cls)
    out = []
    for i in range(fat.nfat_arch):
        off = 8 + i * n
        if off + n > size:
            raise Truncated("universal header is cut short")
        a = cls.from_str(mm[off : off + n], _endian_=">")
        if a.offset + a.size > size:
            raise Truncated(f"slice {i} ends at byte {a.offset + a.size}")
        out.append((int(a.offset), int(a.size)))
    return out


def _cstr(b: bytes) -> str:
    return b.split(b"\0", 1)[0].decode("utf-8", "replace")


def _check_symtab(st, bits: int, size: int) -> None:
    """Go's macho.NewFile reads the symbol and string tables whole: a cut one is an error.
    Offsets are from the start of the image of ``size`` bytes."""
    if st.stroff + st.strsize > size:
        raise Truncated(f"the string table ends at byte {st.stroff + st.strsize}")
    end = st.symoff + st.nsyms * (16 if bits == 64 else 12)
    if st.nsyms and end > size:
        raise Truncated(f"the symbol table ends at byte {end}")


def _check_dysymtab(dst, nsyms: int | None, size: int) -> None:
    """What Go's macho.NewFile rejects in LC_DYSYMTAB: no LC_SYMTAB before it, undefined
    symbols past the symbol table (``nsyms``), indirect symbols past the image."""
    if nsyms is None:
        raise Malformed("dynamic symbol table seen before any ordinary symbol table")
    if dst.iundefsym + dst.nundefsym > nsyms:
        raise Malformed(
            f"dynamic symbol table names undefined symbols up to {dst.iundefsym + dst.nundefsym},"
            f" the symbol table has {nsyms}"
        )
    end = dst.indirectsymoff + dst.nindirectsyms * 4
    if dst.nindirectsyms and end > size:
        raise Truncated(f"the indirect symbol table ends at byte {end}")


def read_macho(mm, base: int, size: int) -> Slice:
    """The Mach-O image at file offset ``base`` of ``size`` bytes (the whole file
    for a thin Mach-O, one slice of a universal one). ``mm`` is the mapped file."""
    magic = int.from_bytes(mm[base : base + 4], "big")
    if magic not in THIN_MAGICS:
        raise Malformed(f"no Mach-O header at byte {base}")
    e, bits = THIN_MAGICS[magic]
    kw = {"_endian_": e}
    hcls = mo.mach_header_64 if bits == 64 else mo.mach_header
    hend = base + sizeof(hcls)
    if hend > base + size:
        raise Truncated("Mach-O header is cut short")
    hdr = hcls.from_str(mm[base:hend], **kw)
    end = hend + hdr.sizeofcmds
    if end > base + size:
        raise Truncated(f"load commands end at byte {end}")
    seg_cls, sect_cls = (
        (mo.segment_command_64, mo.section_64) if bits == 64 else (mo.segment_command, mo.section)
    )

    regions: list[buildinfo.Region] = []
    libs: list[str] = []
    interp: str | None = None
    goos: str | None = None
    nsyms = 0
    symtab_seen = False
    nlocal: int | None = None
    dwarf = False
    bi_addr = bi_size = 0
    off = hend
    for _ in range(hdr.ncmds):
        if off + 8 > end:
            raise Malformed("load commands overrun sizeofcmds")
        lc = mo.load_command.from_str(mm[off : off + 8], **kw)
        if lc.cmdsize < 8 or off + lc.cmdsize > end:
            raise Malformed(f"load command {lc.cmd:#x} has a bad size {lc.cmdsize}")
        body = mm[off + 8 : off + lc.cmdsize]
        cmd = lc.cmd
        if cmd in (mo.LC_SEGMENT, mo.LC_SEGMENT_64) and cmd == (
            mo.LC_SEGMENT_64 if bits == 64 else mo.LC_SEGMENT
        ):
            seg = seg_cls.from_str(body[: sizeof(seg_cls)], **kw)
            name = _cstr(seg.segname)
            if seg.fileoff + seg.filesize > size:
                raise Truncated(f"segment {name} ends at byte {base + seg.fileoff + seg.filesize}")
            if name != "__PAGEZERO":
                regions.append(buildinfo.Region(seg.vmaddr, seg.filesize, base + seg.fileoff))
            at = sizeof(seg_cls)
            if at + seg.nsects * sizeof(sect_cls) > len(body):
                raise Malformed(f"segment {name} lists more sections than fit")
            for _j in range(seg.nsects):
                sect = sect_cls.from_str(body[at : at + sizeof(sect_cls)], **kw)
                at += sizeof(sect_cls)
                sectname = _cstr(sect.sectname)
                if sectname == "__go_buildinfo":
                    bi_addr, bi_size = sect.addr, sect.size
                # Like Go's File.DWARF: the section name counts, whatever segment
                # holds it (an object file keeps all its sections in one unnamed one).
                dwarf = dwarf or sectname in ("__debug_info", "__zdebug_info")
        elif cmd in _DYLIB_CMDS or cmd == mo.LC_LOAD_DYLINKER:
            name_off = int.from_bytes(body[0:4], "little" if e == "<" else "big")
            text = _cstr(mm[off + name_off : off + lc.cmdsize]) if name_off >= 12 else ""
            if cmd == mo.LC_LOAD_DYLINKER:
                interp = text
            else:
                libs.append(text)
        elif cmd == mo.LC_SYMTAB:
            st = mo.symtab_command.from_str(body[:16], **kw)
            _check_symtab(st, bits, size)
            nsyms, symtab_seen = st.nsyms, True
        elif cmd == mo.LC_DYSYMTAB:
            dst = mo.dysymtab_command.from_str(body[:72], **kw)
            _check_dysymtab(dst, nsyms if symtab_seen else None, size)
            nlocal = dst.nlocalsym
        elif cmd == mo.LC_BUILD_VERSION:
            platform = int.from_bytes(body[0:4], "little" if e == "<" else "big")
            goos = _PLATFORM_GOOS.get(platform, goos)
        elif cmd == mo.LC_VERSION_MIN_MACOSX:
            goos = goos or "darwin"
        elif cmd == mo.LC_VERSION_MIN_IPHONEOS:
            goos = goos or "ios"
        off += lc.cmdsize

    def read_at(o: int, n: int) -> bytes:
        # Never read past this slice into the next one.
        return mm[o : min(o + n, base + size)]

    raw = buildinfo.read_raw(buildinfo.AddressMap(regions, read_at), bi_addr, bi_size)
    go = buildinfo.decode(*raw) if raw else None
    return Slice(
        goarch=macho_goarch(hdr.cputype),
        goos=(go.goos if go and go.goos else goos or "darwin"),
        bits=bits,
        endian="little" if e == "<" else "big",
        static=not libs,
        # A stripped image keeps the undefined symbols dyld binds (Go's -s does
        # too), so "stripped" means: no local symbols left.
        stripped=nsyms == 0 or nlocal == 0,
        interpreter=interp,
        go=go,
        kind=_KIND.get(hdr.filetype, "other"),
        libraries=tuple(libs),
        dwarf=dwarf,
        machine=mo.CPU_TYPE_NAMES.get(hdr.cputype, f"{hdr.cputype:#x}"),
    )
