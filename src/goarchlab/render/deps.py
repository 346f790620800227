"""Human output of ``goarchlab deps`` and the printing of its CI forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from goarchlab import render
from goarchlab.deps.model import DepsReport

if TYPE_CHECKING:
    from rich.console import Console


def text(s: str) -> None:
    """Print an already formatted output (SARIF, annotations, a graph) to stdout."""
    render.write(s + ("\n" if s and not s.endswith("\n") else ""))


@render.human(DepsReport)
def _human(r: DepsReport, c: Console) -> None:
    # rich is imported here, not at module level: --format sarif/github/json never need it.
    from rich.markup import escape
    from rich.table import Table

    c.print(f"[bold]goarchlab deps[/] {escape(r.root)}  ({r.packages} packages, {r.modules} modules"
            f"{', ' + r.go_version if r.go_version else ''})")
    c.print(f"policy: {escape(r.policy or 'none (no goarchlab.toml: nothing to enforce)')}")
    if r.violations:
        t = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        t.add_column("where", no_wrap=True)
        t.add_column("rule", style="red", no_wrap=True)
        t.add_column("what and why", overflow="fold")
        for v in r.violations:
            t.add_row(escape(f"{v.file}:{v.line}:{v.column}"),
                      f"{v.rule}\n[dim]{escape(v.name)}[/]",
                      f"{escape(v.message)}\n[dim]{escape(v.why)}[/]")
        c.print(t)
    for ch in r.checks:
        if ch.status != "ran":
            c.print(f"[yellow]{ch.status}[/] {ch.rule}: {escape(ch.detail)}", markup=True)
    ran = sorted({ch.rule for ch in r.checks if ch.status == "ran"})
    verdict = (f"[red]{len(r.violations)} violation{'s' if len(r.violations) != 1 else ''}[/]"
               if r.violations else "[green]ok[/]")
    c.print(f"{verdict}; checked: {', '.join(ran) or 'nothing'}  "
            f"[dim](go {r.timing.go_s:.2f} s, goarchlab {r.timing.own_s:.2f} s)[/]")
