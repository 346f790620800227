"""Host facts and translation detection (Linux binfmt_misc/QEMU, macOS Rosetta 2)."""

from goarchlab.host.model import CCompiler, Host, Translator

__all__ = ["CCompiler", "Host", "Translator"]
