"""Human output of ``goarchlab bench``: rich tables in benchstat's layout.

Every name that comes from the user or the measured code (benchmark and variant
names, env, flags, reasons) goes through ``escape``: rich would read a sub-benchmark
such as ``Parse/[size=1]`` as a style tag and drop it, and ``[/usr]`` would raise.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from goarchlab import render
from goarchlab.bench.engine import BenchReport
from goarchlab.bench.model import RunInfo
from goarchlab.render.bench_text import fmt_value


@dataclass(frozen=True)
class Text:
    """Preformatted output (Go benchmark format, Markdown, an export) printed verbatim."""

    SCHEMA = "goarchlab.bench.text/v1"
    text: str


@dataclass(frozen=True)
class History:
    """Stored runs, newest first."""

    SCHEMA = "goarchlab.bench.history/v1"
    runs: tuple[RunInfo, ...]


@dataclass(frozen=True)
class SuiteList:
    """The known suites: (name, description, runs by default)."""

    SCHEMA = "goarchlab.bench.suites/v1"
    suites: tuple[tuple[str, str, bool], ...]


@render.human(Text)
def _text(res: Text, c: Console) -> None:
    render.write(res.text)
    sys.stdout.flush()


@render.human(History)
def _history(res: History, c: Console) -> None:
    if not res.runs:
        c.print("no stored runs yet: run goarchlab bench")
        return
    t = RichTable(box=None, header_style="bold")
    for col in ("run", "started", "suites", "variants", "values", "status"):
        t.add_column(col)
    for r in res.runs:
        t.add_row(r.run_id, r.started_at, escape(" ".join(r.suites)), escape(" ".join(r.variants)),
                  str(r.n_samples), "complete" if r.complete else "[yellow]partial[/]")
    c.print(t)


@render.human(SuiteList)
def _suites(res: SuiteList, c: Console) -> None:
    t = RichTable(box=None, header_style="bold")
    for col in ("suite", "default", "measures"):
        t.add_column(col)
    for name, desc, default in res.suites:
        t.add_row(escape(name), "yes" if default else "", escape(desc))
    c.print(t)


def _cell(summary, unit: str, row_centers: list[float]) -> str:
    # One scale per row, as benchstat (and the Markdown and HTML tables) print it.
    return f"{fmt_value(summary.center, unit, row_centers)} ± {summary.range_str()}"


@render.human(BenchReport)
def _result(res: BenchReport, c: Console) -> None:
    run = res.run
    c.print(f"[bold]goarchlab bench[/] run {run.run_id}" + ("" if run.complete else
                                                         " [yellow](partial)[/]"))
    if res.cpu:
        c.print(f"cpu: {res.cpu}")
    vt = RichTable(box=None, header_style="bold")
    for col in ("variant", "go", "target", "runner", "env", "build flags"):
        vt.add_column(col)
    for v in run.variants:
        vt.add_row(escape(v.name), v.toolchain_version or "default", v.target,
                   escape(v.runner_label),
                   escape(" ".join(f"{k}={x}" for k, x in v.env)), escape(" ".join(v.build_flags)))
    c.print(vt)
    for w in res.preflight:
        c.print(f"[yellow]pre-flight:[/] {escape(w.detail)} — {escape(w.fix)}")
    for s in res.statuses:
        if s.status == "skipped":
            c.print(f"[dim]{escape(f'{s.suite} skipped for {s.variant}: {s.reason}')}[/]")
    for table in res.tables:
        _unit_table(table, c)
    tr = res.translation
    if tr is not None:
        against = f"{tr.translated} ({tr.runner}) against {tr.native}"
        c.print(f"[bold]translation:[/] {escape(against)}")
        t = RichTable(header_style="bold")
        t.add_column("suite")
        t.add_column("slowdown", justify="right")
        t.add_column("95% interval", justify="right")
        t.add_column("benchmarks", justify="right")
        for s in tr.suites:
            t.add_row(escape(s.suite), f"{s.ratio:.2f}x", s.interval_str("–"),
                      str(s.benchmarks))
        if tr.geomean:
            g = tr.geomean
            t.add_row("[bold]geomean[/]", f"[bold]{g.ratio:.2f}x[/]", g.interval_str("–"),
                      str(g.benchmarks))
        c.print(t)
        if tr.startup_ms:
            line = (f"start-up (exec to main): {tr.startup_ms[0]:.2f} ms native, "
                    f"{tr.startup_ms[1]:.2f} ms translated")
            if tr.first_run_ms:
                line += (f"; first run of a fresh binary: {tr.first_run_ms[0]:.2f} ms / "
                         f"{tr.first_run_ms[1]:.2f} ms")
            c.print(line)
        c.print(f"[bold]→ {escape(tr.advice)}[/]")
        for w in tr.warnings:
            c.print(f"[yellow]{escape(w)}[/]")
    # Against a translated variant every slower benchmark is a "regression"; the
    # translation report already says it, so the list is shown for other comparisons.
    if res.regressions and tr is None:
        for r in res.regressions[:10]:
            c.print(f"[red]regression:[/] {escape(r)}")
        if len(res.regressions) > 10:
            c.print(f"[red]… and {len(res.regressions) - 10} more[/]")


def _unit_table(table, c: Console) -> None:
    t = RichTable(title=escape(table.unit), title_justify="left", header_style="bold")
    t.add_column("benchmark")
    base = escape(table.columns[0])
    t.add_column(base, justify="right")
    for col in table.columns[1:]:
        t.add_column(escape(col), justify="right")
        t.add_column(f"vs {base}", justify="right")
    for row in table.rows:
        cells = [escape(row.benchmark)]
        centers = [cell.summary.center for cell in row.cells if cell]
        for i, cell in enumerate(row.cells):
            cells.append(_cell(cell.summary, table.unit, centers) if cell else "")
            if i > 0:
                comp = cell.comparison if cell else None
                cells.append(f"{comp.verdict} ({comp.p_str()})" if comp else "")
        t.add_row(*cells)
    if table.geomean_shown and table.geomean:
        cells = ["[bold]geomean[/]"]
        for i, g in enumerate(table.geomean):
            cells.append(fmt_value(g.value, table.unit) if g.value is not None else "")
            if i > 0:
                cells.append(f"{g.delta_pct:+.2f}%" if g.delta_pct is not None else "")
        t.add_row(*cells)
    c.print(t)
    for i, note in enumerate(table.footnotes, 1):
        c.print(f"[dim]{i}. {escape(note)}[/]")
