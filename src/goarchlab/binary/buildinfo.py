"""Go build info read from a binary's bytes, the way Go's ``debug/buildinfo`` does.

Why a Python port rather than asking ``go version -m``: inspecting must work
with no Go installed, on binaries of any platform, and within a few
milliseconds (doctor inspects every ``go`` on PATH). The port follows
``$GOROOT/src/debug/buildinfo/buildinfo.go`` (blob search and decoding) and
``$GOROOT/src/runtime/debug/mod.go`` (``ParseBuildInfo`` and
``BuildInfo.String``) of Go 1.27; tests compare it with ``go version -m`` of the
real toolchain.

The blob is a 32-byte header starting with ``\\xff Go buildinf:`` on a 16-byte
boundary of the data region the format names (ELF ``.go.buildinfo``, Mach-O
``__go_buildinfo``, PE first writable data section). Go 1.18+ follows it with
two varint-length-prefixed strings (version, modinfo); older linkers stored
pointers to Go string headers instead, resolved here through the image's
address map.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from goarchlab.binary.model import GoBuildInfo, GoModule

MAGIC = b"\xff Go buildinf:"
_ALIGN = 16
_HEADER_SIZE = 32
_CHUNK = 1 << 16
#: Upper bound on one build-info string (bytes); a real modinfo is a few KiB.
_MAX_STRING = 16 << 20


@dataclass(frozen=True)
class Region:
    """A mapped piece of the image: virtual address ``addr`` .. ``addr + size``
    backed by ``size`` bytes at file offset ``offset``."""

    addr: int
    size: int
    offset: int


class AddressMap:
    """Reads the image's bytes by virtual address, like buildinfo's ``exe.DataReader``.

    ``read_at(offset, n)`` reads up to ``n`` bytes at a file offset (fewer at EOF).
    """

    def __init__(self, regions: list[Region], read_at: Callable[[int, int], bytes]) -> None:
        self.regions = [r for r in regions if r.size > 0]
        self._read_at = read_at

    def read(self, addr: int, size: int) -> bytes:
        """Up to ``size`` bytes from ``addr`` to the end of its region; b"" if unmapped."""
        for r in self.regions:
            if r.addr <= addr < r.addr + r.size:
                n = min(size, r.addr + r.size - addr)
                return self._read_at(r.offset + addr - r.addr, n)
        return b""


def _uvarint(b: bytes) -> tuple[int, int]:
    """Go's binary.Uvarint: (value, bytes used); n <= 0 when malformed or short."""
    x = 0
    for i, c in enumerate(b[:10]):
        if c < 0x80:
            if i == 9 and c > 1:
                return 0, -(i + 1)
            return x | c << (7 * i), i + 1
        x |= (c & 0x7F) << (7 * i)
    return 0, 0


def _search_magic(m: AddressMap, start: int, size: int) -> int | None:
    """Address of the first 16-byte-aligned magic in [start, start+size), or None."""
    end = start + size
    start = (start + _ALIGN - 1) & ~(_ALIGN - 1)
    while start < end:
        n = min(_CHUNK, end - start)
        data = m.read(start, n)
        if not data:
            return None
        i = data.find(MAGIC)
        while i >= 0:
            if end - start - i < _HEADER_SIZE:
                return None
            if i % _ALIGN == 0:
                return start + i
            i = data.find(MAGIC, i + 1)
        if len(data) < n:
            return None
        # The magic is aligned, so it never straddles two aligned chunks.
        start += n
    return None


def _decode_string(m: AddressMap, addr: int) -> tuple[bytes, int] | None:
    b = m.read(addr, 10)
    length, n = _uvarint(b)
    if n <= 0 or length > _MAX_STRING:
        return None
    data = m.read(addr + n, length)
    if len(data) < length:
        return None
    return data, addr + n + length


def _read_ptr_string(m: AddressMap, ptr_size: int, order: str, addr: int) -> bytes:
    hdr = m.read(addr, 2 * ptr_size)
    if len(hdr) < 2 * ptr_size:
        return b""
    data_addr = int.from_bytes(hdr[:ptr_size], order)
    data_len = int.from_bytes(hdr[ptr_size:], order)
    if data_len > _MAX_STRING:
        return b""
    data = m.read(data_addr, data_len)
    return data if len(data) == data_len else b""


def read_raw(m: AddressMap, start: int, size: int) -> tuple[bytes, bytes] | None:
    """(version, modinfo) bytes of the blob in [start, start+size), or None when absent.

    ``start`` is a virtual address of the image (the data region's), ``size`` its length
    in bytes (<= 0: no region, None).

    modinfo is b"" for a binary built outside module mode; framing is stripped.
    """
    if size <= 0:
        return None
    addr = _search_magic(m, start, size)
    if addr is None:
        return None
    header = m.read(addr, _HEADER_SIZE)
    if len(header) < _HEADER_SIZE:
        return None
    flags = header[15]
    if flags & 0x2:  # inline strings, Go 1.18+
        got = _decode_string(m, addr + _HEADER_SIZE)
        if got is None:
            return None
        vers, nxt = got
        got = _decode_string(m, nxt)
        if got is None:
            return None
        mod = got[0]
    else:  # pointers to Go strings, before Go 1.18
        ptr_size = header[14]
        if ptr_size not in (4, 8):
            return None
        order = "big" if flags & 0x1 else "little"
        vers_ptr = int.from_bytes(header[16 : 16 + ptr_size], order)
        mod_ptr = int.from_bytes(header[16 + ptr_size : 16 + 2 * ptr_size], order)
        vers = _read_ptr_string(m, ptr_size, order, vers_ptr)
        mod = _read_ptr_string(m, ptr_size, order, mod_ptr)
    if not vers:
        return None
    # Strip the sentinels cmd/go puts around modinfo (modload.infoStart/infoEnd).
    mod = mod[16:-16] if len(mod) >= 33 and mod[-17] == 0x0A else b""
    return vers, mod


# --- runtime/debug.ParseBuildInfo and BuildInfo.String -------------------------------


class ParseError(ValueError):
    """modinfo text that Go's ParseBuildInfo would reject."""


_SIMPLE_ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34}


def go_unquote(s: str) -> str:
    """Go's strconv.Unquote for a "double-quoted" or `raw` string; ParseError if invalid."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in '"`':
        raise ParseError("invalid quoted string")
    body = s[1:-1]
    if s[0] == "`":
        if "`" in body:
            raise ParseError("invalid quoted string")
        return body.replace("\r", "")
    if "\n" in body:
        raise ParseError("invalid quoted string")
    out = bytearray()
    i = 0
    raw = body.encode("utf-8", "surrogateescape")
    while i < len(raw):
        c = raw[i]
        if c == 0x22:
            raise ParseError("invalid quoted string")
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(raw):
            raise ParseError("invalid escape")
        e = chr(raw[i + 1])
        i += 2
        if e in _SIMPLE_ESC:
            out.append(_SIMPLE_ESC[e])
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = raw[i : i + width].decode("ascii", "replace")
            try:
                v = int(digits, 16) if len(digits) == width else -1
            except ValueError:
                v = -1
            if v < 0 or (e != "x" and (v > 0x10FFFF or 0xD800 <= v < 0xE000)):
                raise ParseError("invalid escape")
            out += bytes([v]) if e == "x" else chr(v).encode()
            i += width
        elif e in "01234567":
            digits = raw[i - 1 : i + 2].decode("ascii", "replace")
            try:
                v = int(digits, 8) if len(digits) == 3 else 256
            except ValueError:
                v = 256
            if v > 255:
                raise ParseError("invalid escape")
            out.append(v)
            i += 2
        else:
            raise ParseError("invalid escape")
    return out.decode("utf-8", "surrogateescape")


def _quoted_prefix(s: str) -> str:
    """Go's strconv.QuotedPrefix: the leading quoted string of ``s``."""
    q = s[0]
    i = 1
    while i < len(s):
        if s[i] == q:
            return s[: i + 1]
        if q == '"' and s[i] == "\\":
            i += 1
        elif q == '"' and s[i] == "\n":
            break
        i += 1
    raise ParseError("invalid quoted key in build line")


def _is_go_print(ch: str) -> bool:
    # unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
    return ch == " " or (ch.isprintable() and not ch.isspace())


def go_quote(s: str) -> str:
    """Go's strconv.Quote (invalid UTF-8 bytes, kept as surrogate escapes, become \\xNN)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\x{o - 0xDC00:02x}")
        elif _is_go_print(ch):
            out.append(ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(ch)])
        elif o < 0x80:
            out.append(f"\\x{o:02x}")
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def _quote_key(k: str) -> bool:
    return not k or any(c in k for c in '= \t\r\n"`')


def _quote_value(v: str) -> bool:
    return any(c in v for c in ' \t\r\n"`')


def setting_value(v: str) -> str:
    """A build setting's value as ``BuildInfo.String`` (``go version -m``) writes it:
    Go-quoted when it holds a blank or a quote (``"-s -w"``), else as is."""
    return go_quote(v) if _quote_value(v) else v


def _module(elem: list[str]) -> GoModule:
    if len(elem) not in (2, 3):
        raise ParseError(f"expected 2 or 3 columns; got {len(elem)}")
    return GoModule(elem[0], elem[1], elem[2] if len(elem) == 3 else "")


def parse_modinfo(go_version: str, data: str) -> GoBuildInfo:
    """runtime/debug.ParseBuildInfo of ``data`` with ``go_version`` set; ParseError on bad lines."""
    path = ""
    main: GoModule | None = None
    deps: list[GoModule] = []
    settings: dict[str, str] = {}
    last: str | None = None  # "main" or "dep": who an "=>" line replaces
    lines = data.split("\n")
    # Like strings.Cut in Go's loop, a last line without "\n" is ignored.
    for line in lines[:-1]:
        if line.startswith("path\t"):
            path = line[5:]
        elif line.startswith("mod\t"):
            main, last = _module(line[4:].split("\t")), "main"
        elif line.startswith("dep\t"):
            deps.append(_module(line[4:].split("\t")))
            last = "dep"
        elif line.startswith("=>\t"):
            elem = line[3:].split("\t")
            if len(elem) != 3:
                raise ParseError(f"expected 3 columns for replacement; got {len(elem)}")
            rep = GoModule(*elem)
            if last == "main" and main is not None:
                main = GoModule(main.path, main.version, main.sum, rep)
            elif last == "dep":
                d = deps[-1]
                deps[-1] = GoModule(d.path, d.version, d.sum, rep)
            else:
                raise ParseError("replacement with no module on previous line")
            last = None
        elif line.startswith("build\t"):
            key, value = _parse_build_line(line[6:])
            settings[key] = value
    return GoBuildInfo(
        go_version=go_version,
        path=path,
        main_module=main.path if main else "",
        main_version=main.version if main else "",
        settings=settings,
        deps=tuple((d.path, d.version) for d in deps),
        main=main,
        modules=tuple(deps),
    )


def _parse_build_line(kv: str) -> tuple[str, str]:
    if not kv:
        raise ParseError("build line missing '='")
    if kv[0] == "=":
        raise ParseError("build line with missing key")
    if kv[0] in '`"':
        raw_key = _quoted_prefix(kv)
        if len(kv) == len(raw_key):
            raise ParseError("build line missing '=' after quoted key")
        if kv[len(raw_key)] != "=":
            raise ParseError("unexpected character after quoted key")
        key = go_unquote(raw_key)
        raw_value = kv[len(raw_key) + 1 :]
    else:
        key, sep, raw_value = kv.partition("=")
        if not sep:
            raise ParseError("build line missing '=' after key")
        if _quote_key(key):
            raise ParseError(f"unquoted key {key!r} must be quoted")
    if raw_value[:1] in ("`", '"'):
        return key, go_unquote(raw_value)
    if _quote_value(raw_value):
        raise ParseError(f"unquoted value {raw_value!r} must be quoted")
    return key, raw_value


def go_string(bi: GoBuildInfo) -> str:
    """Go's ``BuildInfo.String()`` of ``bi`` (the ``go`` line first when go_version is set)."""
    out: list[str] = []
    if bi.go_version:
        out.append(f"go\t{bi.go_version}\n")
    if bi.path:
        out.append(f"path\t{bi.path}\n")

    def fmt(word: str, m: GoModule) -> None:
        out.append(f"{word}\t{m.path}\t{m.version}")
        if m.replace is None:
            out.append(f"\t{m.sum}\n")
        else:
            out.append("\n")
            fmt("=>", m.replace)
            out.append("\n")

    if bi.main is not None and bi.main != GoModule("", ""):
        fmt("mod", bi.main)
    for d in bi.modules:
        fmt("dep", d)
    for k, v in bi.settings.items():
        k = go_quote(k) if _quote_key(k) else k
        out.append(f"build\t{k}={setting_value(v)}\n")
    return "".join(out)


def decode(vers: bytes, mod: bytes) -> GoBuildInfo | None:
    """A GoBuildInfo from raw blob strings, or None where Go's ``Read`` would fail."""
    text = mod.decode("utf-8", "surrogateescape")
    try:
        return parse_modinfo(vers.decode("utf-8", "surrogateescape"), text)
    except ParseError:
        return None
