"""Human output of ``goarchlab api``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from goarchlab import render
from goarchlab.api.diff import ApiReport


@render.human(ApiReport)
def _human(r: ApiReport, c: Console) -> None:
    c.print(f"[bold]goarchlab api[/] {escape(r.module)}  {escape(r.old)}"
            f"{' (' + r.old_version + ')' if r.old_version and r.old_version != r.old else ''}"
            f" -> {escape(r.new)}"
            f"{' (' + r.new_version + ')' if r.new_version and r.new_version != r.new else ''}")
    for title, style, items in (("incompatible", "red", r.incompatible),
                                ("compatible", "green", r.compatible)):
        if items:
            c.print(f"[bold {style}]{title} changes ({len(items)})[/]")
            for m in items:
                c.print(f"  - {escape(m)}", markup=True)
    if not r.incompatible and not r.compatible:
        c.print("no exported API change")
    step = f"required step: [bold]{r.required}[/]" + (f", taken: {r.taken}" if r.taken else "")
    c.print(f"{'[green]ok[/]' if r.ok else '[red]fail[/]'}  {step}  [dim]{escape(r.reason)}[/]")
