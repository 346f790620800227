"""Human output of ``goarchlab godebug diff`` and ``goarchlab godebug show``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from goarchlab import render
from goarchlab.godebug.model import DiffReport, ShowReport


@render.human(DiffReport)
def _diff(r: DiffReport, c: Console) -> None:
    verb = {"upgrade": "moves up to", "downgrade": "moves down to"}.get(r.direction, "stays at")
    c.print(f"[bold]goarchlab godebug diff[/]  go line {r.old} {verb} {r.new}")
    if r.changes:
        if r.direction == "downgrade":
            c.print(f"{len(r.changes)} settings go back to their old value:")
        else:
            c.print(f"{len(r.changes)} settings take their new default; the old value "
                    "restores the earlier behaviour:")
        t = Table(show_edge=False, pad_edge=False)
        for col in ("setting", "package", "changed in", "old value", "restore with", "doc"):
            t.add_column(col)
        for ch in r.changes:
            t.add_row(escape(ch.name), escape(ch.package), ch.changed, escape(ch.old),
                      escape(ch.directive), escape(ch.doc_url))
        c.print(t)
        c.print("[dim]or a go.mod line 'godebug name=old' (Go 1.23+)[/]")
    else:
        c.print("no GODEBUG default changes between these go lines")
    if r.removed:
        c.print(f"[bold yellow]removed by this toolchain ({len(r.removed)})[/]: new behaviour "
                "under every go line; an old value in //go:debug or go.mod is a build error")
        for x in r.removed:
            old = ", ".join(x.old_values) or "none named"
            c.print(f"  - {escape(x.name)}  removed in {x.removed}  old value(s): {escape(old)}"
                    f"  {escape(x.doc_url)}", markup=True)
    c.print(f"[dim]from {escape(r.table)}[/]")


@render.human(ShowReport)
def _show(r: ShowReport, c: Console) -> None:
    c.print(f"[bold]goarchlab godebug show[/]  {escape(r.package)} ({escape(r.dir)})")
    c.print(f"defaults of {r.go_version} from {escape(r.go_version_from)}"
            + (f"  [dim](workspace {escape(r.workspace)})[/]" if r.workspace else ""))
    if not r.entries:
        c.print("DefaultGODEBUG is empty: every setting has the toolchain's default")
    t = Table(show_edge=False, pad_edge=False)
    for col in ("setting", "origin", "where", "why"):
        t.add_column(col)
    for e in r.entries:
        style = "red" if e.origin == "unexplained" else ""
        t.add_row(escape(f"{e.key}={e.value}"), f"[{style}]{e.origin}[/]" if style else e.origin,
                  escape(e.where), escape(e.detail))
    if r.entries:
        c.print(t)
    for e in r.ignored:
        c.print(f"[yellow]ignored[/] {escape(f'{e.key}={e.value}')} ({e.origin}, "
                f"{escape(e.where)}): {escape(e.detail)}")
    c.print(f"[dim]go list DefaultGODEBUG: {escape(r.default_godebug)}[/]", soft_wrap=True)
