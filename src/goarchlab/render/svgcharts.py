"""Small inline-SVG charts for the HTML report (no charting library, no network).

Two shapes cover the report: horizontal bars with an optional interval
(throughput per variant, slowdown per suite), lines over a shared x axis
(latency by percentile, heap over time). Every function returns an ``<svg>``
string with escaped text; colours come from :data:`PALETTE` by series index.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from goarchlab import redact

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2")


def escape(s: str) -> str:
    """``s`` as SVG text, secrets redacted first (labels name variants and their env)."""
    return html.escape(redact.text(s))


def _fmt(v: float) -> str:
    if v == 0 or not math.isfinite(v):
        return "0" if v == 0 else "?"
    a = abs(v)
    for scale, sfx in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= scale:
            return f"{v / scale:.3g}{sfx}"
    return f"{v:.3g}"


def bars(rows: Sequence[tuple[str, float, float | None, float | None]], *, unit: str,
         title: str, ref: float | None = None, width: int = 640) -> str:
    """Horizontal bars: ``rows`` of (label, value, lo, hi) with lo/hi an optional
    interval drawn as a whisker; ``ref`` draws a dashed reference line (1.0 for
    slowdowns). Values >= 0."""
    if not rows:
        return ""
    h_bar, left, right, top = 24, 170, 70, 28
    height = top + len(rows) * h_bar + 24
    vmax = max(max(r[1], r[3] or 0) for r in rows)
    vmax = max(vmax, ref or 0) * 1.08 or 1.0
    plot = width - left - right

    def x(v: float) -> float:
        return left + plot * v / vmax

    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="4" y="16" class="ct">{escape(title)}</text>']
    for i, (label, v, lo, hi) in enumerate(rows):
        y = top + i * h_bar
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{max(x(v) - left, 1):.1f}" '
                     f'height="{h_bar - 8}" fill="{PALETTE[i % len(PALETTE)]}" opacity="0.8">'
                     f'<title>{escape(label)}: {v:.4g} {escape(unit)}</title></rect>')
        if lo is not None and hi is not None:
            ym = y + h_bar / 2 - 1
            parts.append(f'<line x1="{x(lo):.1f}" x2="{x(hi):.1f}" y1="{ym}" y2="{ym}" '
                         'stroke="#222" stroke-width="1.5"/>')
        parts.append(f'<text x="{x(max(v, hi or 0)) + 4:.1f}" y="{y + 15}">{_fmt(v)}</text>')
    if ref is not None:
        parts.append(f'<line x1="{x(ref):.1f}" x2="{x(ref):.1f}" y1="{top - 4}" '
                     f'y2="{height - 20}" stroke="#555" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{left}" y="{height - 4}" class="ax">{escape(unit)}</text></svg>')
    return "".join(parts)


def lines(series: Sequence[tuple[str, Sequence[tuple[float, float]]]], *, title: str,
          xlabel: str, ylabel: str, log_y: bool = False, x_ticks: Sequence[tuple[float, str]]
          = (), width: int = 640, height: int = 300) -> str:
    """Line chart of ``series`` [(name, [(x, y), ...])]; ``log_y`` for latencies
    (y > 0); ``x_ticks`` (position, label) overrides the default five ticks."""
    pts = [(x, y) for _, s in series for x, y in s if not log_y or y > 0]
    if not pts:
        return ""
    left, right, top, bottom = 64, 20, 28, 44
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    ys = [p[1] for p in pts]
    if log_y:
        y0, y1 = math.log10(min(ys)), math.log10(max(ys))
    else:
        y0, y1 = 0.0, max(ys)
    if x1 == x0:
        x1 = x0 + 1
    if y1 == y0:
        y1 = y0 + 1
    pw, ph = width - left - right, height - top - bottom

    def px(v: float) -> float:
        return left + pw * (v - x0) / (x1 - x0)

    def py(v: float) -> float:
        t = math.log10(v) if log_y else v
        return top + ph * (1 - (t - y0) / (y1 - y0))

    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="4" y="16" class="ct">{escape(title)}</text>',
             f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#999"/>',
             f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" '
             'stroke="#999"/>']
    for k in range(5):
        t = y0 + (y1 - y0) * k / 4
        val = 10 ** t if log_y else t
        yy = top + ph * (1 - k / 4)
        parts.append(f'<text x="{left - 4}" y="{yy + 4:.1f}" text-anchor="end" class="ax">'
                     f'{_fmt(val)}</text>')
    ticks = x_ticks or [(x0 + (x1 - x0) * k / 4, _fmt(x0 + (x1 - x0) * k / 4)) for k in range(5)]
    for pos, label in ticks:
        parts.append(f'<text x="{px(pos):.1f}" y="{top + ph + 14}" text-anchor="middle" '
                     f'class="ax">{escape(label)}</text>')
    parts.append(f'<text x="{left + pw / 2}" y="{height - 6}" text-anchor="middle" class="ax">'
                 f'{escape(xlabel)}</text>')
    parts.append(f'<text x="12" y="{top + ph / 2}" class="ax" transform="rotate(-90 12 '
                 f'{top + ph / 2})" text-anchor="middle">{escape(ylabel)}</text>')
    for i, (name, s) in enumerate(series):
        good = [(x, y) for x, y in s if not log_y or y > 0]
        if not good:
            continue
        c = PALETTE[i % len(PALETTE)]
        d = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in good)
        parts.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="{d}">'
                     f'<title>{escape(name)}</title></polyline>')
        parts.append(f'<text x="{left + pw - 4}" y="{top + 14 + 14 * i}" text-anchor="end" '
                     f'fill="{c}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def percentile_x(p: float) -> float:
    """x position of percentile ``p`` (0..100) on a log scale of 1/(1-p): the tail gets
    room as in HdrHistogram's percentile plots. 100 maps to the position of 99.999."""
    return math.log10(1 / max(1 - min(p, 99.999) / 100, 1e-5))


PERCENTILE_TICKS = tuple((percentile_x(p), f"p{p:g}") for p in (0, 90, 99, 99.9, 99.99))
