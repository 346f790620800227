"""Host facts: what this machine is, and what the current process runs as.

Principle 3 of DESIGN.md: the machine's native architecture and the
architecture a given process or binary runs as are always kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from goarchlab.host.archmap import COMPAT
from goarchlab.host.binfmt import BinfmtEntry
from goarchlab.outcome import RunnerKind


@dataclass(frozen=True)
class Translator:
    """A way this host runs binaries of a foreign architecture.

    ``kind``: ``rosetta`` (macOS Rosetta 2), ``qemu`` (a qemu-user binary on
    PATH, run explicitly), or ``binfmt`` (a Linux binfmt_misc handler that the
    kernel applies on exec). ``arch``: the Go GOARCH it executes. ``command``:
    the argv prefix that runs a binary under it (``("qemu-aarch64",)``,
    ``("arch", "-x86_64")``); empty for ``binfmt``, where a plain exec works.
    ``interpreter``: the emulator behind a binfmt handler (its path) or the
    qemu binary; ``source``: where the fact was read (a /proc path, a sysctl).

    What the host *has*, not how a binary runs: :func:`goarchlab.targets.runner_for`
    builds a :class:`~goarchlab.targets.Runner` from it (``Runner.translator``).
    """

    kind: RunnerKind
    arch: str
    command: tuple[str, ...]
    interpreter: str
    source: str


@dataclass(frozen=True)
class CCompiler:
    """A C compiler found on PATH: ``name`` as invoked (cc, gcc, clang), its
    resolved ``path``, the triple from ``-dumpmachine`` (``x86_64-linux-gnu``)
    and the Go GOARCH/GOOS that triple targets (None when unknown)."""

    name: str
    path: str
    triple: str
    goarch: str | None
    goos: str | None


@dataclass(frozen=True)
class Host:
    """Facts about this machine.

    ``os``: Go GOOS of the machine (linux, darwin, windows). ``os_version``:
    e.g. ``Debian GNU/Linux 12 (bookworm)``, ``macOS 14.4.1``.
    ``native_arch``: the Go GOARCH of the hardware (an M1 is ``arm64`` even when
    asked from a Rosetta process). ``process_arch``: the GOARCH this Python
    process runs as. ``translated``: this process runs under translation
    (``sysctl.proc_translated`` = 1, or an ELF interpreter arch other than the
    kernel's). ``cpu_model``: the CPU brand string; ``cpu_count``: logical CPUs
    (>= 1). ``translators``: every way found to run foreign binaries here;
    ``c_compilers``: C compilers on PATH in order. ``kernel``: ``uname -r``.
    ``binfmt``: every Linux binfmt_misc handler as registered, usable or not
    (disabled, interpreter missing), for doctor to explain. ``native_source``:
    where ``native_arch`` was read (``/proc/sys/kernel/arch``,
    ``sysctl hw.optional.arm64``, ``uname``).
    """

    os: str
    os_version: str
    kernel: str
    native_arch: str
    process_arch: str
    translated: bool
    cpu_model: str
    cpu_count: int
    translators: tuple[Translator, ...]
    c_compilers: tuple[CCompiler, ...]
    binfmt: tuple[BinfmtEntry, ...] = ()
    native_source: str = ""

    @property
    def platform(self) -> str:
        """``os/native_arch``, e.g. ``linux/amd64``."""
        return f"{self.os}/{self.native_arch}"

    def translator_for(self, arch: str) -> Translator | None:
        """The preferred translator for ``arch`` (binfmt, then rosetta, then qemu), or None."""
        order = {"binfmt": 0, "rosetta": 1, "qemu": 2}
        found = [t for t in self.translators if t.arch == arch]
        return min(found, key=lambda t: order.get(t.kind, 9)) if found else None

    def runs_natively(self, goarch: str) -> bool:
        """True when the hardware executes ``goarch`` itself: the native arch, or a
        32-bit mode every such CPU has (386 on amd64 Linux; macOS has run no
        32-bit code since 10.15)."""
        if goarch == self.native_arch:
            return True
        return self.os != "darwin" and (self.native_arch, goarch) in COMPAT

    def can_run(self, goos: str, goarch: str) -> str:
        """How a goos/goarch binary runs here: ``native``, ``translated`` (a
        translator exists for it) or ``no``."""
        if goos != self.os:
            return "no"
        if self.runs_natively(goarch):
            return "native"
        return "translated" if self.translator_for(goarch) else "no"
