"""The machine's native platform alone: what picks the toolchain to install or run.

Split from :mod:`goarchlab.host.facts` so that every command resolving a
toolchain imports only this and the probe, not the Host model, binfmt parsing
and compiler probing (where each fact comes from: that module's docstring).
"""

from __future__ import annotations

from goarchlab.host import archmap
from goarchlab.host.probe import Probe, RealProbe


def native_platform(probe: Probe | None = None) -> tuple[str, str, str]:
    """(GOOS, native GOARCH, where the arch was read) of this machine, e.g.
    ("darwin", "arm64", "sysctl hw.optional.arm64"): the same answer as
    :func:`goarchlab.host.detect`'s ``os``/``native_arch``/``native_source``,
    without the rest (no compiler is run, no binfmt entry read: ~1 ms instead of ~20)."""
    p = probe or RealProbe()
    system, _, machine = p.uname()
    s = system.lower()
    if s == "darwin":
        native, source, _ = darwin_arch(p, machine)
        return "darwin", native, source
    if s == "linux":
        return ("linux", *linux_native(p, machine))
    return s, archmap.goarch_of_machine(machine) or machine, "uname"


def linux_native(p: Probe, machine: str) -> tuple[str, str]:
    """The kernel's arch and where it was read (why there: goarchlab.host.facts's docstring)."""
    karch = p.read_text("/proc/sys/kernel/arch")
    if karch and karch.strip():
        native = archmap.goarch_of_machine(karch)
        if native:
            return native, "/proc/sys/kernel/arch"
    head = p.read_head("/proc/1/exe", 20)
    native = archmap.elf_header_goarch(head) if head else None
    if native:
        return native, "ELF header of /proc/1/exe"
    return archmap.goarch_of_machine(machine) or machine, "uname"


def darwin_arch(p: Probe, machine: str) -> tuple[str, str, bool]:
    """(native arch, its source, whether this process is translated by Rosetta)."""
    arm64_hw = p.sysctl("hw.optional.arm64") == "1"
    translated = p.sysctl("sysctl.proc_translated") == "1"
    if arm64_hw or translated:
        return "arm64", "sysctl hw.optional.arm64", translated
    return archmap.goarch_of_machine(machine) or "amd64", "uname", translated
