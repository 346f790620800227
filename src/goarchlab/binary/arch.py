"""Header machine names mapped onto Go's GOARCH names.

The GOARCH list is the one ``go tool dist list`` prints (Go 1.27): 386, amd64,
arm, arm64, loong64, mips, mipsle, mips64, mips64le, ppc64, ppc64le, riscv64,
s390x, wasm. A machine Go has no port for keeps its header name in lower case
(``sparcv9``, ``ppc``, ``ia64``), so the caller can still say what it is.
"""

from __future__ import annotations


def elf_goarch(machine: str | int, bits: int, endian: str) -> str:
    """GOARCH of an ELF ``e_machine`` (pyelftools name or number), given EI_CLASS bits
    (32/64) and EI_DATA endianness (``little``/``big``)."""
    name = machine if isinstance(machine, str) else f"EM_{machine}"
    le = endian == "little"
    match name:
        case "EM_X86_64":
            return "amd64"
        case "EM_386":
            return "386"
        case "EM_ARM":
            return "arm"
        case "EM_AARCH64":
            return "arm64"
        case "EM_RISCV":
            return "riscv64" if bits == 64 else "riscv32"
        case "EM_PPC64":
            return "ppc64le" if le else "ppc64"
        case "EM_PPC":
            return "ppc"
        case "EM_S390":
            return "s390x" if bits == 64 else "s390"
        case "EM_MIPS" | "EM_MIPS_RS3_LE":
            if bits == 64:
                return "mips64le" if le else "mips64"
            return "mipsle" if le else "mips"
        case "EM_LOONGARCH":
            return "loong64" if bits == 64 else "loong32"
    return name.removeprefix("EM_").lower()


#: Mach-O cputype (mach/machine.h) -> GOARCH.
_MACHO = {
    0x01000007: "amd64",  # CPU_TYPE_X86_64
    7: "386",  # CPU_TYPE_I386
    0x0100000C: "arm64",  # CPU_TYPE_ARM64
    12: "arm",  # CPU_TYPE_ARM
    0x0200000C: "arm64_32",  # CPU_TYPE_ARM64_32 (watchOS; no Go port)
    18: "ppc",  # CPU_TYPE_POWERPC
    0x01000012: "ppc64",  # CPU_TYPE_POWERPC64
}


def macho_goarch(cputype: int) -> str:
    """GOARCH of a Mach-O ``cputype``; ``cputype-0x...`` when unknown."""
    return _MACHO.get(cputype, f"cputype-{cputype:#x}")


#: PE FILE_HEADER.Machine -> GOARCH.
_PE = {
    0x8664: "amd64",
    0x014C: "386",
    0xAA64: "arm64",
    0x01C4: "arm",  # ARMNT (Thumb-2), what Go's windows/arm wrote
    0x01C0: "arm",
    0x5064: "riscv64",
    0x6264: "loong64",
    0x0200: "ia64",
}


def pe_goarch(machine: int) -> str:
    """GOARCH of a PE ``Machine`` field; ``machine-0x...`` when unknown."""
    return _PE.get(machine, f"machine-{machine:#x}")
