"""binfmt_misc handlers read through the probe from a directory laid out like
/proc/sys/fs/binfmt_misc, starting from the real qemu-aarch64 entry of this machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from goarchlab.host import RealProbe
from goarchlab.host.binfmt import parse_entry, read_handlers

REAL = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")
# Debian's qemu-user-binfmt riscv64 entry as /proc would show it (magic, mask and
# interpreter from /usr/lib/binfmt.d/qemu-riscv64.conf; flags there are OP, here
# POCF to exercise F): an ELF64 little-endian EM_RISCV header.
RISCV = """enabled
interpreter /usr/libexec/qemu-binfmt/riscv64-binfmt-P
flags: POCF
offset 0
magic 7f454c460201010000000000000000000200f300
mask ffffffffffffff00fffffffffffffffffeffffff
"""


@pytest.fixture()
def binfmt_dir(tmp_path):
    d = tmp_path / "binfmt_misc"
    d.mkdir()
    (d / "status").write_text("enabled\n")
    (d / "register").write_text("")
    real = REAL.read_text()
    (d / "qemu-aarch64").write_text(real)
    (d / "qemu-aarch64-off").write_text(real.replace("enabled", "disabled", 1))
    interp = next(ln.split(" ", 1)[1] for ln in real.splitlines() if ln.startswith("interpreter"))
    (d / "qemu-aarch64-gone").write_text(real.replace(interp, "/nonexistent/qemu-aarch64"))
    (d / "qemu-riscv64").write_text(RISCV.replace(
        "/usr/libexec/qemu-binfmt/riscv64-binfmt-P", "/nonexistent/riscv64"))
    (d / "garbage").write_text("this is not a handler\n")
    (d / "badhex").write_text("enabled\ninterpreter /bin/sh\nflags: \noffset 0\nmagic zz\n")
    (d / "DOSWin").write_text("enabled\ninterpreter /usr/bin/wine\nflags: \noffset 0\nmagic 4d5a\n")
    return d


def test_handlers(binfmt_dir):
    got = {e.name: e for e in read_handlers(RealProbe(), str(binfmt_dir))}
    assert set(got) == {"qemu-aarch64", "qemu-aarch64-off", "qemu-aarch64-gone", "qemu-riscv64",
                        "garbage", "badhex", "DOSWin"}
    assert got["qemu-aarch64"].usable and got["qemu-aarch64"].goarch == "arm64"
    assert got["qemu-aarch64-off"].problem == "handler disabled"
    assert got["qemu-aarch64-gone"].problem == "interpreter /nonexistent/qemu-aarch64 is missing"
    # F: the kernel opened the interpreter at registration; its path need not exist.
    assert got["qemu-riscv64"].usable and got["qemu-riscv64"].goarch == "riscv64"
    assert got["garbage"].problem == "unreadable handler entry"
    assert got["badhex"].problem == "magic or mask is not hexadecimal"
    assert got["DOSWin"].goarch is None and not got["DOSWin"].usable


def test_globally_disabled(binfmt_dir):
    (binfmt_dir / "status").write_text("disabled\n")
    entries = read_handlers(RealProbe(), str(binfmt_dir))
    assert not any(e.usable for e in entries)
    assert {e.problem for e in entries if e.name == "qemu-aarch64"} == {
        "binfmt_misc is disabled (status)"}


def test_not_mounted(tmp_path):
    assert read_handlers(RealProbe(), str(tmp_path / "absent")) == ()


@pytest.mark.parametrize(("magic", "goarch"), [
    ("7f454c46020101000000000000000000020003e00", None),  # odd hex length
    ("7f454c4601010100000000000000000002002800", "arm"),
    ("7f454c4602020100000000000000000000020015", "ppc64"),
    ("7f454c4602010100000000000000000002001500", "ppc64le"),
    ("7f454c4601010100000000000000000002000300", "386"),
    ("7f454c4602010100000000000000000002003e00", "amd64"),
])
def test_magic_to_goarch(magic, goarch):
    text = f"enabled\ninterpreter /bin/true\nflags: F\noffset 0\nmagic {magic}\n"
    e = parse_entry("x", "x", text)
    assert e.goarch == goarch
