"""Human output of ``goarchlab inspect``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from goarchlab import render
from goarchlab.binary.buildinfo import setting_value
from goarchlab.binary.model import BinaryInfo
from goarchlab.binary.report import InspectReport

_FORMAT = {
    "elf": "ELF",
    "macho": "Mach-O",
    "macho-universal": "universal Mach-O",
    "pe": "PE",
    "wasm": "WebAssembly",
}
#: Build settings worth a glance, in this order; the rest are in --json.
KEY_SETTINGS = (
    "GOOS",
    "GOARCH",
    "GOAMD64",
    "GOARM64",
    "GOARM",
    "GO386",
    "GOMIPS",
    "GOMIPS64",
    "GOPPC64",
    "GORISCV64",
    "CGO_ENABLED",
    "-buildmode",
    "-tags",
    "-ldflags",
    "-trimpath",
    "-race",
    "vcs.revision",
    "vcs.modified",
)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB" if n >= 1e3 else f"{n} B"


def _slices(b: BinaryInfo, c: Console) -> None:
    t = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0))
    for col in ("arch", "os", "bits", "kind", "linkage", "stripped", "Go"):
        t.add_column(col)
    for s in b.slices:
        go = s.go
        t.add_row(
            s.goarch,
            s.goos or "?",
            f"{s.bits} {'LE' if s.endian == 'little' else 'BE'}",
            s.kind,
            "static" if s.static else "dynamic",
            "yes" if s.stripped else "no",
            escape(go.go_version) if go else "[dim]not Go[/]",
        )
    c.print(t)
    for s in b.slices:
        tag = f" ({s.goarch})" if len(b.slices) > 1 else ""
        if s.interpreter:
            c.print(f"  [dim]loader{tag}[/] {escape(s.interpreter)}")
        if s.libraries:
            c.print(f"  [dim]libraries{tag}[/] " + escape(", ".join(s.libraries)))
        if s.go is None:
            continue
        shown = [f"{k}={setting_value(s.go.settings[k])}" for k in KEY_SETTINGS
                 if k in s.go.settings]
        if shown:
            c.print(f"  [dim]build{tag}[/] " + escape(" ".join(shown)))
        if s.go.path:
            c.print(f"  [dim]package{tag}[/] {escape(s.go.path)}")
        if s.go.main_module:
            mod = f"{s.go.main_module} {s.go.main_version}".strip()
            n = len(s.go.deps)
            c.print(f"  [dim]module{tag}[/] {escape(mod)}, {n} dependenc{'y' if n == 1 else 'ies'}")


@render.human(InspectReport)
def _report(r: InspectReport, c: Console) -> None:
    for i, f in enumerate(r.files):
        if i:
            c.print()
        if f.binary is None:
            # The message names the path already.
            c.print(f"[red]error:[/] {escape(f.error or '')}")
            if f.hint:
                c.print(f"  [dim]hint:[/] {escape(f.hint)}")
            continue
        b = f.binary
        n = len(b.slices)
        c.print(
            f"[bold]{escape(f.path)}[/]  {_FORMAT.get(b.format, b.format)}, {_size(b.size)}"
            + (f", {n} slices" if n > 1 else "")
        )
        _slices(b, c)
