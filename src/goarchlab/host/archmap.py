"""Names of architectures in the wild, mapped onto Go's GOARCH.

``uname -m``, ``/proc/sys/kernel/arch``, GCC/Clang target triples, qemu-user
binary names and ELF ``e_machine`` numbers each spell an architecture their
own way; everything in :mod:`goarchlab.host` speaks GOARCH (DESIGN.md: Arch).

The ELF header is read here by hand on purpose: only the first 20 bytes are
needed (class, byte order, e_machine) and the same decoding is applied to the
magic/mask pairs of binfmt_misc handlers, which are not files at all.
"""

from __future__ import annotations

#: ``uname -m`` / kernel.arch / Mach-O names -> GOARCH.
MACHINE = {
    "x86_64": "amd64", "amd64": "amd64", "x64": "amd64",
    "i386": "386", "i486": "386", "i586": "386", "i686": "386", "x86": "386",
    "aarch64": "arm64", "arm64": "arm64", "arm64e": "arm64", "aarch64_be": "arm64be",
    "armv5l": "arm", "armv5tel": "arm", "armv6l": "arm", "armv7l": "arm", "armv7": "arm",
    "armv8l": "arm", "arm": "arm", "armhf": "arm", "armel": "arm",
    "riscv64": "riscv64", "ppc64le": "ppc64le", "ppc64": "ppc64",
    "powerpc64le": "ppc64le", "powerpc64": "ppc64", "s390x": "s390x",
    "mips": "mips", "mipsel": "mipsle", "mips64": "mips64", "mips64el": "mips64le",
    "loongarch64": "loong64", "loong64": "loong64",
}

#: The GOARCH each qemu-user binary emulates (``qemu-<name>``, also ``-static``).
QEMU = {
    "aarch64": "arm64", "x86_64": "amd64", "arm": "arm", "i386": "386",
    "riscv64": "riscv64", "ppc64le": "ppc64le", "ppc64": "ppc64", "s390x": "s390x",
    "mips": "mips", "mipsel": "mipsle", "mips64": "mips64", "mips64el": "mips64le",
    "loongarch64": "loong64",
}

# ELF e_machine values (elf.h) -> GOARCH candidates by (class, byte order).
_EM_386, _EM_MIPS, _EM_PPC64, _EM_S390 = 3, 8, 21, 22
_EM_ARM, _EM_X86_64, _EM_AARCH64, _EM_RISCV, _EM_LOONGARCH = 40, 62, 183, 243, 258

#: Pairs (native, other) where a Linux kernel runs the second arch itself in a
#: 32-bit compatibility mode. Every x86-64 CPU runs 386 code; AArch32 is optional
#: on arm64 CPUs (Apple M1 and Neoverse V1/N2 lack it), so arm on arm64 is not
#: assumed to run; a process already running as arm there is not called translated.
COMPAT = {("amd64", "386")}
PROCESS_COMPAT = COMPAT | {("arm64", "arm")}


def goarch_of_machine(name: str) -> str | None:
    """GOARCH for a ``uname -m``/kernel.arch/Mach-O name (``aarch64`` -> ``arm64``), or None."""
    return MACHINE.get(name.strip().lower())


def elf_goarch(ei_class: int, ei_data: int, machine: int) -> str | None:
    """GOARCH for an ELF header's class (1=32, 2=64), data (1=LE, 2=BE) and e_machine."""
    le = ei_data == 1
    b64 = ei_class == 2
    if machine == _EM_X86_64 and b64:
        return "amd64"
    if machine == _EM_386 and not b64:
        return "386"
    if machine == _EM_AARCH64 and b64:
        return "arm64" if le else "arm64be"
    if machine == _EM_ARM and not b64:
        return "arm" if le else "armbe"
    if machine == _EM_RISCV:
        return "riscv64" if b64 else "riscv32"
    if machine == _EM_PPC64 and b64:
        return "ppc64le" if le else "ppc64"
    if machine == _EM_S390 and b64:
        return "s390x"
    if machine == _EM_MIPS:
        return ("mips64le" if le else "mips64") if b64 else ("mipsle" if le else "mips")
    if machine == _EM_LOONGARCH and b64:
        return "loong64"
    return None


def elf_header_goarch(head: bytes) -> str | None:
    """GOARCH of an ELF file from its first >= 20 bytes; None for anything else."""
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    order = "little" if head[5] == 1 else "big"
    return elf_goarch(head[4], head[5], int.from_bytes(head[18:20], order))


def triple_platform(triple: str) -> tuple[str | None, str | None]:
    """(GOOS, GOARCH) targeted by a compiler triple such as ``x86_64-linux-gnu``,
    ``aarch64-linux-gnu``, ``arm64-apple-darwin23.4.0`` or ``x86_64-w64-mingw32``.

    Either part is None when the triple does not say it in a way Go names.
    """
    parts = triple.strip().lower().split("-")
    if not parts or not parts[0]:
        return None, None
    head = parts[0]
    if head.startswith("arm") and head not in ("arm64", "arm64e"):
        goarch: str | None = "arm"
    elif head in ("powerpc64le", "ppc64le"):
        goarch = "ppc64le"
    else:
        goarch = MACHINE.get(head)
    rest = "-".join(parts[1:])
    goos = None
    for key, name in (("linux", "linux"), ("darwin", "darwin"), ("macos", "darwin"),
                      ("mingw", "windows"), ("windows", "windows"), ("freebsd", "freebsd"),
                      ("netbsd", "netbsd"), ("openbsd", "openbsd")):
        if key in rest:
            goos = name
            break
    return goos, goarch
