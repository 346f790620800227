"""Run the real benchstat and read its CSV output back, for the truth tests.

benchstat's CSV (``-format csv``) prints, per table, a column-label row, a unit row,
one row per benchmark (``name, center, CI, [delta, p=... n=...]...``) and a geomean row;
warnings go to stderr as ``<cell>: <message>`` with spreadsheet cell references.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from goarchlab.proc import run

#: Pinned golang.org/x/perf (the newest on the module proxy when the corpus was made).
PERF_VERSION = "v0.0.0-20260908200009-22c9c6c9d4da"


@dataclass
class BSCell:
    center: float | None
    ci: str
    delta: str | None = None
    p: float | None = None
    n: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BSRow:
    name: str
    cells: list[BSCell | None]
    cmp_warnings: list[list[str]] = field(default_factory=list)


@dataclass
class BSTable:
    columns: list[str]
    unit: str
    rows: list[BSRow]
    geomean: list[tuple[float | None, str | None]]  # (value, delta text) per column
    geomean_warnings: list[str] = field(default_factory=list)


def _col_letter(i: int) -> str:
    # benchstat's cell label for 0-based column index i (A for 0, B for 1, ...).
    s = ""
    x = i
    while True:
        s = chr(ord("A") + x % 26) + s
        x //= 26
        if x == 0:
            break
    return s


def parse_csv(out: str, err: str) -> list[BSTable]:
    """Tables from ``benchstat -format csv -table ''`` stdout/stderr."""
    rows = list(csv.reader(io.StringIO(out)))
    warn: dict[tuple[int, str], list[str]] = {}
    for line in err.splitlines():
        m = re.match(r"^([A-Z]+)(\d+): (.*)$", line)
        if m:
            warn.setdefault((int(m.group(2)), m.group(1)), []).append(m.group(3))
    tables: list[BSTable] = []
    i = 0
    while i < len(rows):
        if not rows[i] or all(c == "" for c in rows[i]):
            i += 1
            continue
        labels = rows[i]
        units = rows[i + 1]
        ncols = 1 + (len(labels) - 3) // 4
        columns = [labels[1]] + [labels[3 + 4 * k] for k in range(ncols - 1)]
        unit = units[1]
        i += 2
        body: list[BSRow] = []
        while i < len(rows) and rows[i] and rows[i][0] != "geomean":
            r = rows[i]
            rownum = i + 1
            cells: list[BSCell | None] = []
            for k in range(ncols):
                start = 1 if k == 0 else 3 + 4 * (k - 1)
                if start >= len(r) or r[start] == "":
                    cells.append(None)
                    continue
                c = BSCell(float(r[start]), r[start + 1])
                c.warnings = warn.get((rownum, _col_letter(start)), [])
                if k > 0 and start + 2 < len(r) and r[start + 2] != "":
                    c.delta = r[start + 2]
                    pm = re.match(r"^(?:p=(\S+) )?n=(\S+)$", r[start + 3])
                    assert pm, r
                    c.p = float(pm.group(1)) if pm.group(1) else 0.0
                    c.n = pm.group(2)
                    c.warnings = c.warnings + warn.get((rownum, _col_letter(start + 2)), [])
                cells.append(c)
            body.append(BSRow(r[0], cells))
            i += 1
        g = rows[i]
        gwarn: list[str] = []
        geo: list[tuple[float | None, str | None]] = []
        for k in range(ncols):
            start = 1 if k == 0 else 3 + 4 * (k - 1)
            gwarn += warn.get((i + 1, _col_letter(start)), [])
            val = float(g[start]) if start < len(g) and g[start] != "" else None
            d = g[start + 2] if k > 0 and start + 2 < len(g) else None
            geo.append((val, d))
        tables.append(BSTable(columns, unit, body, geo, gwarn))
        i += 1
    return tables


def benchstat_csv(
    benchstat: Path, files: list[Path], *, alpha: float = 0.05, confidence: float = 0.95
) -> list[BSTable]:
    """Run benchstat on ``files`` (one column each) and parse its CSV tables."""
    res = run(
        [str(benchstat), "-format", "csv", "-table", "", f"-alpha={alpha}",
         f"-confidence={confidence}", *map(str, files)],
        env={"PATH": "/usr/bin:/bin"},
        timeout=120,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return parse_csv(res.stdout, res.stderr)


def mismatches(bs: BSTable, mine, *, p_tol: float = 0.001) -> list[str]:
    """Differences between a benchstat table and a :class:`goarchlab.bench.model.Table`
    (empty when they agree): centres (relative 1e-12), CI text, verdict text, p, n,
    warnings, geomean row."""
    out: list[str] = []
    if bs.unit != mine.unit:
        return [f"unit {bs.unit} != {mine.unit}"]
    if [r.name for r in bs.rows] != [r.benchmark for r in mine.rows]:
        return [f"rows {[r.name for r in bs.rows]} != {[r.benchmark for r in mine.rows]}"]
    for br, mr in zip(bs.rows, mine.rows, strict=True):
        for k, (bc, mc) in enumerate(zip(br.cells, mr.cells, strict=True)):
            where = f"{bs.unit} {br.name} col{k}"
            if (bc is None) != (mc is None):
                out.append(f"{where}: presence {bc} vs {mc}")
                continue
            if bc is None:
                continue
            s = mc.summary
            if not _close(bc.center, s.center):
                out.append(f"{where}: center {bc.center!r} != {s.center!r}")
            if bc.ci != s.range_str():
                out.append(f"{where}: CI {bc.ci} != {s.range_str()} ({s.lo}, {s.hi})")
            mw = list(s.warnings)
            if mc.comparison is not None or bc.delta is not None:
                c = mc.comparison
                if c is None or bc.delta is None:
                    out.append(f"{where}: comparison presence {bc.delta} vs {c}")
                    continue
                if bc.delta != c.verdict:
                    out.append(f"{where}: verdict {bc.delta} != {c.verdict} (p={c.p_value})")
                if abs(min(bc.p, 1.0) - c.p_value) > p_tol:  # goarchlab caps benchstat's p > 1
                    out.append(f"{where}: p {bc.p} != {c.p_value}")
                n = str(c.n1) if c.n1 == c.n2 else f"{c.n1}+{c.n2}"
                if bc.n != n:
                    out.append(f"{where}: n {bc.n} != {n}")
                mw += list(c.warnings)
            if sorted(bc.warnings) != sorted(mw):
                out.append(f"{where}: warnings {bc.warnings} != {mw}")
    for k, ((bv, bd), g) in enumerate(zip(bs.geomean, mine.geomean, strict=True)):
        if (bv is None) != (g.value is None) or (bv is not None and not _close(bv, g.value)):
            out.append(f"{bs.unit} geomean col{k}: {bv} != {g.value}")
        if k > 0:
            md = "?" if g.ratio is None else f"{(g.ratio - 1) * 100:+.2f}%"
            if bd != md:
                out.append(f"{bs.unit} geomean delta col{k}: {bd} != {md}")
    mgw = [w for g in mine.geomean for w in g.warnings]
    if sorted(bs.geomean_warnings) != sorted(mgw):
        out.append(f"{bs.unit} geomean warnings {bs.geomean_warnings} != {mgw}")
    return out


def _close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
