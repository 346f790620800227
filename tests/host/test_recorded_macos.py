"""macOS host facts, tested through recorded real outputs (sources in each file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from goarchlab.errors import GoarchlabError
from goarchlab.host import RecordedProbe, detect, native_platform
from goarchlab.targets import Target, runner_for

RECORDED = Path(__file__).parent / "recorded"


def host(recording, name):
    return detect(RecordedProbe.from_dict(recording(name)))


def test_m1_native(recording):
    h = host(recording, "macos-m1-native")
    assert (h.os, h.os_version, h.kernel) == ("darwin", "macOS 12.6", "21.6.0")
    assert (h.native_arch, h.process_arch, h.translated) == ("arm64", "arm64", False)
    assert (h.cpu_model, h.cpu_count) == ("Apple M1", 8)
    assert h.native_source == "sysctl hw.optional.arm64"
    [cc] = h.c_compilers
    assert (cc.name, cc.triple, cc.goos, cc.goarch) == (
        "clang", "arm64-apple-darwin20.4.0", "darwin", "arm64")
    # No Rosetta runtime file: nothing translates amd64, and the hint says how to get it.
    assert h.translators == () and h.can_run("darwin", "amd64") == "no"
    with pytest.raises(GoarchlabError) as e:
        runner_for(Target("darwin", "amd64"), h)
    assert "softwareupdate --install-rosetta" in e.value.hint
    assert runner_for(Target("darwin", "arm64"), h).kind == "native"


def test_m1_python_under_rosetta(recording):
    h = host(recording, "macos-m1-rosetta")
    # uname says x86_64 in a translated process; the hardware is still arm64.
    assert (h.native_arch, h.process_arch, h.translated) == ("arm64", "amd64", True)
    assert h.cpu_model == "Apple M1" and h.cpu_count == 8
    [t] = h.translators
    assert (t.kind, t.arch, t.command) == ("rosetta", "amd64", ("arch", "-x86_64"))
    r = runner_for(Target("darwin", "amd64"), h)
    assert (r.kind, r.argv("/tmp/b", "-v")) == ("rosetta", ["arch", "-x86_64", "/tmp/b", "-v"])
    assert r.go_test_exec() == "arch -x86_64"
    assert runner_for(Target("darwin", "arm64"), h).kind == "native"


def test_intel_mac(recording):
    h = host(recording, "macos-intel")
    assert (h.native_arch, h.process_arch, h.translated) == ("amd64", "amd64", False)
    assert h.native_source == "uname"
    assert (h.cpu_model, h.cpu_count) == ("Intel(R) Core(TM) i5-8500B CPU @ 3.00GHz", 6)
    assert h.translators == ()
    with pytest.raises(GoarchlabError) as e:
        runner_for(Target("darwin", "arm64"), h)
    assert "no translator" in e.value.hint


def test_m3_max_with_rosetta_installed(recording):
    h = host(recording, "macos-m3-max")
    assert (h.native_arch, h.process_arch, h.translated) == ("arm64", "arm64", False)
    assert (h.cpu_model, h.cpu_count, h.kernel) == ("Apple M3 Max", 14, "24.0.0")
    [t] = h.translators
    assert (t.kind, t.source) == ("rosetta", "/Library/Apple/usr/libexec/oah/libRosettaRuntime")
    assert h.can_run("darwin", "amd64") == "translated"
    assert h.can_run("linux", "arm64") == "no"


def test_compiler_stub_without_developer_tools_is_not_run(recording):
    """/usr/bin/clang without Command Line Tools would open an installer dialog."""
    data = recording("macos-m1-native")
    data["exists"] = []
    h = detect(RecordedProbe.from_dict(data))
    assert h.c_compilers == ()


def test_short_form_recording_of_the_doctor_tests_is_understood():
    data = {"sysctl": {"machdep.cpu.brand_string": "Apple M1", "hw.optional.arm64": "1",
                       "hw.ncpu": "8", "sysctl.proc_translated": "0"},
            "sw_vers": {"ProductName": "macOS", "ProductVersion": "11.1"},
            "uname_r": "20.2.0", "rosetta_installed": True}
    h = detect(RecordedProbe.from_dict(data))
    assert (h.os, h.os_version, h.kernel, h.native_arch, h.process_arch) == (
        "darwin", "macOS 11.1", "20.2.0", "arm64", "arm64")
    assert [t.kind for t in h.translators] == ["rosetta"]


@pytest.mark.parametrize("name", [p.stem for p in sorted(RECORDED.glob("*.json"))])
def test_native_platform_agrees_with_detect(recording, name):
    """The fast path that toolchain selection uses (no compilers run) reads the
    same arch from the same source as the full detection, Rosetta included."""
    probe = RecordedProbe.from_dict(recording(name))
    h = detect(probe)
    assert native_platform(probe) == (h.os, h.native_arch, h.native_source)
    assert h.native_arch in ("amd64", "arm64")
