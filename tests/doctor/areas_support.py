"""Contexts for the doctor area tests: this Linux machine, or a recorded Apple Silicon Mac.

The Linux context uses the real host detection. The Mac context feeds the host
layer's probe seam with outputs recorded on an Apple Silicon Mac
(``recorded/macos-apple-silicon.json``, sources cited in the file) when the
host layer provides a recording probe; until then it builds the Host those
outputs describe.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from types import SimpleNamespace

from goarchlab.doctor.context import Context
from goarchlab.host.model import Host, Translator

RECORDED = Path(__file__).parent / "recorded"


class _SeededContext(Context):
    """A Context whose host facts are given (the recorded Mac, or a stand-in for detect)."""

    def __init__(self, *a, host: Host, **kw) -> None:
        super().__init__(*a, **kw)
        self._host = host

    @property
    def host(self) -> Host:
        return self._host


def linux_context(env: dict[str, str], cwd: Path, project: Path | None = None) -> Context:
    """A Context over the real machine (host facts from goarchlab.host.detect)."""
    try:
        from goarchlab.host import detect  # noqa: F401
    except ImportError:  # the host layer has not landed yet: read the same facts here
        return _SeededContext(env, cwd, project=project, timeout=60, host=_this_linux_host())
    return Context(env, cwd, project=project, timeout=60)


def _this_linux_host() -> Host:
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    translators = []
    binfmt = Path("/proc/sys/fs/binfmt_misc")
    for entry in sorted(binfmt.glob("qemu-*")) if binfmt.is_dir() else ():
        lines = entry.read_text().splitlines()
        if "enabled" not in lines:
            continue
        interp = next((ln.split(" ", 1)[1] for ln in lines if ln.startswith("interpreter ")), "")
        arch = {"qemu-aarch64": "arm64", "qemu-x86_64": "amd64"}.get(entry.name)
        if arch:
            translators.append(Translator("binfmt", arch, (), interp, str(entry)))
    return Host("linux", "", platform.release(), machine, machine, False, "", os.cpu_count() or 1,
                tuple(translators), ())


def mac_recording() -> dict:
    """The recorded Apple Silicon Mac outputs."""
    return json.loads((RECORDED / "macos-apple-silicon.json").read_text())


def mac_probe():
    """A probe replaying the recorded Mac, or None when the host layer has no replay probe."""
    try:
        from goarchlab.host.probe import RecordedProbe  # type: ignore[attr-defined]
    except ImportError:
        return None
    return RecordedProbe.from_dict(mac_recording())


def apple_silicon_host() -> Host:
    """The Host the recorded Mac outputs describe (arm64, Rosetta 2 installed)."""
    rec = mac_recording()
    sysctl = rec["sysctl"]
    translators = ()
    if rec.get("rosetta_installed"):
        translators = (Translator("rosetta", "amd64", ("arch", "-x86_64"),
                                  "/Library/Apple/usr/libexec/oah/libRosettaRuntime",
                                  "/Library/Apple/usr/libexec/oah/libRosettaRuntime"),)
    return Host(os="darwin", os_version=f"macOS {rec['sw_vers']['ProductVersion']}",
                kernel=rec["uname_r"], native_arch="arm64", process_arch="arm64",
                translated=sysctl.get("sysctl.proc_translated") == "1",
                cpu_model=sysctl["machdep.cpu.brand_string"],
                cpu_count=int(sysctl["hw.ncpu"]), translators=translators, c_compilers=())


def apple_silicon_context(env: dict[str, str], cwd: Path, project: Path | None = None,
                          root: Path | None = None) -> Context:
    """A Context whose host facts are the recorded Apple Silicon Mac's; ``root`` is a
    directory standing for the Mac's "/" (its files are read from there)."""
    probe = mac_probe()
    if probe is None:
        return _SeededContext(env, cwd, project=project, timeout=60,
                              probe=SimpleNamespace(root=root), host=apple_silicon_host())
    probe.root = root
    return Context(env, cwd, project=project, timeout=60, probe=probe)
