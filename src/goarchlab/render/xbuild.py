"""Human output of ``goarchlab xbuild``: one row per target, then the problems.

Text from outside (the go command's messages, paths) goes through ``escape``:
rich would read ``map[string]int`` as a style tag and print ``mapint``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from goarchlab import render
from goarchlab.gocmd.levels import level_var
from goarchlab.xbuild.model import TargetResult, XbuildReport

_STYLE = {"ok": "green", "skipped": "yellow"}


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _facts(t: TargetResult) -> str:
    a = t.artifact
    if a is None:
        return ""
    bits = [a.format, a.arch]
    if a.static is not None:
        bits.append("static" if a.static else "dynamic")
    if a.stripped:
        bits.append("stripped")
    var = level_var(a.arch)
    if var and a.settings.get(var):
        bits.append(f"{var}={a.settings[var]}")
    bits.append(f"cgo={t.cgo}")
    return " ".join(bits)


@render.human(XbuildReport)
def _xbuild(r: XbuildReport, c: Console) -> None:
    c.print(f"{escape(r.package)} with {r.go}, {len(r.targets)} targets, {r.jobs} jobs, "
            f"{r.wall_s:.1f} s -> {escape(r.out_dir)}")
    t = Table(box=None, pad_edge=False)
    for col, just in (("target", "left"), ("status", "left"), ("time", "right"),
                      ("size", "right"), ("artifact", "left"), ("checks", "left")):
        t.add_column(col, justify=just)
    for x in r.targets:
        style = _STYLE.get(x.status, "red")
        checks = ""
        if x.checks:
            ok = sum(c_.ok for c_ in x.checks)
            checks = f"{ok}/{len(x.checks)}"
            if x.reproducible is not None:
                checks += " reproducible" if x.reproducible.ok else " NOT reproducible"
        t.add_row(x.target, f"[{style}]{x.status}[/]", f"{x.time_s:.1f} s" if x.time_s else "",
                  _size(x.artifact.size) if x.artifact else "", _facts(x), checks)
    c.print(t)
    for x in r.targets:
        if x.ok:
            for ch in x.checks:
                if not ch.ok:
                    c.print(f"[yellow]{x.target}[/]: {ch.name}: expected "
                            f"{escape(ch.expected)}, found {escape(ch.actual)}", markup=True)
            continue
        c.print(f"[bold red]{x.target}[/] {x.status}: {escape(x.reason)}", markup=True)
        for line in x.error:
            c.print(f"    {line}", markup=False)
    if r.sha256sums:
        c.print(f"[dim]{escape(r.sha256sums)}, {escape(r.manifest)}[/]")
