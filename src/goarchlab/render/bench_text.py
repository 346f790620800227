"""Text forms of bench results: benchstat's value formatting, the Markdown report,
and the Go benchmark format writer, which emits config lines only when they change,
so its output is what ``go test`` would print and ``benchstat`` reads it (checked
against benchstat in the tests; the reader is bench/benchfmt.py). Moved from
bench/report.py and bench/benchfmt.py: output formats live in render, which may
import features; features never import render."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from goarchlab.bench.benchfmt import VARIANT_KEY
from goarchlab.bench.model import RunRecord, Sample, Table
from goarchlab.bench.report import TranslationReport

# benchunit's prefixes and the thresholds at which a value shows 100.0, 10.00 or
# 1.000 of a prefix (built from the printed forms, as benchunit/scale.go does, so
# they round exactly as printing does).
_SI = tuple((10.0 ** e, p, float(f"99.995e{e}"), float(f"9.9995e{e}"), float(f".99995e{e}"))
            for e, p in zip(range(12, -10, -3), ("T", "G", "M", "k", "", "m", "µ", "n"),
                            strict=True))
_IEC = tuple((2.0 ** e, p, float.fromhex(f"0x1.8ffae147ae148p{6 + e}"),
              float.fromhex(f"0x1.3ffbe76c8b439p{3 + e}"),
              float.fromhex(f"0x1.fff972474538fp{-1 + e}"))
             for e, p in zip(range(40, -1, -10), ("Ti", "Gi", "Mi", "Ki", ""), strict=True))
_SIGFIGS = tuple(float(f"9.9995e{e}") for e in range(-1, -9, -1))
_UNIT_PART = re.compile(r"[*/]|[^*/\s-]+")


def _binary(unit: str) -> bool:
    """benchunit.ClassOf: a unit with bytes (``B``, ``MB``, ``bytes``) in its numerator
    scales by 1024 (``B/op``, ``heap-peak-B``, ``B/s``), any other by 1000."""
    denom = False
    for tok in _UNIT_PART.findall(unit):
        if tok in ("*", "/"):
            denom = tok == "/"
        elif tok in ("B", "MB", "bytes") and not denom:
            return True
    return False


def _scaler(values: Sequence[float], binary: bool) -> tuple[float, str, int]:
    """benchunit.CommonScale: (factor, prefix, digits after the point) that shows the
    non-zero value closest to zero with at least three significant digits."""
    v = min((abs(x) for x in values if x), default=0.0)
    if v == 0:
        return 1.0, "", 3
    factors = _IEC if binary else _SI
    for factor, prefix, t100, t10, t1 in factors:
        if v >= t1:
            return factor, prefix, 1 if v >= t100 else 2 if v >= t10 else 3
    # Below the smallest prefix: more digits after the point (up to 10).
    factor, prefix = factors[-1][:2]
    x = v / factor
    return factor, prefix, next((i for i, t in enumerate(_SIGFIGS) if x >= t),
                                len(_SIGFIGS) - 1) + 3


def fmt_value(value: float, unit: str, like: Sequence[float] = ()) -> str:
    """``value`` with an SI or binary prefix as benchstat prints it (benchunit): the
    scale shows the smallest non-zero of ``value`` and ``like`` (benchstat scales a
    table row together: pass the row's other values) with at least three significant
    digits: ``1.234µ`` sec/op, ``45.68k`` req/s, ``2.861Mi`` B; ``?`` for None, NaN or
    infinity."""
    if value is None or not math.isfinite(value):
        return "?"
    vals = [value, *(x for x in like if x is not None and math.isfinite(x))]
    factor, prefix, prec = _scaler(vals, _binary(unit))
    return f"{value / factor:.{prec}f}{prefix}"


def benchfmt_text(run: RunRecord, cpu: str) -> str:
    """The run in Go benchmark format: per variant goos/goarch/cpu/runner/go config
    lines and a ``variant`` key, so ``benchstat -col variant`` with ``-ignore`` for the
    keys that differ between variants (``goarch,runner,go``) compares them."""
    config = {}
    for v in run.variants:
        cfg = {"goos": v.goos, "goarch": v.goarch}
        if cpu:
            cfg["cpu"] = cpu
        cfg["runner"] = v.runner_label
        if v.toolchain_version:
            cfg["go"] = v.toolchain_version
        config[v.name] = cfg
    samples = [s for s in run.samples if s.variant in config]
    return format_results(samples, config)


def markdown(run: RunRecord, tables: Sequence[Table], report: TranslationReport | None) -> str:
    """A Markdown report: variants, translation slowdowns, one table per unit."""
    lines = [f"# goarchlab bench {run.run_id}", ""]
    lines += ["| variant | go | target | runner | env | flags |", "|---|---|---|---|---|---|"]
    for v in run.variants:
        env = " ".join(f"{k}={x}" for k, x in v.env)
        lines.append(f"| {v.name} | {v.toolchain_version or 'default'} | {v.target} | "
                     f"{v.runner_label} | {env} | {' '.join(v.build_flags)} |")
    if report:
        lines += ["", f"## Translation: {report.translated} vs {report.native}", "",
                  "| suite | slowdown | 95% interval | benchmarks |", "|---|---|---|---|"]
        for s in (*report.suites, *([report.geomean] if report.geomean else [])):
            lines.append(f"| {s.suite} | {s.ratio:.2f}x | {s.interval_str()} | {s.benchmarks} |")
        if report.startup_ms:
            lines.append(f"\nStart-up (exec to main): {report.startup_ms[0]:.2f} ms native, "
                         f"{report.startup_ms[1]:.2f} ms translated.")
        lines += ["", f"**{report.advice}**"]
        lines += [f"\n> {w}" for w in report.warnings]
    for t in tables:
        lines += ["", f"## {t.unit}", "", "| benchmark | " + " | ".join(t.columns) + " |",
                  "|---" * (len(t.columns) + 1) + "|"]
        for row in t.rows:
            cells = []
            centers = [c.summary.center for c in row.cells if c]
            for c in row.cells:
                if c is None:
                    cells.append("")
                    continue
                text = (f"{fmt_value(c.summary.center, t.unit, centers)} ± "
                        f"{c.summary.range_str()}")
                if c.comparison:
                    text += f" {c.comparison.verdict} ({c.comparison.p_str()})"
                cells.append(text)
            lines.append(f"| {row.benchmark} | " + " | ".join(cells) + " |")
        if t.footnotes:
            lines += [""] + [f"{i}. {n}" for i, n in enumerate(t.footnotes, 1)]
    if run.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in run.notes]
    return "\n".join(lines) + "\n"


def _fmt_value(v: float) -> str:
    # Shortest round-trip text, integral values without ".0" (as the testing package);
    # inf and nan print as Python spells them, which ParseFloat reads too.
    if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def format_results(
    samples: Sequence[Sample],
    config: Mapping[str, Mapping[str, str]] | Mapping[str, str] | None = None,
    *,
    unit_metadata: Mapping[tuple[str, str], str] | None = None,
    variant_key: str | None = VARIANT_KEY,
) -> str:
    """Render samples as Go benchmark format text that benchstat reads.

    One benchmark line per run index: the i-th values of every unit of a (variant,
    benchmark) share a line, as ``go test -bench`` prints them. ``config``: either one
    mapping for all lines, or ``{variant: {key: value}}`` per variant (e.g. goos, goarch,
    cpu, pkg, runner). Unless ``variant_key`` is None, each block also carries
    ``variant: <name>`` so benchstat can compare variants in one file (``-col variant``, with
    ``-ignore`` for the keys that differ between variants).
    ``unit_metadata``: ``{(unit, key): value}`` written as ``Unit`` lines first.
    Config values must be one line; names must not contain spaces.
    """
    out: list[str] = []
    for (unit, key), value in sorted((unit_metadata or {}).items()):
        out.append(f"Unit {unit} {key}={value}")
    per_variant = bool(config) and all(isinstance(v, Mapping) for v in config.values())  # type: ignore[union-attr]
    current: dict[str, str] = {}
    blocks: dict[tuple[str, str], list[Sample]] = {}
    for s in samples:
        blocks.setdefault((s.variant, s.benchmark), []).append(s)
    for (variant, bench), group in blocks.items():
        cfg: dict[str, str] = dict(config.get(variant, {}) if per_variant else (config or {}))  # type: ignore[arg-type]
        if variant_key is not None:
            cfg[variant_key] = variant
        for key in list(current):
            if key not in cfg:
                out.append(f"{key}:")
                del current[key]
        for key, value in cfg.items():
            if "\n" in value or not value:
                raise ValueError(f"config value for {key!r} must be one non-empty line")
            if current.get(key) != value:
                out.append(f"{key}: {value}")
                current[key] = value
        runs = max(len(s.values) for s in group)
        for i in range(runs):
            parts = [(s.values[i], s.unit) for s in group if i < len(s.values)]
            iters = next((s.iterations[i] for s in group if i < len(s.iterations)), 1)
            text = " ".join(f"{_fmt_value(v)} {u}" for v, u in parts)
            out.append(f"Benchmark{bench}\t{iters}\t{text}")
    return "\n".join(out) + "\n"
