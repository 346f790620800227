"""inspect() on binaries built here by the real toolchain, checked against ``go version -m``."""

from __future__ import annotations

import pytest
from binary_helpers import as_go_json, as_version_m, version_m_json, version_m_text

from goarchlab.binary import inspect


@pytest.mark.parametrize(
    "name",
    [
        "default",
        "stripped",
        "amd64v3",
        "arm64",
        "cgo",
        "windows",
        "darwin",
        "darwin-stripped",
        "windows-stripped",
        "quoted",
    ],
)
def test_build_info_matches_go_version_m(builds, go_new, session_go_env, name):
    b = builds[name]
    info = inspect(b.path)
    assert len(info.slices) == 1
    go = info.slices[0].go
    assert go is not None
    # The text form, byte for byte, and the structured form.
    assert as_version_m(b.path, go) == version_m_text(go_new, session_go_env, b.path)
    assert as_go_json(go) == version_m_json(go_new, session_go_env, b.path)


def test_default_build_is_static_pure_go(builds):
    s = inspect(builds["default"].path).slices[0]
    assert (s.goarch, s.goos, s.bits, s.endian) == ("amd64", "linux", 64, "little")
    assert s.static and s.interpreter is None and s.libraries == ()
    assert not s.stripped
    go = s.go
    assert go.go_version == "go1.27.3"
    assert go.path == "example.com/hello/cmd/hello"
    assert (go.main_module, go.main_version) == ("example.com/hello", "(devel)")
    assert go.settings["CGO_ENABLED"] == "0"
    assert go.settings["GOAMD64"] == "v1"
    # The locally replaced dependency keeps its replacement.
    assert go.deps == (("example.com/greet", "v0.1.0"),)
    assert go.modules[0].replace is not None
    assert go.modules[0].replace.path == "./greet"


def test_stripped_build(builds):
    s = inspect(builds["stripped"].path).slices[0]
    assert s.stripped and not s.dwarf
    assert s.go.settings["-ldflags"] == "-s -w"
    assert not inspect(builds["default"].path).slices[0].stripped


@pytest.mark.parametrize("os_", ["darwin", "windows"])
def test_stripped_foreign_formats(builds, os_):
    plain = inspect(builds[os_].path).slices[0]
    stripped = inspect(builds[f"{os_}-stripped"].path).slices[0]
    assert not plain.stripped and plain.dwarf
    assert stripped.stripped and not stripped.dwarf
    assert stripped.go.settings["-ldflags"] == "-s"


def test_trimpath_recorded(builds):
    assert inspect(builds["amd64v3"].path).go.settings["-trimpath"] == "true"
    assert "-trimpath" not in inspect(builds["default"].path).go.settings


def test_goamd64_level(builds):
    assert inspect(builds["amd64v3"].path).go.settings["GOAMD64"] == "v3"


def test_arm64_cross_build(builds):
    s = inspect(builds["arm64"].path).slices[0]
    assert (s.goarch, s.goos, s.machine) == ("arm64", "linux", "EM_AARCH64")
    assert s.go.settings["GOARM64"] == "v8.2"
    assert s.go.goarch == "arm64"
    assert s.static


def test_cgo_build_is_dynamic(builds):
    s = inspect(builds["cgo"].path).slices[0]
    assert not s.static
    assert s.interpreter and "ld-linux" in s.interpreter
    assert "libc.so.6" in s.libraries
    assert s.go.settings["CGO_ENABLED"] == "1"
    assert s.goos == "linux"


def test_windows_build_is_pe(builds):
    info = inspect(builds["windows"].path)
    s = info.slices[0]
    assert info.format == "pe"
    assert (s.goarch, s.goos, s.bits) == ("amd64", "windows", 64)
    assert "kernel32.dll" in [lib.lower() for lib in s.libraries]
    assert not s.static
    assert s.go.settings["GOOS"] == "windows"


def test_darwin_build_is_macho(builds):
    info = inspect(builds["darwin"].path)
    s = info.slices[0]
    assert info.format == "macho"
    assert (s.goarch, s.goos, s.bits, s.kind) == ("arm64", "darwin", 64, "executable")
    assert s.interpreter == "/usr/lib/dyld"
    assert any("libSystem" in lib for lib in s.libraries)
    assert s.go.settings["GOARCH"] == "arm64"
