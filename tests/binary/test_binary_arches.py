"""GOARCH mapping on real binaries of less common ports: 32-bit and big-endian ELF.

The program imports nothing, so each cross build compiles only the runtime.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from binary_helpers import as_go_json, version_m_json

from goarchlab import proc
from goarchlab.binary import inspect

#: goos/goarch, env, expected (goarch, bits, endian, machine, level setting)
TARGETS = {
    "ppc64": ({"GOARCH": "ppc64"}, ("ppc64", 64, "big", "EM_PPC64")),
    "ppc64le": ({"GOARCH": "ppc64le"}, ("ppc64le", 64, "little", "EM_PPC64")),
    "386": ({"GOARCH": "386"}, ("386", 32, "little", "EM_386")),
    "mips": ({"GOARCH": "mips"}, ("mips", 32, "big", "EM_MIPS")),
    "arm": ({"GOARCH": "arm", "GOARM": "7"}, ("arm", 32, "little", "EM_ARM")),
}


@pytest.fixture(scope="session")
def arch_builds(go_new, session_go_env, tmp_path_factory):
    src = tmp_path_factory.mktemp("empty")
    (src / "go.mod").write_text("module example.com/empty\n\ngo 1.22\n")
    (src / "main.go").write_text("package main\n\nfunc main() {}\n")

    def build(name: str):
        target = TARGETS[name][0] if name in TARGETS else {"GOOS": "wasip1", "GOARCH": "wasm"}
        env = {**session_go_env, "GOOS": "linux", "CGO_ENABLED": "0", **target}
        r = proc.run([go_new.go, "build", "-o", f"out-{name}", "."], env=env, cwd=src, timeout=600)
        assert r.ok, r.stderr
        return name, src / f"out-{name}"

    with ThreadPoolExecutor(2) as ex:
        return dict(ex.map(build, [*TARGETS, "wasm"]))


@pytest.mark.parametrize("name", list(TARGETS))
def test_arch_mapping(arch_builds, go_new, session_go_env, name):
    path = arch_builds[name]
    (s,) = inspect(path).slices
    goarch, bits, endian, machine = TARGETS[name][1]
    assert (s.goarch, s.bits, s.endian, s.machine, s.goos) == (
        goarch,
        bits,
        endian,
        machine,
        "linux",
    )
    assert s.static
    assert s.go.goarch == goarch
    assert as_go_json(s.go) == version_m_json(go_new, session_go_env, path)


def test_goarm_recorded(arch_builds):
    assert inspect(arch_builds["arm"]).go.settings["GOARM"] == "7"


def test_wasm_module(arch_builds):
    info = inspect(arch_builds["wasm"])
    assert info.format == "wasm"
    (s,) = info.slices
    assert (s.goarch, s.bits, s.endian, s.static) == ("wasm", 32, "little", True)
    # Go's own debug/buildinfo does not read wasm modules; neither do we.
    assert s.go is None
