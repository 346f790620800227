"""Fuzzing inspect(): whatever the bytes, the answer is a BinaryInfo or a GoarchlabError."""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import pytest
from binary_helpers import make_universal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goarchlab.binary import BinaryInfo, inspect
from goarchlab.errors import GoarchlabError

FUZZ = settings(
    max_examples=int(os.environ.get("GOARCHLAB_FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAGICS = [
    b"\x7fELF\x02\x01\x01\x00",
    b"\x7fELF\x01\x02\x01\x00",
    b"\xcf\xfa\xed\xfe",
    b"\xfe\xed\xfa\xce",
    b"\xca\xfe\xba\xbe",
    b"\xca\xfe\xba\xbf",
    b"MZ",
    b"\0asm\x01\0\0\0",
    b"",
]


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory(prefix="binary-fuzz-") as d:
        yield Path(d)


@pytest.fixture(scope="module")
def real(builds, install_toolchain, scratch) -> dict[str, bytes]:
    """Real images of every format: the session builds plus a universal Mach-O."""
    fat = scratch / "fat"
    tc_arm = install_toolchain("1.27.3", "darwin", "arm64")
    tc_amd = install_toolchain("1.27.3", "darwin", "amd64")
    make_universal([tc_arm.goroot / "bin" / "gofmt", tc_amd.goroot / "bin" / "gofmt"], fat)
    out = {n: builds[n].path.read_bytes() for n in ("default", "cgo", "darwin", "windows")}
    out["fat"] = fat.read_bytes()
    return out


def _check(path: Path) -> None:
    try:
        info = inspect(path)
    except GoarchlabError as e:
        assert e.message and "\n" not in e.message and e.hint
        return
    assert isinstance(info, BinaryInfo)
    assert info.slices and info.size == path.stat().st_size
    for s in info.slices:
        assert s.goarch and isinstance(s.goarch, str)
        assert s.bits in (32, 64) and s.endian in ("little", "big")
        assert s.go is None or s.go.go_version


@FUZZ
@given(magic=st.sampled_from(MAGICS), body=st.binary(max_size=4096))
def test_random_bytes(scratch, magic, body):
    p = scratch / "random"
    p.write_bytes(magic + body)
    _check(p)


@FUZZ
@given(
    magic=st.sampled_from([b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"]),
    n=st.integers(0, 50),
    archs=st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)), max_size=4),
)
def test_random_universal_headers(scratch, real, magic, n, archs):
    p = scratch / "fatfuzz"
    head = struct.pack(">II", int.from_bytes(magic, "big"), n)
    head += b"".join(struct.pack(">iiIII", 0x0100000C, 0, o, s, 14) for o, s in archs)
    p.write_bytes(head + real["darwin"][: 1 << 16])
    _check(p)


@FUZZ
@given(name=st.sampled_from(["default", "cgo", "darwin", "windows", "fat"]), data=st.data())
def test_truncated_real_binaries(scratch, real, name, data):
    blob = real[name]
    # Half the cuts fall in the first 64 KiB, where the headers are.
    cut = data.draw(st.one_of(st.integers(0, 1 << 16), st.integers(0, len(blob) - 1)))
    p = scratch / "cut"
    p.write_bytes(blob[:cut])
    _check(p)


@FUZZ
@given(
    name=st.sampled_from(["default", "cgo", "darwin", "windows", "fat"]),
    flips=st.lists(st.tuples(st.integers(0, 4095), st.integers(0, 7)), min_size=1, max_size=8),
)
def test_bit_flips_in_headers(scratch, real, name, flips):
    blob = bytearray(real[name])
    for at, bit in flips:
        blob[at] ^= 1 << bit
    p = scratch / "flipped"
    p.write_bytes(bytes(blob))
    _check(p)


@FUZZ
@given(name=st.sampled_from(["default", "darwin", "windows"]), data=st.data())
def test_corrupted_build_info_blob(scratch, real, name, data):
    """Bytes overwritten right after the build-info magic: no crash, Go info or None."""
    blob = bytearray(real[name])
    at = blob.find(b"\xff Go buildinf:")
    assert at > 0
    off = at + data.draw(st.integers(14, 400))
    junk = data.draw(st.binary(min_size=1, max_size=16))
    blob[off : off + len(junk)] = junk
    p = scratch / "blob"
    p.write_bytes(bytes(blob))
    _check(p)
