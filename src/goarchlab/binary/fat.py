"""Write a universal (fat) Mach-O from thin Mach-O images, laid out as Apple's lipo does.

Why goarchlab writes it: lipo exists only on macOS, and a universal file is a
header plus the thin images copied in, nothing to delegate. goreleaser's
writer (internal/pipe/universalbinary, after randall77/makefat) puts every
slice on 2^14 in input order; this one follows ``lipo -create`` instead
(cctools misc/lipo.c), so its output is byte-identical to lipo's:

* Alignment of a slice (``create_fat`` <- ``get_align_64`` <-
  ``get_default_align`` <- libstuff/arch.c ``get_segalign_from_flag``): the
  default segment alignment (page size) of its cputype, 2^14 for ARM and
  ARM64, 2^12 for i386, x86_64, PowerPC and PowerPC64.
* Order (``cmp_qsort``): one cputype sorted by cpusubtype; ARM64 after every
  other cputype; the rest by alignment. Ties keep the input order (Go's
  debug/macho testdata fat-gcc-386-amd64-darwin-exec, made by lipo, has i386
  then x86_64, both 2^12, as given).
* Offsets: the first slice after the header and its fat_arch array rounded up
  to the slice's alignment, each next one after the previous slice rounded up
  to its own; the gaps are zeros and the file ends with the last slice.
* Header big-endian; cputype and cpusubtype copied verbatim from the thin
  header (capability bits included: x86_64 is often 0x80000003).
* fat_arch (32-bit) fields; FAT_MAGIC_64 with fat_arch_64 only when an offset
  or size does not fit in 32 bits (lipo needs ``-fat64`` then and refuses
  without it).

Nothing time-dependent goes into the file: it is a pure function of the slices.
"""

from __future__ import annotations

import functools
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import GoarchlabError

# <mach-o/fat.h> and <mach/machine.h>
FAT_MAGIC = 0xCAFEBABE
FAT_MAGIC_64 = 0xCAFEBABF
I386 = 7
X86_64 = 0x01000007
ARM = 12
ARM64 = 0x0100000C
POWERPC = 18
POWERPC64 = 0x01000012
#: The capability bits of a cpusubtype (lipo compares subtypes without them).
CPU_SUBTYPE_MASK = 0xFF000000

#: log2 of the default segment alignment per cputype (get_segalign_from_flag).
ALIGN = {ARM: 14, ARM64: 14, I386: 12, X86_64: 12, POWERPC: 12, POWERPC64: 12}
_NAMES = {ARM: "arm", ARM64: "arm64", I386: "i386", X86_64: "x86_64", POWERPC: "ppc",
          POWERPC64: "ppc64"}

_THIN_LE = {0xFEEDFACE, 0xFEEDFACF}  # MH_MAGIC, MH_MAGIC_64 read little-endian
_FAT_ARCH = struct.Struct(">iiIII")  # cputype, cpusubtype, offset, size, align
_FAT_ARCH_64 = struct.Struct(">iiQQII")  # ... offset, size (64-bit), align, reserved
_U32 = 0xFFFFFFFF


@dataclass(frozen=True)
class FatArch:
    """One slice in a universal header: ``cputype``/``cpusubtype`` as the thin
    header has them (signed 32-bit), ``offset`` and ``size`` in bytes, ``align``
    as a power of two (14 means 16 KiB)."""

    cputype: int
    cpusubtype: int
    offset: int
    size: int
    align: int


@dataclass(frozen=True)
class Layout:
    """Where each slice goes: ``archs`` in file order, ``source`` the input index
    of each, ``fat64`` whether the header uses fat_arch_64."""

    archs: tuple[FatArch, ...]
    source: tuple[int, ...]
    fat64: bool


def _round_up(n: int, align: int) -> int:
    return (n + (1 << align) - 1) & ~((1 << align) - 1)


def _cmp(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    """lipo's cmp_qsort on (cputype, cpusubtype, align)."""
    if a[0] == b[0]:
        return a[1] - b[1]
    if a[0] == ARM64:
        return 1
    if b[0] == ARM64:
        return -1
    return a[2] - b[2]


def layout(images: list[tuple[int, int, int]]) -> Layout:
    """The lipo layout of thin images given as (cputype, cpusubtype, size in bytes).

    Raises GoarchlabError for a cputype with no known page size.
    """
    keyed = []
    for i, (cpu, sub, size) in enumerate(images):
        if cpu not in ALIGN:
            raise GoarchlabError(f"no known segment alignment for Mach-O cputype {cpu:#x}",
                                 "universal files are written for arm, arm64, i386, x86_64, "
                                 "ppc and ppc64 slices")
        keyed.append(((cpu, sub, ALIGN[cpu]), i, size))
    # sorted() is stable: equal keys keep the input order.
    keyed.sort(key=functools.cmp_to_key(lambda x, y: _cmp(x[0], y[0])))
    for fat64 in (False, True):
        entry = (_FAT_ARCH_64 if fat64 else _FAT_ARCH).size
        off = 8 + entry * len(keyed)
        archs = []
        for (cpu, sub, align), _i, size in keyed:
            off = _round_up(off, align)
            archs.append(FatArch(cpu, sub, off, size, align))
            off += size
        if fat64 or all(a.offset <= _U32 and a.size <= _U32 for a in archs):
            return Layout(tuple(archs), tuple(i for _k, i, _s in keyed), fat64)
    raise AssertionError("unreachable")


def header_bytes(lay: Layout) -> bytes:
    """The fat header and its fat_arch (or fat_arch_64) entries, big-endian."""
    out = [struct.pack(">II", FAT_MAGIC_64 if lay.fat64 else FAT_MAGIC, len(lay.archs))]
    for a in lay.archs:
        if lay.fat64:
            out.append(_FAT_ARCH_64.pack(a.cputype, a.cpusubtype, a.offset, a.size, a.align, 0))
        else:
            out.append(_FAT_ARCH.pack(a.cputype, a.cpusubtype, a.offset, a.size, a.align))
    return b"".join(out)


def read_header(path: Path) -> Layout:
    """The entries of a universal file's header, in file order (``source`` empty).

    Raises GoarchlabError when the file does not start with FAT_MAGIC or
    FAT_MAGIC_64 or its header is cut short.
    """
    with path.open("rb") as f:
        head = f.read(8)
        magic, n = struct.unpack(">II", head) if len(head) == 8 else (0, 0)
        if magic not in (FAT_MAGIC, FAT_MAGIC_64):
            raise GoarchlabError(f"{path}: not a universal Mach-O", "check the path")
        st = _FAT_ARCH_64 if magic == FAT_MAGIC_64 else _FAT_ARCH
        raw = f.read(st.size * n)
    if len(raw) != st.size * n:
        raise GoarchlabError(f"{path}: universal header is cut short", "write it again")
    archs = tuple(FatArch(*st.unpack_from(raw, i * st.size)[:5]) for i in range(n))
    return Layout(archs, (), magic == FAT_MAGIC_64)


def thin_cpu(path: Path) -> tuple[int, int, int]:
    """(cputype, cpusubtype, size in bytes) of a thin little-endian Mach-O.

    Raises GoarchlabError for anything else (a universal file, another format).
    """
    try:
        with path.open("rb") as f:
            head = f.read(12)
            size = os.fstat(f.fileno()).st_size
    except OSError as e:
        raise GoarchlabError(f"{path}: cannot be read ({e.strerror})", "check the path") from e
    if len(head) < 12 or struct.unpack("<I", head[:4])[0] not in _THIN_LE:
        raise GoarchlabError(f"{path}: not a thin Mach-O image",
                             "a universal file is made of thin darwin executables")
    cpu, sub = struct.unpack("<ii", head[4:12])
    return cpu, sub, size


def write_universal(slices: list[Path], out: Path) -> tuple[FatArch, ...]:
    """Write the universal Mach-O of the thin ``slices`` to ``out`` (through a
    temporary file in its directory and a rename, as lipo does); return the
    header's entries in file order.

    The file mode is the last input's (lipo's). Raises GoarchlabError for an
    input that is not a thin Mach-O, two slices of one architecture, or an
    input that changes size while it is copied.
    """
    cpus = [thin_cpu(Path(p)) for p in slices]
    seen: dict[tuple[int, int], Path] = {}
    for p, (cpu, sub, _size) in zip(slices, cpus, strict=True):
        k = (cpu, sub & ~CPU_SUBTYPE_MASK)
        if k in seen:
            name = _NAMES.get(cpu, f"cputype {cpu:#x}")
            raise GoarchlabError(f"{seen[k]} and {p} are both {name}",
                                 "a universal file holds one slice per architecture")
        seen[k] = Path(p)
    lay = layout(cpus)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(header_bytes(lay))
            for a, i in zip(lay.archs, lay.source, strict=True):
                f.write(b"\0" * (a.offset - f.tell()))
                with Path(slices[i]).open("rb") as src:
                    shutil.copyfileobj(src, f, 1 << 20)
                if f.tell() != a.offset + a.size:
                    raise GoarchlabError(f"{slices[i]} changed size while it was copied",
                                         "write the universal file again once it is complete")
        os.chmod(tmp, os.stat(slices[-1]).st_mode & 0o7777)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return lay.archs
