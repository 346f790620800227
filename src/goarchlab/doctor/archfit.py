"""How an inspected executable runs on this host: natively, translated, or not at all.

Judged from headers only (nothing is executed): the binary's OS must be the
host's; a slice of the host's native arch runs natively (the OS picks it from a
universal Mach-O); otherwise a translator the host layer found for the arch
(Rosetta 2, a binfmt_misc handler such as qemu-aarch64) runs it translated on a
plain exec, else it cannot run. :func:`judge` holds the rules; :func:`fit` words
them for a BinaryInfo (whose slices may be several) and ``facts.classify`` for
the go on PATH. 32-bit compatibility modes come from ``Host.runs_natively``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from goarchlab.binary.model import BinaryInfo
from goarchlab.host.model import Host, Translator

#: Executable formats and the GOOS they imply when the header has no OS field.
FORMAT_OS = {"macho": "darwin", "macho-universal": "darwin", "pe": "windows"}


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


def translator_name(t: Translator) -> str:
    """A short name for a Translator: the binfmt entry (``qemu-aarch64``), ``Rosetta 2``, or
    the emulator's file name."""
    if t.kind == "rosetta":
        return "Rosetta 2"
    if "binfmt_misc" in t.source:
        return Path(t.source).name
    return Path(t.interpreter).name or t.kind


def binary_os(info: BinaryInfo) -> str | None:
    """The OS a binary is for: its Go build info, the header, or the format (Mach-O, PE)."""
    for s in info.slices:
        if s.go is not None and s.go.goos:
            return s.go.goos
        if s.goos:
            return s.goos
    return FORMAT_OS.get(info.format)


@dataclass(frozen=True)
class Verdict:
    """The rules' answer before any wording: ``mode`` (``native``, ``translated``,
    ``cannot-run``); ``why``: ``os`` (another OS), ``native``, ``compat`` (a
    32-bit mode of the native CPU), ``translator`` or ``none`` (no translator
    applies on exec); ``arch``: the arch that runs (or the first, None when there
    is none); ``translator``: the one that runs it, or for ``none`` one that runs
    it only when called explicitly (a qemu-* binary on PATH)."""

    mode: str
    why: str
    arch: str | None
    translator: Translator | None = None


def judge(host: Host, goos: str | None, archs: Sequence[str]) -> Verdict:
    """How a ``goos`` binary holding images for ``archs`` (a universal Mach-O may have
    several; the OS picks the native one) runs on ``host``. ``goos`` None: unknown,
    taken as the host's. The one implementation of these rules in doctor."""
    first = archs[0] if archs else None
    if goos is not None and goos != host.os:
        return Verdict("cannot-run", "os", first)
    if host.native_arch in archs:
        return Verdict("native", "native", host.native_arch)
    for a in archs:
        if host.runs_natively(a):
            return Verdict("native", "compat", a)
    explicit = None
    for a in archs:
        t = host.translator_for(a)
        # Only what the kernel applies on a plain exec counts: a qemu-* binary on PATH
        # runs a foreign program only when called explicitly (editors never do that).
        if t is not None and t.kind in ("binfmt", "rosetta"):
            return Verdict("translated", "translator", a, t)
        if t is not None and explicit is None:
            explicit = t
    return Verdict("cannot-run", "none", first, explicit)


def fit(info: BinaryInfo, host: Host) -> Fit:
    """How ``info`` runs on ``host`` (see the module docstring)."""
    goos = binary_os(info)
    archs = info.archs
    first = archs[0] if archs else "unknown"
    v = judge(host, goos, archs)
    if v.why == "os":
        return Fit("cannot-run", first, goos, None,
                   f"it is a {goos}/{'+'.join(archs)} binary and this machine runs {host.os}")
    if v.why == "native":
        return Fit("native", host.native_arch, goos, None,
                   f"it has a {host.native_arch} image, this machine's native arch")
    if v.why == "compat":
        return Fit("native", v.arch, goos, None,
                   f"{host.native_arch} CPUs run {v.arch} code natively")
    t = v.translator
    if v.mode == "translated":
        how = ("Rosetta 2" if t.kind == "rosetta"
               else f"the binfmt_misc handler {translator_name(t)} ({t.interpreter})")
        return Fit("translated", v.arch, goos, t.kind,
                   f"it is {v.arch} only, so on this {host.native_arch} machine it runs "
                   f"under {how}")
    note = (f"; {' '.join(t.command) or t.interpreter} runs it only when called explicitly"
            if t is not None else "")
    return Fit("cannot-run", first, goos, None,
               f"it is {'+'.join(archs) or 'of no known arch'} only and this "
               f"{host.native_arch} machine has no translator that runs it on exec{note}")
