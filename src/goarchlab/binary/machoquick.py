"""The quick Mach-O reader: a thin Mach-O image read with ``struct`` alone.

Why a second reader beside goarchlab.binary.macho (macholib's structure
classes): importing macholib and decoding each load command through its
classes costs ~6 ms of CPU plus ~2 ms a file, and xbuild reads two darwin
artifacts per run while its builds keep every core busy. This reader walks the
same load commands with the same checks and builds the very Slice the full
reader builds (goarchlab.binary.buildinfo decodes the Go build info for both):
tests compare the two on real files.

It answers only for a thin image of a CPU type it knows whose load commands
pass every check of the full reader. For anything else (a universal file, a cut
or malformed image) it returns None and inspect runs the full reader, so errors
stay worded as that reader words them.
"""

from __future__ import annotations

import struct
from typing import Any

from goarchlab.binary import buildinfo
from goarchlab.binary.arch import macho_goarch
from goarchlab.binary.model import Slice

#: Big-endian first word -> (struct byte order, bits): <mach-o/loader.h> MH_MAGIC,
#: MH_CIGAM, MH_MAGIC_64, MH_CIGAM_64.
_THIN = {0xFEEDFACE: (">", 32), 0xCEFAEDFE: ("<", 32), 0xFEEDFACF: (">", 64),
         0xCFFAEDFE: ("<", 64)}
#: cputype -> macholib's CPU_TYPE_NAMES name, for the CPUs Go has darwin/ios ports
#: for (and 386/arm, which it had). Any other CPU goes to the full reader.
_CPU_NAMES = {0x01000007: "x86_64", 7: "i386", 0x0100000C: "ARM64", 12: "ARM"}
_LC_SEGMENT, _LC_SEGMENT_64, _LC_SYMTAB, _LC_DYSYMTAB = 0x1, 0x19, 0x2, 0xB
_LC_LOAD_DYLINKER, _LC_BUILD_VERSION = 0xE, 0x32
_LC_VERSION_MIN_MACOSX, _LC_VERSION_MIN_IPHONEOS = 0x24, 0x25
_DYLIB_CMDS = {0xC, 0x80000018, 0x8000001F, 0x20, 0x80000023}
#: LC_BUILD_VERSION platforms -> GOOS (Go's ios port covers the simulator too).
_PLATFORM_GOOS = {1: "darwin", 2: "ios", 7: "ios", 6: "ios"}
_KIND = {2: "executable", 6: "shared-library", 8: "shared-library", 1: "object", 4: "core"}


class _Unsure(Exception):
    """Something this reader does not handle, or a check the full reader fails."""


def read_quick(mm: Any, size: int) -> Slice | None:
    """The Slice goarchlab.binary.macho.read_macho(mm, 0, size) would return for the
    thin Mach-O file mapped in ``mm`` (``size`` bytes), or None when this reader is
    not sure of it (then the full reader answers). Never raises for the contents."""
    try:
        return _read(mm, size)
    except (ValueError, struct.error, IndexError, _Unsure, buildinfo.ParseError):
        return None


def _cstr(b: bytes) -> str:
    return b.split(b"\0", 1)[0].decode("utf-8", "replace")


def _read(mm: Any, size: int) -> Slice:
    magic = int.from_bytes(mm[0:4], "big")
    if magic not in _THIN:
        raise _Unsure
    e, bits = _THIN[magic]
    hsize = 32 if bits == 64 else 28
    if hsize > size:
        raise _Unsure
    _, cputype, _, filetype, ncmds, sizeofcmds, _ = struct.unpack(e + "IiiIIII", mm[0:28])
    machine = _CPU_NAMES.get(cputype)
    end = hsize + sizeofcmds
    if machine is None or end > size:
        raise _Unsure
    if bits == 64:
        seg_fmt, seg_size, sect_fmt, sect_size = e + "16sQQQQiiII", 64, e + "16s16sQQ", 80
    else:
        seg_fmt, seg_size, sect_fmt, sect_size = e + "16sIIIIiiII", 48, e + "16s16sII", 68
    seg_cmd = _LC_SEGMENT_64 if bits == 64 else _LC_SEGMENT
    regions: list[buildinfo.Region] = []
    libs: list[str] = []
    interp: str | None = None
    goos: str | None = None
    nsyms = 0
    symtab_seen = False
    nlocal: int | None = None
    dwarf = False
    bi_addr = bi_size = 0
    off = hsize
    for _ in range(ncmds):
        if off + 8 > end:
            raise _Unsure
        cmd, cmdsize = struct.unpack(e + "II", mm[off : off + 8])
        if cmdsize < 8 or off + cmdsize > end:
            raise _Unsure
        body = mm[off + 8 : off + cmdsize]
        if cmd == seg_cmd:
            segname, vmaddr, _, fileoff, filesize, _, _, nsects, _ = struct.unpack(
                seg_fmt, body[:seg_size])
            if fileoff + filesize > size or seg_size + nsects * sect_size > len(body):
                raise _Unsure
            if _cstr(segname) != "__PAGEZERO":
                regions.append(buildinfo.Region(vmaddr, filesize, fileoff))
            for j in range(nsects):
                at = seg_size + j * sect_size
                sectname, _, addr, sect_len = struct.unpack_from(sect_fmt, body, at)
                name = _cstr(sectname)
                if name == "__go_buildinfo":
                    bi_addr, bi_size = addr, sect_len
                dwarf = dwarf or name in ("__debug_info", "__zdebug_info")
        elif cmd in _DYLIB_CMDS or cmd == _LC_LOAD_DYLINKER:
            name_off = int.from_bytes(body[0:4], "little" if e == "<" else "big")
            text = _cstr(mm[off + name_off : off + cmdsize]) if name_off >= 12 else ""
            if cmd == _LC_LOAD_DYLINKER:
                interp = text
            else:
                libs.append(text)
        elif cmd == _LC_SYMTAB:
            symoff, n, stroff, strsize = struct.unpack(e + "IIII", body[:16])
            if stroff + strsize > size or (n and symoff + n * (16 if bits == 64 else 12) > size):
                raise _Unsure
            nsyms, symtab_seen = n, True
        elif cmd == _LC_DYSYMTAB:
            f = struct.unpack(e + "18I", body[:72])
            if (not symtab_seen or f[4] + f[5] > nsyms
                    or (f[13] and f[12] + f[13] * 4 > size)):
                raise _Unsure
            nlocal = f[1]
        elif cmd == _LC_BUILD_VERSION:
            platform = int.from_bytes(body[0:4], "little" if e == "<" else "big")
            goos = _PLATFORM_GOOS.get(platform, goos)
        elif cmd == _LC_VERSION_MIN_MACOSX:
            goos = goos or "darwin"
        elif cmd == _LC_VERSION_MIN_IPHONEOS:
            goos = goos or "ios"
        off += cmdsize

    def read_at(o: int, n: int) -> bytes:
        return mm[o : min(o + n, size)]

    raw = buildinfo.read_raw(buildinfo.AddressMap(regions, read_at), bi_addr, bi_size)
    go = buildinfo.decode(*raw) if raw else None
    return Slice(
        goarch=macho_goarch(cputype),
        goos=(go.goos if go and go.goos else goos or "darwin"),
        bits=bits,
        endian="little" if e == "<" else "big",
        static=not libs,
        # As the full reader: "stripped" means no local symbols left.
        stripped=nsyms == 0 or nlocal == 0,
        interpreter=interp,
        go=go,
        kind=_KIND.get(filetype, "other"),
        libraries=tuple(libs),
        dwarf=dwarf,
        machine=machine,
    )
