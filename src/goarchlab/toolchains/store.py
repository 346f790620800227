"""The toolchain store under GOARCHLAB_HOME.

Layout::

    toolchains/go1.22.10/                  a GOROOT for the host's native platform
    toolchains/go1.22.10.linux-arm64/      a GOROOT for another platform (--arch)
    toolchains/go1.22.10/.goarchlab.json   where it came from (written before the rename)
    toolchains/.staging-go1.22.10-<random>/    an install in progress (or killed: removed later)
    locks/go1.22.10.lock                   held while installing or removing that name
    cache/downloads/<sha>-<file>.part      a download in progress, kept for resume
    shims/go, shims/gofmt                  the shims (see shims.py)
    version                                the global choice (``toolchain use``)

Only names without a platform suffix take part in version resolution: those
are the toolchains built for this machine's native arch.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains.model import Toolchain

# filelock is imported only when a lock is taken (installs, removals): every doctor
# run reads the store, and the import alone costs more than reading it.
if TYPE_CHECKING:
    import filelock

META = ".goarchlab.json"
STAGING_PREFIX = ".staging-"
#: Seconds to wait for another goarchlab process holding a toolchain's lock.
LOCK_TIMEOUT = 600.0


@dataclass(frozen=True)
class Store:
    """The paths of one GOARCHLAB_HOME; ``native`` is the host's (goos, goarch)."""

    home: Path
    native: tuple[str, str]

    @property
    def toolchains(self) -> Path:
        """Directory holding one GOROOT per installed toolchain."""
        return self.home / "toolchains"

    @property
    def downloads(self) -> Path:
        """Where downloads land (and ``.part`` files wait for a resume)."""
        return self.home / "cache" / "downloads"

    @property
    def shims(self) -> Path:
        """The directory ``shell-init`` puts on PATH."""
        return self.home / "shims"

    def name(self, version: GoVersion, goos: str, goarch: str) -> str:
        """``go1.22.10`` for the native platform, ``go1.22.10.linux-arm64`` for others."""
        if (goos, goarch) == self.native:
            return str(version)
        return f"{version}.{goos}-{goarch}"

    def dir(self, version: GoVersion, goos: str, goarch: str) -> Path:
        """The GOROOT a toolchain of this version/platform has (or would have)."""
        return self.toolchains / self.name(version, goos, goarch)

    def lock(self, name: str, timeout: float = LOCK_TIMEOUT) -> filelock.BaseFileLock:
        """An inter-process lock for toolchain ``name`` (an flock: released if we die).

        ``timeout``: seconds to wait for another holder (0: give up at once, raising
        filelock.Timeout).
        """
        import filelock

        d = self.home / "locks"
        d.mkdir(parents=True, exist_ok=True)
        return filelock.FileLock(str(d / f"{name}.lock"), timeout=timeout)

    def installed(self) -> list[Toolchain]:
        """Every complete toolchain in the store, newest first (all platforms)."""
        out = []
        if not self.toolchains.is_dir():
            return out
        for d in self.toolchains.iterdir():
            if d.name.startswith(".") or not d.is_dir():
                continue
            tc = self.read(d)
            if tc is not None:
                out.append(tc)
        out.sort(key=lambda t: (t.version, t.platform), reverse=True)
        return out

    def native_installed(self) -> list[Toolchain]:
        """Installed toolchains for the host's native platform, newest first."""
        return [t for t in self.installed() if (t.goos, t.goarch) == self.native]

    def read(self, goroot: Path) -> Toolchain | None:
        """The Toolchain at ``goroot`` from its metadata, or None when incomplete."""
        go = goroot / "bin" / "go"
        if not (go.exists() or go.with_suffix(".exe").exists()):
            return None
        try:
            meta = json.loads((goroot / META).read_text())
            ver = GoVersion.parse(meta["version"])
            return Toolchain(ver, goroot, meta["goos"], meta["goarch"], meta.get("source", "?"))
        except (OSError, ValueError, KeyError, GoarchlabError):
            pass
        # A GOROOT placed here by hand (or linked): trust its name; no platform suffix
        # means native.
        ver = GoVersion.try_parse(version_from_name(goroot.name))
        if ver is None:
            return None
        goos, goarch = platform_from_name(goroot.name) or self.native
        return Toolchain(ver, goroot, goos, goarch, "unknown")

    def clean_stale(self) -> list[Path]:
        """Remove staging directories left by killed installs; returns what was removed.

        A staging dir is removed only when its toolchain's lock can be taken at
        once, so an install running in another process keeps its own.
        """
        import filelock

        removed: list[Path] = []
        if not self.toolchains.is_dir():
            return removed
        for d in self.toolchains.glob(STAGING_PREFIX + "*"):
            rest = d.name.removeprefix(STAGING_PREFIX)
            if "-" not in rest:
                continue  # not ours to judge: no toolchain name to lock
            name = rest.rsplit("-", 1)[0]
            try:
                with self.lock(name, timeout=0):
                    _delete(d)
                    removed.append(d)
            except filelock.Timeout:
                continue
        return removed

    def remove(self, tc: Toolchain) -> None:
        """Uninstall ``tc``: rename it out of the way under its lock, then delete.

        The rename makes the removal atomic for readers: a half-deleted tree is
        never visible under the toolchain's name.
        """
        with self.lock(tc.goroot.name):
            trash = tc.goroot.with_name(f"{STAGING_PREFIX}{tc.goroot.name}-rm{os.getpid()}")
            tc.goroot.rename(trash)
            _delete(trash)


def _delete(path: Path) -> None:
    """Remove a tree, or just the link when the store entry is a symlink to a GOROOT."""
    if path.is_symlink():
        path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def version_from_name(name: str) -> str:
    """The version part of a store name: ``go1.22.10.linux-arm64`` -> ``go1.22.10``."""
    parts = name.split(".")
    if len(parts) > 3 and "-" in parts[-1]:
        return ".".join(parts[:-1])
    return name


def platform_from_name(name: str) -> tuple[str, str] | None:
    """(goos, goarch) of a store name with a platform suffix, None for a native name."""
    last = name.rsplit(".", 1)[-1]
    if "-" in last and name.count(".") >= 3:
        goos, goarch = last.split("-", 1)
        return goos, goarch
    return None


def write_meta(goroot: Path, tc: Toolchain, extra: dict[str, str]) -> None:
    """Record where ``tc`` came from inside its (staging) GOROOT."""
    data = {
        "version": str(tc.version),
        "goos": tc.goos,
        "goarch": tc.goarch,
        "source": tc.source,
        **extra,
    }
    (goroot / META).write_text(json.dumps(data, sort_keys=True, indent=2) + "\n")
