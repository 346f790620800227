"""Real file-system faults for tests: a small tmpfs (ENOSPC), a read-only bind mount
(EROFS), and a goarchlab CLI run without CAP_DAC_OVERRIDE (EACCES as root).

The tests run as root (here and in CI); ``mount`` needs CAP_SYS_ADMIN. When mounting
is impossible the test FAILS with the mount error: these faults are what the tests
are about, and a skip would hide that they no longer ran. Imported by name (tests/
is on sys.path through the root conftest).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from goarchlab import proc


def _mount(argv: list[str]) -> None:
    r = proc.run(argv, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}, timeout=30)
    if not r.ok:
        pytest.fail(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.strip()}; the disk "
                    "fault tests need root with CAP_SYS_ADMIN (mount)", pytrace=False)


def _umount(d: Path) -> None:
    # -l: a test that failed may still hold a file open in it.
    proc.run(["umount", "-l", str(d)], env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
             timeout=30)


@contextlib.contextmanager
def tmpfs(d: Path, size_bytes: int) -> Iterator[Path]:
    """Mount a tmpfs of ``size_bytes`` (rounded up to whole pages) on ``d`` (created)."""
    d.mkdir(parents=True, exist_ok=True)
    _mount(["mount", "-t", "tmpfs", "-o", f"size={size_bytes},mode=0755", "tmpfs", str(d)])
    try:
        yield d
    finally:
        _umount(d)


@contextlib.contextmanager
def read_only(d: Path) -> Iterator[Path]:
    """Make the existing directory ``d`` read-only (EROFS) by a read-only bind mount on itself."""
    _mount(["mount", "--bind", str(d), str(d)])
    try:
        _mount(["mount", "-o", "remount,bind,ro", str(d)])
        yield d
    finally:
        _umount(d)


def fill(d: Path, leave: int = 0) -> Path:
    """Fill the file system of ``d`` until about ``leave`` bytes are free; returns the filler."""
    filler = d / "filler"
    free = os.statvfs(d).f_bavail * os.statvfs(d).f_frsize
    with filler.open("wb") as f:
        try:
            f.write(b"\0" * max(0, free - leave))
            f.flush()
        except OSError:
            pass
    return filler


#: Run as root but without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH: a 0500 directory owned
#: by root is then really unwritable (EACCES), as it is for an ordinary user.
NO_DAC = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
          "--bounding-set=-dac_override,-dac_read_search"]


def goarchlab_argv(*args: str, no_dac: bool = False) -> list[str]:
    """argv running the goarchlab CLI (optionally without DAC override)."""
    return [*(NO_DAC if no_dac else []), sys.executable, "-m", "goarchlab", *args]


def error_lines(stderr: str) -> tuple[str, str]:
    """(error line, hint line) of a failed CLI run; asserts there is no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    err = [ln for ln in lines if ln.startswith("error:")]
    assert len(err) == 1, stderr
    hint = next((ln for ln in lines if ln.startswith("hint:")), "")
    return err[0], hint
