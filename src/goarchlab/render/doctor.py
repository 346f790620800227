"""Human output of ``goarchlab doctor``: findings grouped by area, one line each,
detail and fix indented; the fix plan and the confirmation prompt of ``--fix``."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from goarchlab import render
from goarchlab.doctor.checklist import CheckList
from goarchlab.doctor.fixes import PlannedFix
from goarchlab.doctor.model import Severity
from goarchlab.doctor.report import DoctorReport

SYMBOL = {
    Severity.OK: "[green]✓[/]",
    Severity.INFO: "[blue]i[/]",
    Severity.WARN: "[yellow]![/]",
    Severity.ERROR: "[bold red]✗[/]",
}


@render.human(DoctorReport)
def show_report(r: DoctorReport, c: Console) -> None:
    """Print the report: a header with host and go, then each area's findings."""
    # Long paths stay on one line (the terminal wraps them) so they can be copied.
    c.soft_wrap = True
    if r.host is not None:
        h = r.host
        tr = " (this process runs translated)" if h.translated else ""
        c.print(f"[bold]host[/] {h.os}/{h.native_arch} · {escape(h.os_version)} · "
                f"{escape(h.cpu_model)} × {h.cpu_count}{tr}")
    if r.go is not None:
        c.print(f"[bold]go[/]   {escape(r.go.path)} · {r.go.version or '?'} "
                f"{r.go.platform} · {r.go.runs}")
    if r.project:
        c.print(f"[bold]project[/] {escape(r.project)}")
    for a in r.fixes_applied:
        mark = "[green]fixed[/]" if a.ok else "[red]fix failed[/]"
        c.print(f"{mark} {escape(a.message)}")
    area = None
    for f in r.findings:
        if f.area != area:
            area = f.area
            c.print(f"\n[bold underline]{escape(area)}[/]")
        c.print(f"  {SYMBOL[f.severity]} {escape(f.title)} [dim]({escape(f.id)})[/]")
        if f.detail:
            c.print(f"      {escape(f.detail)}", style="dim" if f.severity is Severity.OK
                    else None)
        if f.fix is not None and f.severity is not Severity.OK:
            auto = " [dim](automatic: goarchlab doctor --fix)[/]" if f.fix.action else ""
            c.print(f"      [cyan]fix:[/] {escape(f.fix.text)}{auto}")
    by_reason: dict[str, list[str]] = {}
    for s in r.skipped:
        by_reason.setdefault(s.reason, []).append(s.id)
    if by_reason:
        c.print("\n[bold underline]skipped[/]")
    for reason, ids in by_reason.items():
        c.print(f"  [dim]- {escape(', '.join(ids))}: {escape(reason)}[/]")
    n = r.counts
    parts = [f"{n.error} error{'s' * (n.error != 1)}", f"{n.warn} warning{'s' * (n.warn != 1)}",
             f"{n.info} info", f"{n.ok} ok"]
    color = "red" if n.error else "yellow" if n.warn else "green"
    c.print(f"\n[{color}]{', '.join(parts)}[/] from {len(r.checks)} checks "
            f"in {r.elapsed_s:.2f} s")


@render.human(CheckList)
def show_checks(r: CheckList, c: Console) -> None:
    """The registered checks as a table."""
    t = Table("id", "area", "what it checks", box=None, pad_edge=False)
    for spec in r.checks:
        t.add_row(spec.id, spec.area, escape(spec.summary))
    c.print(t)


def show_plan(planned: Sequence[PlannedFix]) -> None:
    """Print the automatic fixes ``--fix`` is about to apply (to stderr, so JSON on
    stdout stays clean)."""
    c = render.console(stderr=True)
    c.print(f"[bold]{len(planned)} automatic fix{'es' * (len(planned) != 1)}:[/]")
    for p in planned:
        c.print(f"  {escape(' '.join(p.command()))}   [dim]({escape(', '.join(p.findings))})[/]")


def confirm(prompt: str) -> bool:
    """Ask ``prompt [y/N]`` on the terminal; True only for y/yes."""
    c = render.console(stderr=True)
    try:
        answer = c.input(escape(f"{prompt} [y/N] "))
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def nothing_to_fix() -> None:
    """Say that no finding has an automatic fix."""
    render.note("doctor: nothing to fix automatically")
