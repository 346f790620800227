"""How an inspected executable runs on this host: natively, translated, or not at all.

Judged from headers only (nothing is executed): the binary's OS must be the
host's; a slice of the host's native arch runs natively (the OS picks it from a
universal Mach-O); otherwise a translator the host layer found for the arch
(Rosetta 2, a binfmt_misc handler such as qemu-aarch64) runs it translated on a
plain exec, else it cannot run. The same rules as ``facts.classify`` (doctor-core)
applied to a BinaryInfo, whose slices may be several.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goarchlab.binary.model import BinaryInfo
from goarchlab.host.model import Host

_FORMAT_OS = {"macho": "darwin", "macho-universal": "darwin", "pe": "windows"}
#: 32-bit code a 64-bit CPU executes itself (x86-64 runs i386 code in compatibility mode).
_COMPAT = {("linux", "amd64"): {"386"}, ("windows", "amd64"): {"386"}}


@dataclass(frozen=True)
class Fit:
    """``mode``: ``native``, ``translated`` or ``cannot-run``. ``arch``: the slice that
    runs (or the first one); ``goos``: the binary's OS when known. ``translator``:
    ``rosetta``/``binfmt``/``qemu`` for translated. ``reason``: one sentence."""

    mode: str
    arch: str
    goos: str | None
    translator: str | None
    reason: str


def binary_os(info: BinaryInfo) -> str | None:
    """The OS a binary is for: its Go build info, the header, or the format (Mach-O, PE)."""
    for s in info.slices:
        if s.go is not None and s.go.goos:
            return s.go.goos
        if s.goos:
            return s.goos
    return _FORMAT_OS.get(info.format)


def fit(info: BinaryInfo, host: Host) -> Fit:
    """How ``info`` runs on ``host`` (see the module docstring)."""
    goos = binary_os(info)
    archs = info.archs
    first = archs[0] if archs else "unknown"
    if goos is not None and goos != host.os:
        return Fit("cannot-run", first, goos, None,
                   f"it is a {goos}/{'+'.join(archs)} binary and this machine runs {host.os}")
    if host.native_arch in archs:
        return Fit("native", host.native_arch, goos, None,
                   f"it has a {host.native_arch} image, this machine's native arch")
    compat = _COMPAT.get((host.os, host.native_arch), set())
    for a in archs:
        if a in compat:
            return Fit("native", a, goos, None,
                       f"{host.native_arch} CPUs run {a} code natively")
    note = ""
    for a in archs:
        t = host.translator_for(a)
        # Only what the kernel applies on a plain exec counts: a qemu-* binary on PATH
        # runs a foreign program only when called explicitly (editors never do that).
        if t is not None and t.kind in ("binfmt", "rosetta"):
            entry = Path(t.source).name if "binfmt_misc" in t.source else t.kind
            how = ("Rosetta 2" if t.kind == "rosetta"
                   else f"the binfmt_misc handler {entry} ({t.interpreter})")
            return Fit("translated", a, goos, t.kind,
                       f"it is {a} only, so on this {host.native_arch} machine it runs under {how}")
        if t is not None and not note:
            note = f"; {' '.join(t.command) or t.interpreter} runs it only when called explicitly"
    return Fit("cannot-run", first, goos, None,
               f"it is {'+'.join(archs) or 'of no known arch'} only and this "
               f"{host.native_arch} machine has no translator that runs it on exec{note}")
