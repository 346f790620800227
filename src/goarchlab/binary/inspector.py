"""inspect(): what an executable is, read from its headers without ever running it.

The file is opened read-only and memory-mapped; only the headers, the load
commands and the Go build info blob are touched, so a 16 MB ``go`` binary
costs a few milliseconds and a few pages, not a full read.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import stat

from goarchlab.binary.malformed import Malformed, Truncated
from goarchlab.binary.model import BinaryInfo, Slice
from goarchlab.errors import GoarchlabError

# The format readers (pyelftools, macholib, pefile) are imported only when a file of
# their format is inspected: together they cost more start-up time than a doctor run
# spends on anything else. So the magic numbers are spelled out here:
# <mach-o/loader.h> MH_MAGIC, MH_CIGAM, MH_MAGIC_64, MH_CIGAM_64, and <mach-o/fat.h>
# FAT_MAGIC, FAT_MAGIC_64 (the values macholib.mach_o defines).
MACHO_THIN_MAGICS = (0xFEEDFACE, 0xCEFAEDFE, 0xFEEDFACF, 0xCFFAEDFE)
FAT_MAGICS = (0xCAFEBABE, 0xCAFEBABF)

_FORMATS_HINT = "goarchlab inspect reads ELF, Mach-O (thin or universal), PE and WebAssembly files"
_TRUNC_HINT = "the file looks incomplete (an interrupted download or copy?); fetch it again"


def _fail(path: str, what: str, hint: str) -> GoarchlabError:
    return GoarchlabError(f"{path}: {what}", hint)


def _open(path: str) -> tuple[int, int]:
    """(fd, size) of a regular file; a GoarchlabError saying why not otherwise."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            try:
                target = os.readlink(path)
            except OSError:
                target = "a missing file"
            raise _fail(
                path,
                f"broken symlink to {target}",
                "the file it points to does not exist; fix or remove the link",
            ) from None
        raise _fail(path, "no such file", "check the path") from None
    except PermissionError:
        raise _fail(
            path, "permission denied", "check the file's and directories' permissions"
        ) from None
    except (OSError, ValueError) as e:  # ValueError: a NUL byte in the path
        raise _fail(
            path, f"cannot be read ({getattr(e, 'strerror', None) or e})", "check the path"
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise _fail(path, "is a directory", "name an executable file inside it")
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or device would block or never end: never open those.
        raise _fail(path, "not a regular file", _FORMATS_HINT)
    if st.st_size == 0:
        raise _fail(path, "empty file (0 bytes)", _TRUNC_HINT)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except PermissionError:
        raise _fail(path, "permission denied", "check the file's permissions") from None
    except OSError as e:
        raise _fail(path, f"cannot be read ({e.strerror})", "check the path") from None
    return fd, st.st_size


def _not_executable(path: str, head: bytes) -> GoarchlabError:
    if head.startswith(b"#!"):
        interp = head[2:].split(b"\n", 1)[0].strip().decode("utf-8", "replace")
        return _fail(
            path,
            f"a script for {interp or 'the shell'}, not a binary",
            "inspect the interpreter it names instead",
        )
    if head.startswith(b"!<arch>\n"):
        return _fail(
            path, "an ar archive (a static library or Go package), not an executable", _FORMATS_HINT
        )
    return _fail(
        path, "not an executable (no ELF, Mach-O, PE or WebAssembly header)", _FORMATS_HINT
    )


def _wasm(head: bytes) -> Slice:
    # Go's debug/buildinfo does not read wasm modules either, so no Go info here.
    version = int.from_bytes(head[4:8], "little")
    if version != 1:
        raise Malformed(f"unknown WebAssembly version {version}")
    return Slice(
        goarch="wasm",
        goos=None,
        bits=32,
        endian="little",
        static=True,
        stripped=False,
        machine="wasm",
    )


def inspect(path: str | os.PathLike[str]) -> BinaryInfo:
    """Inspect the executable at ``path`` without executing it.

    Reads ELF, Mach-O, universal Mach-O (every slice), PE and WebAssembly
    headers, and the Go build info of each image. Symlinks are followed.
    Raises :class:`GoarchlabError` (one-line message naming the path, plus a
    hint) for a missing file, a directory, a broken symlink, an empty,
    truncated, malformed or non-executable file; never another exception.
    """
    name = os.fspath(path)
    fd, size = _open(name)
    try:
        with contextlib.closing(mmap.mmap(fd, 0, access=mmap.ACCESS_READ)) as mm:
            return _inspect_mapped(name, mm, size, fd)
    except GoarchlabError:
        raise
    except (OSError, ValueError) as e:
        # mmap of a file that shrank underneath us, say.
        raise _fail(name, f"cannot be read ({e})", "check the file") from e
    finally:
        os.close(fd)


def _inspect_mapped(name: str, mm: mmap.mmap, size: int, fd: int) -> BinaryInfo:
    head = mm[:64]
    magic_be = int.from_bytes(head[:4], "big")
    if size < 8:
        if not any(head[: len(m)] == m[: len(head)] for m in _MAGICS):
            raise _not_executable(name, head)
        raise _fail(name, f"too short to be an executable ({size} bytes)", _TRUNC_HINT)
    fmt = "other"
    try:
        if head.startswith(b"\x7fELF"):
            fmt = "elf"
            if size < (64 if head[4] == 2 else 52):
                raise Truncated("ELF header is cut short")
            from goarchlab.binary.elfquick import read_quick

            quick = read_quick(lambda o, n: mm[o : o + n], size)
            if quick is not None:  # an ordinary ELF file: no pyelftools import
                slices = (quick,)
            else:
                from goarchlab.binary.elf import read_elf

                with os.fdopen(os.dup(fd), "rb", buffering=0) as f:
                    slices = (read_elf(f, lambda o, n: mm[o : o + n], size),)
        elif magic_be in MACHO_THIN_MAGICS:
            fmt = "macho"
            from goarchlab.binary.machoquick import read_quick as read_macho_quick

            quick_macho = read_macho_quick(mm, size)
            if quick_macho is not None:  # an ordinary thin Mach-O: no macholib import
                slices = (quick_macho,)
            else:
                from goarchlab.binary import macho

                slices = (macho.read_macho(mm, 0, size),)
        elif magic_be in FAT_MAGICS and len(head) >= 8:
            fmt = "macho-universal"
            from goarchlab.binary import macho

            slices = tuple(macho.read_macho(mm, o, n) for o, n in macho.fat_slices(mm, size))
        elif head.startswith(b"MZ"):
            fmt = "pe"
            from goarchlab.binary.pequick import read_quick as read_pe_quick

            quick_pe = read_pe_quick(mm, size)
            if quick_pe is not None:  # an ordinary PE image: no pefile import
                slices = (quick_pe,)
            else:
                from goarchlab.binary.pe import read_pe

                slices = (read_pe(mm, size),)
        elif head.startswith(b"\0asm") and len(head) >= 8:
            fmt = "wasm"
            slices = (_wasm(head),)
        else:
            raise _not_executable(name, head)
    except GoarchlabError:
        raise
    except Truncated as e:
        raise _fail(
            name, f"truncated {_LABEL[fmt]} file: {e}, the file has {size} bytes", _TRUNC_HINT
        ) from e
    except RecursionError as e:
        raise _fail(name, f"malformed {_LABEL[fmt]} file (nested too deeply)", _TRUNC_HINT) from e
    except Exception as e:
        # The parsers raise whatever their input provokes (ELFError, PEFormatError,
        # struct.error, IndexError, UnicodeDecodeError, ...): for a file we only
        # read, every one of them means the same thing to the user.
        detail = " ".join(str(e).split())[:120] or type(e).__name__
        raise _fail(
            name, f"truncated or malformed {_LABEL[fmt]} file ({detail})", _TRUNC_HINT
        ) from e
    return BinaryInfo(path=name, format=fmt, size=size, slices=slices)


_MAGICS = (
    b"\x7fELF",
    b"MZ",
    b"\0asm",
    *(m.to_bytes(4, "big") for m in (*MACHO_THIN_MAGICS, *FAT_MAGICS)),
)
_LABEL = {
    "elf": "ELF",
    "macho": "Mach-O",
    "macho-universal": "universal Mach-O",
    "pe": "PE",
    "wasm": "WebAssembly",
}
