"""The HTML report: one self-contained file (no network request at all).

Everything is inlined: CSS, the bundled d3-flame-graph and d3-selection
(``assets/``, see ``assets/THIRD_PARTY.md``), the data as JSON, and the charts
as SVG drawn here (``svgcharts``). Sections: summary verdict, variants,
per-suite slowdown, HTTP throughput / latency percentiles / GC view, the
benchstat-like comparison tables, and flame graphs (CPU per variant, heap
allocations, and a differential of the second variant against the baseline)
with search and click-to-zoom; ``report.html#search=REGEXP`` opens with that
search applied. (Moved from bench/html.py: output formats live in render.)
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from goarchlab import redact
from goarchlab.atomicfile import write_text
from goarchlab.bench import benchmath, flame, pprof
from goarchlab.errors import GoarchlabError
from goarchlab.render import svgcharts
from goarchlab.render.bench_text import fmt_value

#: The bundled d3 scripts, shipped with the bench package (package data).
ASSETS = Path(__file__).parents[1] / "bench" / "assets"
#: Flame-graph nodes below this fraction of the total are folded into their parent.
PRUNE_FRACTION = 1 / 2000


def escape(s: str) -> str:
    """``s`` as HTML text, secrets redacted first (a report is for sharing)."""
    return html.escape(redact.text(s))


def _incl_delta(node: dict[str, Any]) -> float:
    return node.get("delta", 0.0) + sum(_incl_delta(c) for c in node.get("children", ()))


def _prune(node: dict[str, Any], floor: float) -> dict[str, Any]:
    """Drop subtrees below ``floor`` (inclusive value and |delta|). A dropped subtree's
    value stays inside its parent's inclusive value; its delta (d3-flame-graph sums
    deltas bottom-up) is added to the parent's own delta so totals stay right."""
    kids, lost = [], 0.0
    for c in node.get("children", ()):
        d = _incl_delta(c) if "delta" in c else 0.0
        if c["value"] >= floor or abs(d) >= floor:
            kids.append(_prune(c, floor))
        else:
            lost += d
    out = {**node, "children": kids}
    if "delta" in node:
        out["delta"] = node["delta"] + lost
    return out


def _flames(arts) -> list[dict[str, Any]]:
    """Flame graph specs: id, title, tree, differential flag, unit."""
    out: list[dict[str, Any]] = []
    if arts is None:
        return out
    cpu: dict[str, flame.Folded] = {}
    for v in arts.variants:
        if v.cpu_profile:
            stacks = flame.folded(pprof.load(v.cpu_profile), "cpu")
            cpu[v.variant] = stacks
            t = flame.tree(stacks, f"{v.variant} cpu")
            out.append({"id": f"cpu-{len(out)}", "title": f"CPU: {v.variant} ({v.benchmark})",
                        "unit": "ns", "diff": False,
                        "tree": _prune(t, t["value"] * PRUNE_FRACTION)})
    for v in arts.variants:
        if v.heap_profile:
            stacks = flame.folded(pprof.load(v.heap_profile), "alloc_space")
            t = flame.tree(stacks, f"{v.variant} alloc_space")
            out.append({"id": f"heap-{len(out)}", "unit": "B", "diff": False,
                        "title": f"Heap allocations (alloc_space): {v.variant}",
                        "tree": _prune(t, t["value"] * PRUNE_FRACTION)})
    names = list(cpu)
    if len(names) >= 2:
        base, new = names[0], names[1]
        t = flame.diff_tree(cpu[base], cpu[new], f"{new} vs {base}")
        out.insert(len(cpu), {
            "id": "diff", "unit": "ns", "diff": True,
            "title": f"Differential CPU: {new} against {base} (red: more time in {new}, blue: "
                     "less; baseline scaled to the same total)",
            "tree": _prune(t, t["value"] * PRUNE_FRACTION)})
    return out


def _table_html(t) -> str:
    head = "".join(f"<th>{escape(c)}</th>" + ("<th>vs base</th>" if i else "")
                   for i, c in enumerate(t.columns))
    rows = []
    for row in t.rows:
        cells = [f"<td class='l'>{escape(row.benchmark)}</td>"]
        centers = [c.summary.center for c in row.cells if c]
        for i, cell in enumerate(row.cells):
            txt = "" if cell is None else (f"{fmt_value(cell.summary.center, t.unit, centers)}"
                                           f" ± {cell.summary.range_str()}")
            cells.append(f"<td>{escape(txt)}</td>")
            if i:
                comp = cell.comparison if cell else None
                cls = "sig" if comp and comp.significant else ""
                txt = f"{comp.verdict} ({comp.p_str()})" if comp else ""
                cells.append(f"<td class='{cls}'>{escape(txt)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    notes = "".join(f"<li>{escape(n)}</li>" for n in t.footnotes)
    return (f"<h3>{escape(t.unit)}</h3><table class='cmp'><thead><tr><th>benchmark</th>{head}"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            + (f"<ol class='fn'>{notes}</ol>" if notes else ""))


def _median(xs: Sequence[float]) -> float:
    return benchmath.median(sorted(xs))


def _http_section(arts) -> str:
    if arts is None or not any(v.loads for v in arts.variants):
        return ""
    parts = ["<section id='http'><h2>HTTP</h2>"]
    rows = []
    for v in arts.variants:
        rps = [x["rps"] for x in v.measured()]
        if rps:
            rows.append((v.variant, _median(rps), min(rps), max(rps)))
    parts.append(svgcharts.bars(rows, unit="requests/s (median; whisker: min-max of runs)",
                                title="Throughput"))
    series = []
    for v in arts.variants:
        if v.loads and v.measured()[-1].get("percentiles"):
            series.append((v.variant, [(svgcharts.percentile_x(p), us)
                                       for p, us in v.measured()[-1]["percentiles"]]))
    parts.append(svgcharts.lines(series, title="Latency by percentile (last run)",
                                 xlabel="percentile", ylabel="µs", log_y=True,
                                 x_ticks=svgcharts.PERCENTILE_TICKS))
    hdr = "<tr><th>variant</th><th>driver</th><th>mode</th><th>req/s</th>" + "".join(
        f"<th>{q} µs</th>" for q in ("p50", "p90", "p99", "p99.9", "max")) + \
        "<th>errors</th><th>non-2xx</th></tr>"
    body = []
    for v in arts.variants:
        if not v.loads:
            continue
        lat = {q: _median([x["latency_us"].get(q, 0) for x in v.measured()])
               for q in ("p50", "p90", "p99", "p99.9", "max")}
        last = v.measured()[-1]
        body.append(f"<tr><td class='l'>{escape(v.variant)}</td><td>{escape(v.driver)}</td>"
                    f"<td>{escape(last['mode'])}</td>"
                    f"<td>{_median([x['rps'] for x in v.measured()]):,.0f}</td>" +
                    "".join(f"<td>{lat[q]:,.0f}</td>" for q in lat) +
                    f"<td>{sum(x['errors'] for x in v.measured())}</td>"
                    f"<td>{sum(x['non2xx'] for x in v.measured())}</td></tr>")
    parts.append(f"<table class='cmp' id='http-table'><thead>{hdr}</thead><tbody>"
                 f"{''.join(body)}</tbody></table><p class='small'>Medians over "
                 f"{max(len(v.measured()) for v in arts.variants)} measured runs per variant "
                 "(the profiled run excluded).</p>")
    gcs = [(v.variant, v.gc) for v in arts.variants if v.gc]
    if gcs:
        parts.append("<h3>GC view (server's runtime/metrics, last run)</h3>")
        parts.append(svgcharts.lines(
            [(name, [(p["t"], p["heap"] / 2**20) for p in gc.get("timeline") or ()])
             for name, gc in gcs], title="Heap in use over the run", xlabel="seconds",
            ylabel="MiB"))
        rows_gc = "".join(
            f"<tr><td class='l'>{escape(name)}</td><td>{escape(gc.get('gogc') or 'default')}"
            f"</td><td>{gc['gc_cycles']}</td><td>{gc['heap_peak'] / 2**20:.1f}</td>"
            f"<td>{gc['pauses']}</td>" + "".join(
                f"<td>{(gc.get('pause_quantiles') or {}).get(q, 0) * 1e6:,.0f}</td>"
                for q in ("p50", "p90", "p99", "max")) +
            f"<td>{gc['alloc_bytes'] / max(gc['requests'], 1):,.0f}</td></tr>"
            for name, gc in gcs)
        parts.append("<table class='cmp' id='gc-table'><thead><tr><th>variant</th><th>GOGC</th>"
                     "<th>GC cycles</th><th>heap peak MiB</th><th>pauses</th><th>pause p50 µs"
                     "</th><th>p90</th><th>p99</th><th>max</th><th>B/req</th></tr></thead>"
                     f"<tbody>{rows_gc}</tbody></table><p class='small'>Pause quantiles are "
                     "upper bounds of the runtime's histogram buckets.</p>")
    parts.append(f"<p class='small'>Profiles (open with <code>go tool pprof</code>): "
                 f"<code>{escape(str(arts.directory))}</code></p></section>")
    return "".join(parts)


def _verdict(result, arts) -> str:
    out = []
    tr = result.translation
    if tr is not None:
        out.append(f"<p class='verdict'>{escape(tr.advice)}</p>")
        out += [f"<p class='bad'>{escape(w)}</p>" for w in tr.warnings]
        if tr.geomean:
            g = tr.geomean
            out.append(f"<p>Overall: {escape(tr.translated)} ({escape(tr.runner)}) is "
                       f"<b>{g.ratio:.2f}x</b> the time of {escape(tr.native)} "
                       f"(95% interval {g.interval_str('–')}).</p>")
    if arts is not None and len([v for v in arts.variants if v.loads]) >= 2:
        a, b = [v for v in arts.variants if v.loads][:2]
        ra = _median([x["rps"] for x in a.measured()])
        rb = _median([x["rps"] for x in b.measured()])
        if ra and rb:
            out.append(f"<p>HTTP: {escape(b.variant)} serves {rb:,.0f} req/s, "
                       f"{rb / ra:.2f}x {escape(a.variant)}'s {ra:,.0f} req/s.</p>")
    # Against a translated variant every slower benchmark is a "regression"; the
    # translation verdict above already says it (as the terminal output does).
    if result.regressions and tr is None:
        out.append(f"<p class='bad'>{len(result.regressions)} significant regression(s) against "
                   "the baseline.</p>")
    if result.error:
        out.append(f"<p class='bad'>Stopped early: {escape(result.error)} (partial results)</p>")
    return "".join(out) or "<p>No comparison verdict: only one variant ran.</p>"


_CSS = """body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
table.cmp{border-collapse:collapse;margin:8px 0}table.cmp td,table.cmp th{border:1px solid #ddd;
padding:3px 8px;text-align:right}table.cmp td.l,table.cmp th:first-child{text-align:left}
td.sig{font-weight:bold}.verdict{font-size:16px;font-weight:600;background:#f3f6fa;padding:10px;
border-left:4px solid #1f77b4}.bad{color:#b00}.small{color:#666;font-size:12px}
svg.chart{display:block;margin:12px 0;font-size:12px}svg .ct{font-weight:600;font-size:13px}
svg .ax{fill:#555;font-size:11px}.fg{margin:16px 0}.fg input{width:260px}
.fgd{font-size:12px;color:#444;min-height:16px}ol.fn{font-size:12px;color:#666}"""

_JS = """(function(){
var specs=JSON.parse(document.getElementById('flame-data').textContent);
function fmt(v,u){var a=Math.abs(v);if(u==='ns'){return a>=1e9?(v/1e9).toFixed(2)+' s':
(v/1e6).toFixed(1)+' ms';}return a>=1048576?(v/1048576).toFixed(1)+' MiB':
(v/1024).toFixed(1)+' KiB';}
specs.forEach(function(s){
  var el=document.getElementById(s.id);var w=Math.max(600,el.clientWidth||960);
  var total=s.tree.value||1;
  var chart=flamegraph().width(w).cellHeight(18).transitionDuration(250).minFrameSize(1)
    .title('').selfValue(false).sort(true)
    .label(function(d){var t=d.data.name+': '+fmt(d.value,s.unit)+' ('+
      (100*d.value/total).toFixed(2)+'%)';if(s.diff){t+=', delta '+fmt(d.delta||0,s.unit);}
      return t;})
    .setDetailsElement(document.getElementById(s.id+'-details'));
  if(s.diff){chart.computeDelta(true).setColorMapper(function(d){
      if(d.highlight){return '#E600E6';}
      var r=(d.delta||0)/total;if(Math.abs(r)<0.002){return '#ddd';}
      var k=Math.min(1,Math.abs(r)*20);var c=Math.round(230-150*k);
      return r>0?'rgb(230,'+c+','+c+')':'rgb('+c+','+c+',230)';});}
  d3.select('#'+s.id).datum(s.tree).call(chart);
  var box=document.getElementById(s.id+'-search');
  function search(term){box.value=term;
    // the term is a regexp; a half-typed one ("(") must not throw
    try{if(term){new RegExp(term);chart.search(term);}else{chart.clear();}
        box.style.outline='';}catch(err){box.style.outline='2px solid #d62728';}}
  box.addEventListener('input',function(e){search(e.target.value);});
  var h=/[#&]search=([^&]*)/.exec(location.hash);
  if(h){search(decodeURIComponent(h[1]));}
  document.getElementById(s.id+'-reset').addEventListener('click',function(){
    chart.resetZoom();});
});
document.body.setAttribute('data-rendered','yes');
})();"""


# The page may load nothing from anywhere: a CSP that allows only inline code and data.
_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:")
_NO_FLAMES = "<p>No profiles in this run (profiles come from the http suite).</p>"


def render(result, arts=None) -> str:
    """The report as one HTML string (see the module docstring)."""
    run = result.run
    specs = _flames(arts)
    var_rows = "".join(
        f"<tr><td class='l'>{escape(v.name)}</td><td>{escape(v.toolchain_version or 'default')}"
        f"</td><td>{escape(v.target)}</td><td>{escape(v.runner_label)}</td>"
        f"<td>{escape(' '.join(f'{k}={x}' for k, x in v.env))}</td>"
        f"<td>{escape(' '.join(v.build_flags))}</td></tr>" for v in run.variants)
    slow = ""
    tr = result.translation
    if tr is not None and tr.suites:
        rows = [(s.suite, s.ratio, s.lo, s.hi) for s in tr.suites]
        if tr.geomean:
            rows.append(("geomean", tr.geomean.ratio, tr.geomean.lo, tr.geomean.hi))
        slow = ("<section id='slowdown'><h2>Slowdown per suite</h2>" + svgcharts.bars(
            rows, unit=f"x the time of {tr.native} (95% bootstrap interval)",
            title=f"{tr.translated} ({tr.runner}) against {tr.native}", ref=1.0) + "</section>")
    flames = "".join(
        f"<div class='fg'><h3>{escape(s['title'])}</h3><input id='{s['id']}-search' "
        f"type='search' placeholder='search functions (regexp)'> <button id='{s['id']}-reset'>"
        f"reset zoom</button> <span class='small'>click a frame to zoom</span>"
        f"<div id='{s['id']}' class='flame'></div><div id='{s['id']}-details' class='fgd'>"
        "</div></div>" for s in specs)
    data = json.dumps(redact.tree(specs), separators=(",", ":")).replace("</", "<\\/")
    notes = "".join(f"<li>{escape(n)}</li>" for n in run.notes)
    js = (ASSETS / "d3-selection.min.js").read_text() + "\n" + (
        ASSETS / "d3-flamegraph.min.js").read_text()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>goarchlab bench {escape(run.run_id)}</title>
<style>{_CSS}
{(ASSETS / "d3-flamegraph.css").read_text()}</style></head><body>
<h1>goarchlab bench — run {escape(run.run_id)}{'' if run.complete else ' (partial)'}</h1>
<p class="small">{escape(run.started_at)} · {escape(run.hostname)} · {escape(result.cpu)} ·
suites: {escape(', '.join(run.suites))}</p>
<section id="summary"><h2>Summary</h2>{_verdict(result, arts)}</section>
<section id="variants"><h2>Variants</h2><table class="cmp"><thead><tr><th>variant</th><th>go</th>
<th>target</th><th>runner</th><th>env</th><th>build flags</th></tr></thead><tbody>{var_rows}
</tbody></table></section>
{slow}
{_http_section(arts)}
<section id="tables"><h2>Comparison tables</h2>
<p class="small">Median ± 95% confidence interval; delta and Mann-Whitney U p-value against the
baseline as benchstat computes them (~: not significant at α=0.05).</p>
{''.join(_table_html(t) for t in result.tables)}</section>
<section id="flames"><h2>Flame graphs</h2>{flames or _NO_FLAMES}</section>
{f'<section id="notes"><h2>Notes</h2><ul>{notes}</ul></section>' if notes else ''}
<script type="application/json" id="flame-data">{data}</script>
<script>{js}</script>
<script>{_JS}</script>
</body></html>
"""


def write_report(path: Path, result, arts=None) -> None:
    """Write the report to ``path`` atomically (temp file + rename). Its directory
    must exist: none is created (the CLI checks before the run; this is for a
    directory removed meanwhile)."""
    text = render(result, arts)
    path = Path(path)
    try:
        write_text(path, text)  # 0666 less the umask: a report is for sharing
    except OSError as e:
        raise GoarchlabError(f"cannot write the report {path}: {e.strerror}",
                             "choose a writable path for --report") from e
