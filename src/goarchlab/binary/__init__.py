"""Executable headers (ELF, Mach-O incl. universal, PE) and Go build info, read without running."""

from goarchlab.binary.model import BinaryInfo, GoBuildInfo, Slice

__all__ = ["BinaryInfo", "GoBuildInfo", "Slice"]
