"""The host, runner and toolchain facts the bench engine needs, through one seam.

The engine asks three questions: what is this machine (``goarchlab.host``),
how does a binary for a target run here (``goarchlab.targets``), and which
Go toolchain serves a version and platform (``goarchlab.toolchains``). Those
packages own the answers; this module only adapts their interfaces to the
engine, and falls back to a minimal answer of its own while one of them is
absent from the installed tree (so bench keeps working on a partial checkout).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.host.model import CCompiler, Host, Translator
from goarchlab.toolchains.model import Toolchain

#: Go GOARCH -> the qemu-user binary that runs it.
QEMU_ARCH = {"arm64": "aarch64", "amd64": "x86_64", "arm": "arm", "386": "i386",
             "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}
_TRIPLE_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i686": "386",
                "arm": "arm", "riscv64": "riscv64", "s390x": "s390x", "powerpc64le": "ppc64le"}


@dataclass(frozen=True)
class Runner:
    """How a variant's binaries execute here.

    ``kind``: native, rosetta, qemu, binfmt or exec (DESIGN.md vocabulary).
    ``prefix``: argv put before the binary (``("qemu-aarch64",)``, ``("arch",
    "-x86_64")``; empty for native and binfmt). ``label``: short printable name
    (``native``, ``qemu-aarch64``, ``rosetta``), used in benchfmt's runner line.
    """

    kind: str
    prefix: tuple[str, ...]
    label: str

    def argv(self, binary: str | os.PathLike, args: list[str] | tuple[str, ...] = ()) -> list[str]:
        """The full argv that runs ``binary`` with ``args`` under this runner."""
        return [*self.prefix, os.fspath(binary), *args]

    @property
    def translated(self) -> bool:
        """True unless the binary runs natively on the hardware."""
        return self.kind != "native"


NATIVE = Runner("native", (), "native")


def detect_host() -> Host:
    """This machine's facts from ``goarchlab.host.detect()``, or a minimal local answer."""
    try:
        from goarchlab.host import detect  # type: ignore[attr-defined]
    except ImportError:
        detect = None
    if detect is not None:
        return detect()
    return _fallback_host()


def _fallback_host() -> Host:
    import platform

    from goarchlab.toolchains import hostplat

    goos, arch = hostplat.native()
    translators: list[Translator] = []
    binfmt = Path("/proc/sys/fs/binfmt_misc")
    for goarch, qarch in QEMU_ARCH.items():
        if goarch == arch:
            continue
        entry = binfmt / f"qemu-{qarch}"
        try:
            text = entry.read_text()
        except OSError:
            text = ""
        if text.startswith("enabled"):
            interp = next((ln.split()[1] for ln in text.splitlines()
                           if ln.startswith("interpreter ")), "")
            translators.append(Translator("binfmt", goarch, (), interp, str(entry)))
        exe = shutil.which(f"qemu-{qarch}")
        if exe:
            translators.append(Translator("qemu", goarch, (exe,), exe, "PATH"))
    if goos == "darwin" and arch == "arm64" and Path("/Library/Apple/usr/libexec/oah").exists():
        translators.append(Translator("rosetta", "amd64", ("arch", "-x86_64"), "oah", "fs"))
    ccs: list[CCompiler] = []
    for name in ("cc", "gcc", "clang"):
        exe = shutil.which(name)
        if not exe:
            continue
        try:
            r = proc.run([exe, "-dumpmachine"], env=dict(os.environ), timeout=10)
        except GoarchlabError:
            continue
        triple = r.stdout.strip()
        cc_arch = _TRIPLE_ARCH.get(triple.split("-")[0])
        cc_os = "darwin" if "apple" in triple else ("linux" if "linux" in triple else None)
        ccs.append(CCompiler(name, exe, triple, cc_arch, cc_os))
    return Host(goos, "", platform.release(), arch, arch, False, platform.processor() or "",
                os.cpu_count() or 1, tuple(translators), tuple(ccs))


def runner_for(goos: str, goarch: str, host: Host, *, prefer: str = "") -> Runner | None:
    """The runner for binaries of goos/goarch on ``host``; None when none exists.

    Asks ``goarchlab.targets.runner_for`` when present. Otherwise: native for the
    host's own platform; an explicit qemu command before a binfmt handler on
    Linux (the emulator is then named in the results, not hidden by the kernel);
    Rosetta for darwin/amd64 on Apple Silicon. ``prefer`` picks a kind
    (``qemu``, ``binfmt``, ``rosetta``) when several exist.
    """
    if goos != host.os:
        return None
    if goarch == host.native_arch:
        return NATIVE
    found = [t for t in host.translators if t.arch == goarch]
    if prefer:
        found = [t for t in found if t.kind == prefer]
    order = {"qemu": 0, "rosetta": 1, "binfmt": 2}
    found.sort(key=lambda t: order.get(t.kind, 9))
    if not found:
        return None
    t = found[0]
    if t.kind == "qemu":
        return Runner("qemu", t.command or (t.interpreter,), Path(t.command[0]).name
                      if t.command else f"qemu-{QEMU_ARCH.get(goarch, goarch)}")
    if t.kind == "rosetta":
        return Runner("rosetta", t.command or ("arch", "-x86_64"), "rosetta")
    label = "binfmt-" + (Path(t.interpreter).name or goarch)
    return Runner("binfmt", (), label)


def custom_runner(command: str) -> Runner:
    """A runner given on the command line (``runner=CMD ARGS``), like ``go test -exec``."""
    import shlex

    argv = tuple(shlex.split(command))
    if not argv:
        raise UsageError("runner= needs a command", "e.g. --vs 'runner=qemu-aarch64 -cpu max'")
    if shutil.which(argv[0]) is None:
        raise UsageError(f"runner {argv[0]!r} not found on PATH", "install it or give its path")
    return Runner("exec", argv, Path(argv[0]).name)


def translator_hint(host: Host) -> str:
    """How to get a translator on this kind of host (one sentence)."""
    if host.os == "darwin":
        return "install Rosetta 2: softwareupdate --install-rosetta --agree-to-license"
    return ("install QEMU user-mode emulation: apt-get install qemu-user qemu-user-binfmt "
            "(Debian/Ubuntu) or dnf install qemu-user (Fedora)")


#: ``(version or None, goos, goarch) -> Toolchain``; None asks for the default toolchain.
ToolchainProvider = Callable[[str | None, str, str], Toolchain]


def default_toolchains(env: Mapping[str, str], cwd: Path, home: Path,
                       notify: Callable[[str], None] = lambda msg: None) -> ToolchainProvider:
    """A provider backed by goarchlab.toolchains: installed, or installed on demand.

    The default version (None) is the toolchain goarchlab resolves for ``cwd``
    (``.go-version``, go.mod ...; ``toolchains.ensure``), else the ``go`` on PATH.
    A toolchain for another platform (the build suite's translated go) is the same
    version installed for that platform.
    """
    from goarchlab import toolchains
    from goarchlab.toolchains.install import install

    cache: dict[tuple[str | None, str, str], Toolchain] = {}

    def native(version: str | None) -> Toolchain:
        if version:
            return toolchains.ensure(version, home=home, cwd=cwd, env=env, notify=notify)
        try:
            return toolchains.ensure(None, home=home, cwd=cwd, env=env, install_missing=False)
        except GoarchlabError:
            return _go_on_path(env)

    def provide(version: str | None, goos: str, goarch: str) -> Toolchain:
        key = (version, goos, goarch)
        if key not in cache:
            tc = native(version)
            if (goos, goarch) != (tc.goos, tc.goarch):
                tc = install(str(tc.version).removeprefix("go"), home=home, goos=goos,
                             goarch=goarch, env=dict(env), notify=notify).toolchain
            cache[key] = tc
        return cache[key]

    return provide


def _go_on_path(env: Mapping[str, str]) -> Toolchain:
    from goarchlab.gocmd.env import go_env

    go = shutil.which("go", path=env.get("PATH", ""))
    if go is None:
        raise GoarchlabError("no Go toolchain found",
                             "install one: goarchlab toolchain install latest")
    e = go_env(go, env)
    from goarchlab.gocmd.version import GoVersion

    return Toolchain(GoVersion.parse(e["GOVERSION"].split()[0].split("-")[0]),
                     Path(e["GOROOT"]), e["GOHOSTOS"], e["GOHOSTARCH"], "path")
