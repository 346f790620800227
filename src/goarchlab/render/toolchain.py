"""Human output of ``goarchlab toolchain`` and ``shell-init``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from goarchlab import render
from goarchlab.toolchains.commands import ListReport, UninstallReport, UseReport, WhichReport
from goarchlab.toolchains.install import InstallReport
from goarchlab.toolchains.shims import ShellInit


def _e(x: object) -> str:
    """``x`` as literal text in markup: a path such as /src/[x]/go is not a style tag."""
    return escape(str(x))


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n else ""


@render.human(ListReport)
def _list(r: ListReport, c: Console) -> None:
    if not r.installed:
        c.print(f"no toolchains installed in {_e(r.home)}/toolchains")
        c.print("[dim]install one: goarchlab toolchain install latest[/]")
    else:
        t = Table(box=None, pad_edge=False)
        for col in ("", "version", "platform", "source", "GOROOT"):
            t.add_column(col)
        for x in r.installed:
            plat = x.toolchain.platform + ("" if x.native else " [yellow](not native)[/]")
            t.add_row("*" if x.active else "", str(x.toolchain.version), plat,
                      _e(x.toolchain.source), _e(x.toolchain.goroot))
        c.print(t)
    if r.remote is not None:
        t = Table(title=f"available for {r.platform}", box=None, pad_edge=False)
        for col in ("version", "source", "size", "installed"):
            t.add_column(col)
        for x in r.remote:
            t.add_row(str(x.version), x.source, _mb(x.size), "yes" if x.installed else "")
        c.print(t)


@render.human(InstallReport)
def _install(r: InstallReport, c: Console) -> None:
    tc = r.toolchain
    if r.already:
        c.print(f"{tc.version} ({tc.platform}) is already installed in {_e(tc.goroot)}")
        return
    c.print(f"installed {tc.version} ({tc.platform}) from {tc.source} in {r.seconds:.1f} s")
    c.print(f"  GOROOT  {_e(tc.goroot)}")
    c.print(f"  file    {_e(r.filename)}  sha256 {r.sha256}")


@render.human(WhichReport)
def _which(r: WhichReport, c: Console) -> None:
    ch = r.choice
    asked = _e(f"{ch.value}{' or newer' if ch.minimum else ''}")
    if r.toolchain is None and ch.system:
        c.print(f"system: the go on PATH (chosen by {_e(ch.where)})")
        return
    if r.toolchain is None:
        c.print(f"[red]Go {asked} is not installed[/] (asked by {_e(ch.where)})")
        c.print(f"[dim]hint:[/] goarchlab toolchain install {_e(ch.value)}")
        return
    c.print(f"{r.toolchain.version}  {_e(r.toolchain.goroot)}")
    c.print(f"  chosen by {_e(ch.where)} ({ch.origin}: {asked})")


@render.human(UseReport)
def _use(r: UseReport, c: Console) -> None:
    if r.version is None:
        c.print(f"removed the {r.scope} choice {_e(r.file)}")
        return
    c.print(f"wrote {r.version} to {_e(r.file)} ({r.scope})")
    if not r.installed and r.version != "system":
        c.print(f"[dim]not installed yet: goarchlab toolchain install "
                f"{str(r.version).removeprefix('go')}[/]")


@render.human(UninstallReport)
def _uninstall(r: UninstallReport, c: Console) -> None:
    c.print(f"removed {r.toolchain.version} ({r.toolchain.platform}) from "
            f"{_e(r.toolchain.goroot)}")


@render.human(ShellInit)
def _shell_init(r: ShellInit, c: Console) -> None:
    # Meant for eval: the bare text, no rich markup or wrapping.
    render.write(r.snippet)
