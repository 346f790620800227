"""Host detection: the facts of DESIGN.md's ``Host``, read through a :class:`Probe`.

Where each fact comes from, and why there:

- Linux native arch: ``/proc/sys/kernel/arch`` (the kernel's own arch). qemu-user
  fakes ``uname`` for the guest (an arm64 program under qemu-aarch64 on an
  x86-64 kernel sees ``aarch64``) but passes /proc/sys through, so this file
  tells the truth inside an emulated process too. Older kernels lack it; then
  the ELF machine of ``/proc/1/exe`` (init; often unreadable without root),
  then ``uname``.
- Linux process arch: the ELF machine of ``/proc/self/exe`` (qemu maps it to the
  guest program, which is what runs), else ``uname -m``.
- macOS: ``hw.optional.arm64`` is 1 on Apple Silicon even when asked from an
  x86_64 process under Rosetta; ``sysctl.proc_translated`` is 1 in a translated
  process and unknown on Intel Macs (Apple: "About the Rosetta translation
  environment"). Both are read in-process (sysctlbyname), never from a child.
- Rosetta 2 installed: its runtime files under /Library/Apple (Apple installs
  them on demand; the oahd daemon runs even without them on macOS 11.5+).
- C compilers: ``cc``, ``gcc``, ``clang`` on PATH and their ``-dumpmachine``
  triple, run concurrently (each is a few ms; doctor's budget is 0.5 s).
"""

from __future__ import annotations

import re
import threading

from goarchlab.host import archmap, binfmt
from goarchlab.host.model import CCompiler, Host, Translator
from goarchlab.host.native import darwin_arch, linux_native
from goarchlab.host.probe import ROSETTA_FILES, Probe, RealProbe
from goarchlab.outcome import RunnerKind

COMPILERS = ("cc", "gcc", "clang")
#: Where Apple's /usr/bin compiler stubs find a real compiler. Without either,
#: running /usr/bin/cc opens the "install developer tools" dialog, so it is not run.
_APPLE_DEVELOPER = (
    "/Library/Developer/CommandLineTools/usr/bin/clang",
    "/Applications/Xcode.app/Contents/Developer/Toolchains/XcodeDefault.xctoolchain/usr/bin/clang",
)
_DUMPMACHINE_TIMEOUT = 5.0


def detect(probe: Probe | None = None) -> Host:
    """Facts about this machine (or the one ``probe`` replays). Typically < 20 ms.

    Never raises for a missing file or tool: an unknown fact is an empty string
    (``os_version``, ``cpu_model``) or falls back as documented on each field.
    """
    p = probe or RealProbe()
    system, release, machine = p.uname()
    s = system.lower()
    if s == "darwin":
        return _darwin(p, release, machine)
    if s == "linux":
        return _linux(p, release, machine)
    return _other(p, s, release, machine)


def _linux(p: Probe, release: str, machine: str) -> Host:
    uname_arch = archmap.goarch_of_machine(machine) or machine
    native, source = linux_native(p, machine)
    head = p.read_head("/proc/self/exe", 20)
    process = (archmap.elf_header_goarch(head) if head else None) or uname_arch
    translated = process != native and (native, process) not in archmap.PROCESS_COMPAT
    handlers = binfmt.read_handlers(p)
    translators = [
        Translator(RunnerKind.BINFMT, e.goarch, (), e.interpreter, e.path)
        for e in handlers
        if e.usable and e.goarch and e.goarch != native and (native, e.goarch) not in archmap.COMPAT
    ]
    translators += _qemu_on_path(p, native)
    cpuinfo = p.read_text("/proc/cpuinfo") or ""
    return Host(
        os="linux",
        os_version=_os_release(p.read_text("/etc/os-release")),
        kernel=release,
        native_arch=native,
        process_arch=process,
        translated=translated,
        cpu_model=_cpuinfo_model(cpuinfo),
        cpu_count=p.cpu_count() or max(1, cpuinfo.count("\nprocessor") + cpuinfo.startswith(
            "processor")),
        translators=tuple(translators),
        c_compilers=_compilers(p, "linux"),
        binfmt=handlers,
        native_source=source,
    )


def _darwin(p: Probe, release: str, machine: str) -> Host:
    native, source, translated = darwin_arch(p, machine)
    process = archmap.goarch_of_machine(machine) if machine else None
    if process is None:
        process = "amd64" if translated else native
    version = p.sysctl("kern.osproductversion") or _plist_version(
        p.read_text("/System/Library/CoreServices/SystemVersion.plist"))
    translators = []
    if native == "arm64":
        found = next((f for f in ROSETTA_FILES if p.exists(f)), None)
        if found or translated:
            translators.append(Translator(
                RunnerKind.ROSETTA, "amd64", ("arch", "-x86_64"), found or ROSETTA_FILES[1],
                found or "sysctl sysctl.proc_translated"))
    count = next((int(v) for v in (p.sysctl(n) for n in (
        "hw.logicalcpu", "hw.ncpu", "machdep.cpu.thread_count")) if v and v.isdigit()), None)
    return Host(
        os="darwin",
        os_version=f"macOS {version}" if version else "macOS",
        kernel=release,
        native_arch=native,
        process_arch=process,
        translated=translated,
        cpu_model=(p.sysctl("machdep.cpu.brand_string") or "").strip(),
        cpu_count=count or p.cpu_count() or 1,
        translators=tuple(translators),
        c_compilers=_compilers(p, "darwin"),
        native_source=source,
    )


def _other(p: Probe, goos: str, release: str, machine: str) -> Host:
    arch = archmap.goarch_of_machine(machine) or machine
    return Host(goos, "", release, arch, arch, False, "", p.cpu_count() or 1, (),
                _compilers(p, goos), native_source="uname")


def _qemu_on_path(p: Probe, native: str) -> list[Translator]:
    """qemu-user binaries on PATH (also Debian's ``-static`` builds), one per arch."""
    out = []
    for qname, goarch in archmap.QEMU.items():
        if goarch == native or (native, goarch) in archmap.COMPAT:
            continue
        for name in (f"qemu-{qname}", f"qemu-{qname}-static"):
            path = p.which(name)
            if path:
                out.append(Translator(RunnerKind.QEMU, goarch, (path,), path, "PATH"))
                break
    return out


def _compilers(p: Probe, goos: str) -> tuple[CCompiler, ...]:
    found = []
    for name in COMPILERS:
        path = p.which(name)
        if not path:
            continue
        if goos == "darwin" and path.startswith("/usr/bin/") and not any(
                p.exists(d) for d in _APPLE_DEVELOPER):
            continue  # an xcode-select stub: running it would open an installer dialog
        found.append((name, path))
    if not found:
        return ()

    def ask(path: str) -> str:
        r = p.run([path, "-dumpmachine"], _DUMPMACHINE_TIMEOUT)
        return r.stdout.strip() if r is not None and r.ok else ""

    # cc and gcc are often one file; ask each distinct path once, all at once. Plain
    # threads: concurrent.futures imports logging, which costs doctor's start-up more
    # than the compilers take to answer.
    files = list(dict.fromkeys(path for _, path in found))
    triples: dict[str, str] = {}
    bugs: list[BaseException] = []

    def ask_into(file: str) -> None:
        try:
            triples[file] = ask(file)
        except BaseException as e:  # re-raised below, in the caller's thread
            bugs.append(e)

    threads = [threading.Thread(target=ask_into, args=(f,), name="host-cc") for f in files[1:]]
    for t in threads:
        t.start()
    ask_into(files[0])
    for t in threads:
        t.join()
    if bugs:
        raise bugs[0]
    out = []
    for name, path in found:
        triple = triples[path]
        cc_os, cc_arch = archmap.triple_platform(triple) if triple else (None, None)
        out.append(CCompiler(name, path, triple, cc_arch, cc_os))
    return tuple(out)


def _os_release(text: str | None) -> str:
    """PRETTY_NAME of /etc/os-release (``Debian GNU/Linux 12 (bookworm)``), or ''."""
    for line in (text or "").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"').strip("'")
    return ""


def _cpuinfo_model(text: str) -> str:
    """The CPU model from /proc/cpuinfo: ``model name`` (x86), ``Hardware``/``cpu``
    (some arm and ppc kernels), else '' (arm64 kernels often name none)."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    for key in ("model name", "Hardware", "cpu", "uarch"):
        if fields.get(key):
            return fields[key]
    return ""


def _plist_version(text: str | None) -> str:
    """ProductVersion from SystemVersion.plist text, or ''."""
    m = re.search(r"<key>ProductVersion</key>\s*<string>([^<]+)</string>", text or "")
    return m.group(1).strip() if m else ""


__all__ = ["detect"]
