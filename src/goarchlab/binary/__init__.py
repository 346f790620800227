"""Executable headers (ELF, Mach-O incl. universal, PE) and Go build info, read without running."""

from goarchlab.binary.inspector import inspect
from goarchlab.binary.model import BinaryInfo, GoBuildInfo, GoModule, Slice

__all__ = ["BinaryInfo", "GoBuildInfo", "GoModule", "Slice", "inspect"]
