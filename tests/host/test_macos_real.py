"""The host layer on a real Apple Silicon Mac (the macOS CI runner, macos-15): the
same facts the recordings in tests/host/recorded/ encode, asked of the machine.

Marked ``macos``: skipped elsewhere (tests/conftest.py), run by .github/workflows/ci.yml.
The runner installs Rosetta 2 first when its image lacks it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from goarchlab import proc
from goarchlab.binary.inspector import inspect
from goarchlab.host import RealProbe, detect
from goarchlab.targets import Target, runner_for

pytestmark = pytest.mark.macos

RECORDED = Path(__file__).parent / "recorded"
ROSETTA_RUNTIME = "/Library/Apple/usr/libexec/oah/libRosettaRuntime"


def _recorded_sysctls() -> dict[str, str]:
    """Every sysctl answer of the Apple Silicon recordings (name -> recorded value)."""
    out: dict[str, str] = {}
    for name in ("macos-m1-native", "macos-m1-rosetta", "macos-m3-max"):
        data = json.loads((RECORDED / f"{name}.json").read_text())
        out.update({k: v for k, v in data.get("sysctl", {}).items() if v is not None})
    return out


def test_sysctl_answers_have_the_recordings_keys_and_types():
    """Each sysctl the recordings hold answers here too, of the same kind: the integer
    ones as decimal text (sysctlbyname's raw bytes decoded as -n prints them)."""
    probe = RealProbe()
    for name, recorded in _recorded_sysctls().items():
        got = probe.sysctl(name)
        assert got is not None, name
        assert got.lstrip("-").isdigit() == recorded.lstrip("-").isdigit(), (name, got)
    assert probe.sysctl("hw.optional.arm64") == "1"
    assert probe.sysctl("sysctl.proc_translated") == "0"  # this Python runs natively
    assert probe.sysctl("machdep.cpu.brand_string").startswith("Apple M")
    assert int(probe.sysctl("hw.logicalcpu")) == os.cpu_count()
    assert probe.sysctl("no.such.sysctl") is None


def test_native_host_facts_match_the_m3_recording():
    """As macos-m3-max.json: arm64 hardware, an arm64 process, Rosetta installed."""
    h = detect()
    assert (h.os, h.native_arch, h.process_arch, h.translated) == (
        "darwin", "arm64", "arm64", False)
    assert h.native_source == "sysctl hw.optional.arm64"
    assert h.cpu_model.startswith("Apple M") and h.cpu_count == os.cpu_count()
    assert os.path.exists(ROSETTA_RUNTIME), "the CI step installs Rosetta 2 first"
    [t] = h.translators
    assert (t.kind, t.arch, t.command) == ("rosetta", "amd64", ("arch", "-x86_64"))
    assert h.can_run("darwin", "amd64") == "translated"
    assert h.can_run("linux", "arm64") == "no"
    r = runner_for(Target("darwin", "amd64"), h)
    assert (r.kind, r.go_test_exec()) == ("rosetta", "arch -x86_64")


def test_a_process_under_arch_x86_64_is_translated():
    """Homebrew's check, as the m1-rosetta recording cites it: `arch -x86_64 sysctl
    sysctl.proc_translated` prints 1 (and 0 natively)."""
    native = proc.run(["/usr/sbin/sysctl", "-n", "sysctl.proc_translated"], env=dict(os.environ),
                      timeout=30)
    under = proc.run(["arch", "-x86_64", "/usr/sbin/sysctl", "-n", "sysctl.proc_translated"],
                     env=dict(os.environ), timeout=30)
    assert (native.stdout.strip(), under.stdout.strip()) == ("0", "1"), under.stderr
    uname = proc.run(["arch", "-x86_64", "/usr/bin/uname", "-m"], env=dict(os.environ),
                     timeout=30)
    assert uname.stdout.strip() == "x86_64"  # as the recording's uname under Rosetta


def test_system_binaries_are_universal_mach_o():
    """The binaries the recordings' answers came from are universal (arm64e and
    x86_64 slices): goarchlab's Mach-O reader sees both."""
    info = inspect("/usr/bin/uname")
    assert info.format == "macho-universal"
    assert {"amd64", "arm64"} <= {a.removesuffix("e") for a in info.archs}, info.archs


def _x86_python() -> str:
    """A Python 3.11+ with an x86_64 slice (this one, or python.org's universal2)."""
    cands = [sys.executable, *sorted(str(p) for p in Path(
        "/Library/Frameworks/Python.framework/Versions").glob("3.1[1-9]/bin/python3"))]
    for c in cands:
        real = os.path.realpath(c)
        if "amd64" in inspect(real).archs:
            return real
    raise AssertionError(f"no Python 3.11+ with an x86_64 slice among {cands}: install "
                         "python.org's universal2 build on the runner")


def test_goarchlab_under_rosetta_says_translated():
    """As macos-m1-rosetta.json: a Python started with arch -x86_64 reports
    proc_translated=1, and goarchlab's host facts there say translated."""
    py = _x86_python()
    code = ("import json; from goarchlab.host import detect, RealProbe; h = detect(); "
            "print(json.dumps([RealProbe().sysctl('sysctl.proc_translated'), h.native_arch, "
            "h.process_arch, h.translated]))")
    src = str(Path(__file__).resolve().parents[2] / "src")
    r = proc.run(["arch", "-x86_64", py, "-c", code],
                 env={**os.environ, "PYTHONPATH": src}, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == ["1", "arm64", "amd64", True]
