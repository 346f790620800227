"""A small decoder for pprof profiles (profile.proto, gzipped), documented here.

Why not the protobuf runtime: goarchlab reads only a handful of fields, and a
wire decoder of ~100 lines keeps the package free of a generated module and a
native dependency. The format is google/pprof's ``proto/profile.proto``; the
protobuf wire format has four kinds of fields we meet: varint (wire type 0),
64-bit (1), length-delimited (2: strings, embedded messages, packed repeated
varints) and 32-bit (5). Unknown fields are skipped, so newer producers still
decode. Field numbers used (profile.proto):

- Profile: 1 sample_type (ValueType), 2 sample, 4 location, 5 function,
  6 string_table, 9 time_nanos, 10 duration_nanos, 11 period_type, 12 period,
  14 default_sample_type (string table index; Go's ``allocs`` profile names
  ``alloc_space``, runtime/pprof/protomem.go)
- ValueType: 1 type, 2 unit (string table indices)
- ProfileSample: 1 location_id (repeated, packed or not; [0] is the leaf), 2 value
- Location: 1 id, 3 address, 4 line (repeated Line; [0] is the innermost
  inlined function, the last is the caller it was inlined into)
- Line: 1 function_id, 2 line
- Function: 1 id, 2 name, 4 filename

Checked against ``go tool pprof -traces`` on real profiles (tests/bench_http).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import GoarchlabError


@dataclass(frozen=True)
class ProfileSample:
    """One sample: ``stack`` of function names, leaf first; ``values`` one per sample type."""

    stack: tuple[str, ...]
    values: tuple[int, ...]


@dataclass(frozen=True)
class Profile:
    """A decoded profile. ``sample_types``: (type, unit) pairs such as ("cpu",
    "nanoseconds") or ("alloc_space", "bytes"); ``period``/``period_type`` as
    recorded; ``duration_ns``: the profile's span (0 when absent); ``time_ns``: when
    it was taken (Unix ns, 0 when absent); ``default_sample_type``: the type the
    producer chose as the default ("" when it named none)."""

    sample_types: tuple[tuple[str, str], ...]
    samples: tuple[ProfileSample, ...]
    period: int
    period_type: tuple[str, str]
    duration_ns: int
    time_ns: int
    default_sample_type: str = ""

    def index_of(self, type_name: str) -> int:
        """The value index of sample type ``type_name``; the last one if absent."""
        for i, (t, _) in enumerate(self.sample_types):
            if t == type_name:
                return i
        return len(self.sample_types) - 1

    def default_index(self) -> int:
        """The value index ``go tool pprof`` shows without ``-sample_index``: the
        ``default_sample_type`` when the profile names one, else the last type
        (google/pprof profile.SampleIndexByName)."""
        if self.default_sample_type:
            return self.index_of(self.default_sample_type)
        return len(self.sample_types) - 1


def _varint(b: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if i >= len(b):
            raise ValueError("truncated varint")
        c = b[i]
        i += 1
        result |= (c & 0x7F) << shift
        if c < 0x80:
            return result, i
        shift += 7
        if shift > 70:
            raise ValueError("varint too long")


def fields(b: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """Yield (field number, wire type, value) of a protobuf message; length-delimited
    values are bytes, the others ints."""
    i, n = 0, len(b)
    while i < n:
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 1:
            v, i = int.from_bytes(b[i:i + 8], "little"), i + 8
        elif wt == 2:
            ln, i = _varint(b, i)
            if i + ln > n:
                raise ValueError("truncated field")
            v, i = b[i:i + ln], i + ln
        elif wt == 5:
            v, i = int.from_bytes(b[i:i + 4], "little"), i + 4
        else:
            raise ValueError(f"unsupported wire type {wt}")
        if i > n:
            raise ValueError("truncated field")
        yield num, wt, v


def _ints(wt: int, v) -> list[int]:
    """A repeated integer field's values: packed (bytes) or one varint."""
    if wt == 2:
        out, i = [], 0
        while i < len(v):
            x, i = _varint(v, i)
            out.append(x)
        return out
    return [v]


def _signed(x: int) -> int:
    # int64 values are two's complement in a 10-byte varint.
    return x - (1 << 64) if x >= 1 << 63 else x


def _msg(wt: int, v) -> bytes:
    """A length-delimited field's bytes (a message or a string)."""
    if wt != 2:
        raise ValueError(f"wire type {wt} where a message or string belongs")
    return v


def _int(wt: int, v) -> int:
    """An integer field's value."""
    if wt == 2:
        raise ValueError("a length-delimited field where an integer belongs")
    return v


def _int_fields(b: bytes) -> dict[int, int]:
    """The integer fields of a message of integers only (ValueType, Function, Line);
    a length-delimited field there is skipped like an unknown one."""
    return {k: x for k, w, x in fields(b) if w != 2}


def decode(data: bytes) -> Profile:
    """Decode a profile (gzipped or raw bytes). Raises ValueError on malformed input."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    strings: list[str] = []
    st_raw: list[tuple[int, int]] = []
    samples_raw: list[tuple[list[int], list[int]]] = []
    locs: dict[int, list[int]] = {}
    funcs: dict[int, int] = {}
    period = duration = tnow = dflt = 0
    ptype = (0, 0)
    for num, wt, v in fields(data):
        if num == 6:
            strings.append(_msg(wt, v).decode("utf-8", "replace"))
        elif num == 1:
            d = _int_fields(_msg(wt, v))
            st_raw.append((d.get(1, 0), d.get(2, 0)))
        elif num == 11:
            d = _int_fields(_msg(wt, v))
            ptype = (d.get(1, 0), d.get(2, 0))
        elif num == 2:
            ids: list[int] = []
            vals: list[int] = []
            for k, w, x in fields(_msg(wt, v)):
                if k == 1:
                    ids += _ints(w, x)
                elif k == 2:
                    vals += [_signed(y) for y in _ints(w, x)]
            samples_raw.append((ids, vals))
        elif num == 4:
            lid, fn_ids = 0, []
            for k, w, x in fields(_msg(wt, v)):
                if k == 1:
                    lid = _int(w, x)
                elif k == 4:
                    fn_ids.append(_int_fields(_msg(w, x)).get(1, 0))
            locs[lid] = fn_ids
        elif num == 5:
            d = _int_fields(_msg(wt, v))
            funcs[d.get(1, 0)] = d.get(2, 0)
        elif num == 12:
            period = _signed(_int(wt, v))
        elif num == 10:
            duration = _signed(_int(wt, v))
        elif num == 9:
            tnow = _signed(_int(wt, v))
        elif num == 14:
            dflt = _int(wt, v)

    def s(i: int) -> str:
        return strings[i] if 0 <= i < len(strings) else ""

    names: dict[int, tuple[str, ...]] = {
        lid: tuple(s(funcs.get(f, 0)) or "?" for f in fn_ids) or ("?",)
        for lid, fn_ids in locs.items()}
    samples = tuple(
        ProfileSample(tuple(n for lid in ids for n in names.get(lid, (f"0x{lid:x}",))), tuple(vals))
        for ids, vals in samples_raw)
    return Profile(tuple((s(a), s(b)) for a, b in st_raw), samples, period,
                   (s(ptype[0]), s(ptype[1])), duration, tnow, s(dflt))


def load(path: Path) -> Profile:
    """Read and decode a ``.pb.gz`` file; GoarchlabError when it is not a profile."""
    try:
        return decode(Path(path).read_bytes())
    # gzip raises BadGzipFile (an OSError), EOFError when cut short, zlib.error when
    # the compressed stream itself is damaged.
    except (OSError, ValueError, EOFError, zlib.error) as e:
        raise GoarchlabError(f"{path}: not a readable pprof profile ({e})",
                             "check it with: go tool pprof -top FILE") from e
