"""Read the Go benchmark format (proposal 14313, golang.org/x/perf/benchfmt).

Why our own parser: goarchlab must read ``go test -bench`` output of every variant,
including test binaries run under QEMU or Rosetta, without requiring Go tools on
PATH. The rules follow golang.org/x/perf/benchfmt's reader:

* ``key: value`` configuration lines (key starts lower-case, no spaces or upper case,
  one or more spaces/tabs after the colon; an empty value deletes the key) apply to
  the benchmark lines after them;
* benchmark lines ``BenchmarkName[-procs] <iterations> (<value> <unit>)+``; a line that
  is only a name (``go test -v`` progress) is skipped;
* ``Unit <unit> key=value...`` lines set unit metadata such as ``assume=exact``;
* everything else (``PASS``, ``ok pkg 1.2s``, ``--- FAIL``, log output) is ignored.

The writer is :func:`goarchlab.render.bench_text.format_results` (output formats
live in render); the tests round-trip its text through this reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from goarchlab.bench.model import Sample

#: Config key naming the variant, so ``benchstat -col variant`` (with ``-ignore`` for
#: the keys that differ between variants, e.g. ``goarch,runner``) compares variants.
VARIANT_KEY = "variant"

_UNIT_TOKEN = re.compile(r"[^*/\-\s]+")
# strconv.ParseFloat's decimal syntax and its special values: [+-]inf or [+-]infinity
# and an unsigned nan, in any letter case (internal/strconv/atof.go, special).
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?inf(inity)?$|^nan$", re.I)


@dataclass(frozen=True)
class Result:
    """One benchmark line.

    ``config``: the file configuration in force, as (key, value) pairs in the order the
    keys were first set. ``name``: the full name after ``Benchmark`` including the
    ``-procs`` suffix. ``iterations``: b.N (>= 0). ``values``: (value, unit) pairs as
    printed (not tidied). ``line``: 1-based line number.
    """

    config: tuple[tuple[str, str], ...]
    name: str
    iterations: int
    values: tuple[tuple[float, str], ...]
    line: int = 0

    def config_value(self, key: str, default: str = "") -> str:
        """The value of config ``key`` for this result, or ``default``."""
        return dict(self.config).get(key, default)


@dataclass(frozen=True)
class LineError:
    """A line that starts like a benchmark line but is malformed (kept, not raised:
    benchstat warns and continues). ``line``: 1-based; ``message``: what is wrong."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedFile:
    """Everything read from one input: results in order, unit metadata
    (``{(unit, key): value}``, e.g. ``{("B", "assume"): "exact"}``), and syntax errors."""

    results: tuple[Result, ...]
    unit_metadata: Mapping[tuple[str, str], str] = field(default_factory=dict)
    errors: tuple[LineError, ...] = ()

    def samples(
        self, variant: str | None = None, *, variant_key: str = VARIANT_KEY
    ) -> tuple[Sample, ...]:
        """Group results into :class:`Sample`s per (variant, benchmark, unit).

        The variant is ``variant`` when given, else the result's ``variant_key`` config
        value (empty when absent). Order: first appearance. Units are kept as printed.
        """
        groups: dict[tuple[str, str, str], tuple[list[float], list[int]]] = {}
        for r in self.results:
            v = variant if variant is not None else r.config_value(variant_key)
            for value, unit in r.values:
                vals, iters = groups.setdefault((v, r.name, unit), ([], []))
                vals.append(value)
                iters.append(r.iterations)
        return tuple(
            Sample(v, name, unit, tuple(vals), tuple(iters))
            for (v, name, unit), (vals, iters) in groups.items()
        )


def tidy_unit(unit: str) -> tuple[str, float]:
    """benchstat's unit normalisation (benchunit.Tidy): ``(tidied_unit, factor)`` with
    value*factor in the tidied unit. Every ``ns`` token becomes ``sec`` (factor 1e-9)
    and every ``MB`` token ``B`` (1e6), in the numerator only: ``ns/op`` -> ``sec/op``,
    ``x-ns/op`` -> ``x-sec/op``, ``MB/s`` -> ``B/s``, ``op/ns`` and ``B/op`` unchanged."""
    if unit == "ns/op":
        return "sec/op", 1e-9
    if unit == "MB/s":
        return "B/s", 1e6
    if "ns" not in unit and "MB" not in unit:
        return unit, 1.0
    factor = 1.0
    out: list[str] = []
    denom = False
    pos = 0
    # benchunit's tokenizer: '*', '/', '-' and white space separate tokens; a '/'
    # puts the following tokens in the denominator, a '*' back in the numerator.
    for m in _UNIT_TOKEN.finditer(unit):
        seps = unit[pos : m.start()]
        for ch in seps:
            if ch == "*":
                denom = False
            elif ch == "/":
                denom = True
        tok = m.group()
        if not denom and tok == "ns":
            tok, factor = "sec", factor / 1e9
        elif not denom and tok == "MB":
            tok, factor = "B", factor * 1e6
        out += (seps, tok)
        pos = m.end()
    out.append(unit[pos:])
    return "".join(out), factor


def _parse_key_value(line: str) -> tuple[str, str] | None:
    if not line or not line[0].islower():
        return None
    colon = -1
    for i, ch in enumerate(line):
        if ch.isspace() or ch.isupper():
            return None
        if i > 0 and ch == ":":
            colon = i
            break
    if colon <= 0:
        return None
    key, val = line[:colon], line[colon + 1 :]
    if not val:
        return key, ""
    stripped = val.lstrip(" \t")
    if stripped == val:
        return None  # "key:value" without a separating space is not config
    return key, stripped


def _parse_float(text: str) -> float | None:
    if not _NUMBER.match(text):
        return None
    return float(text)


def parse(text: str | Iterable[str]) -> ParsedFile:
    """Parse Go benchmark format from a string or an iterable of lines."""
    lines = text.splitlines() if isinstance(text, str) else (ln.rstrip("\n") for ln in text)
    config: dict[str, str] = {}
    results: list[Result] = []
    errors: list[LineError] = []
    units: dict[tuple[str, str], str] = {}
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if line.startswith("Benchmark"):
            fields = line[len("Benchmark") :].split()
            if len(fields) == 1 and not line[len("Benchmark") :][len(fields[0]) :].strip():
                continue  # `go test -v` prints the bare name when a benchmark starts
            res = _parse_benchmark(fields, config, n)
            (results if isinstance(res, Result) else errors).append(res)  # type: ignore[arg-type]
            continue
        if line.startswith("Unit") and (len(line) == 4 or line[4].isspace()):
            errors.extend(_parse_unit_line(line[4:].split(), units, n))
            continue
        kv = _parse_key_value(line)
        if kv is not None:
            key, val = kv
            if val:
                config[key] = val
            else:
                config.pop(key, None)
    return ParsedFile(tuple(results), units, tuple(errors))


def _parse_benchmark(fields: list[str], config: dict[str, str], n: int) -> Result | LineError:
    if not fields:
        return LineError(n, "missing benchmark name")
    name = fields[0]
    if len(fields) < 2:
        return LineError(n, "missing iteration count")
    try:
        iters = int(fields[1])
    except ValueError:
        return LineError(n, f"parsing iteration count: invalid syntax {fields[1]!r}")
    pairs: list[tuple[float, str]] = []
    rest = fields[2:]
    if not rest:
        return LineError(n, "missing measurements")
    for i in range(0, len(rest), 2):
        val = _parse_float(rest[i])
        if val is None:
            return LineError(n, f"parsing measurement: invalid syntax {rest[i]!r}")
        if i + 1 >= len(rest):
            return LineError(n, "missing units")
        pairs.append((val, rest[i + 1]))
    return Result(tuple(config.items()), name, iters, tuple(pairs), n)


def _parse_unit_line(
    fields: list[str], units: dict[tuple[str, str], str], n: int
) -> list[LineError]:
    if not fields:
        return [LineError(n, "missing unit")]
    unit = tidy_unit(fields[0])[0]
    errs = []
    for kv in fields[1:]:
        key, eq, value = kv.partition("=")
        if not eq or not key:
            errs.append(LineError(n, "expected key=value"))
            continue
        have = units.get((unit, key))
        if have is not None and have != value:
            errs.append(LineError(n, f"metadata {key} of unit {fields[0]} already set to {have}"))
            continue
        units[(unit, key)] = value
    return errs
