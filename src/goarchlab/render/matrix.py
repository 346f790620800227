"""Human, CSV and Markdown output of ``goarchlab matrix``."""

from __future__ import annotations

import csv
import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from goarchlab import render
from goarchlab.matrix.model import STEPS, Cell, MatrixReport

_MARK = {"pass": "[green]pass[/]", "fail": "[bold red]FAIL[/]", "skip": "[yellow]skip[/]"}


def _cell_text(c: Cell | None) -> str:
    if c is None:
        return ""
    t = f" {c.time_s:.1f}s" if c.status != "skip" else ""
    return _MARK.get(c.status, c.status) + t


@render.human(MatrixReport)
def _matrix(r: MatrixReport, c: Console) -> None:
    c.print(f"matrix on {escape(', '.join(r.hosts))}: {len(r.go_versions)} Go x {len(r.targets)} "
            f"targets, {r.wall_s:.1f} s")
    t = Table(box=None, pad_edge=False)
    for col in ("go", "target", *STEPS, "runner"):
        t.add_column(col)
    for g in r.go_versions:
        for tg in r.targets:
            cells = [r.cell(g, tg, s) for s in STEPS]
            test = cells[-1]
            t.add_row(g, tg, *(_cell_text(x) for x in cells),
                      escape(test.runner) if test and test.runner else "")
    c.print(t)
    for x in r.cells:
        if x.status == "fail":
            c.print(f"[red]{x.go} {x.target} {x.step}[/]: {escape(x.detail)}", markup=True)
    skipped = {(x.target, x.detail) for x in r.cells if x.status == "skip" and x.step == "test"
               and x.detail != "build failed"}
    for target, why in sorted(skipped):
        c.print(f"[yellow]{target}[/]: built and vetted only; {escape(why)}", markup=True)


def csv_text(r: MatrixReport) -> str:
    """One row per cell: go,target,step,status,detail,time_s,runner,host."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["go", "target", "step", "status", "detail", "time_s", "runner", "host"])
    for c in r.cells:
        w.writerow([c.go, c.target, c.step, c.status, c.detail, f"{c.time_s:.3f}", c.runner,
                    c.host])
    return buf.getvalue()


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _md_cell(c: Cell | None) -> str:
    if c is None:
        return ""
    if c.status == "pass":
        return f"✅ pass ({c.time_s:.1f} s)"
    if c.status == "fail":
        return f"❌ **fail**: {_md(c.detail)}"
    return f"⏭️ skip: {_md(c.detail)}"


def markdown_text(r: MatrixReport) -> str:
    """A GitHub-flavoured Markdown table: one row per Go version x target."""
    lines = [f"### goarchlab matrix ({', '.join(r.hosts)})", "",
             "| Go | target | build | vet | test | runner |", "|---|---|---|---|---|---|"]
    for g in r.go_versions:
        for tg in r.targets:
            cells = [r.cell(g, tg, s) for s in STEPS]
            runner = cells[-1].runner if cells[-1] else ""
            lines.append(f"| {g} | {tg} | " + " | ".join(_md_cell(x) for x in cells)
                         + f" | {runner} |")
    return "\n".join(lines) + "\n"


def print_csv(r: MatrixReport) -> None:
    """Print :func:`csv_text`."""
    render.write(csv_text(r))


def print_markdown(r: MatrixReport) -> None:
    """Print :func:`markdown_text`."""
    render.write(markdown_text(r))


def print_raw(text: str) -> None:
    """Print generated text (a workflow file) as is."""
    render.write(text)
