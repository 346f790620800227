"""doctor's toolchains area, against a real store: real toolchains (one of a
foreign arch in the native slot), real shims, real PATH layouts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from toolchain_helpers import NATIVE

from goarchlab.doctor.checks_toolchains import check_active, check_arch, check_shims
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Severity
from goarchlab.toolchains import shims
from goarchlab.toolchains.store import Store

FOREIGN = "arm64" if NATIVE[1] == "amd64" else "amd64"


@pytest.fixture()
def store_home(tmp_path: Path, go_new, install_toolchain) -> Path:
    """go1.27.3 native, the linux/FOREIGN go1.27.3 under its proper name, and the
    same foreign toolchain wrongly sitting in the native slot go1.22.9."""
    home = tmp_path / "home"
    store = Store(home, NATIVE)
    shims.ensure(store, {"PATH": os.environ["PATH"]})  # no toolchain yet: script shims
    foreign = install_toolchain("1.27.3", "linux", FOREIGN)
    (home / "toolchains").mkdir()
    (home / "toolchains" / "go1.27.3").symlink_to(go_new.goroot)
    (home / "toolchains" / f"go1.27.3.linux-{FOREIGN}").symlink_to(foreign.goroot)
    (home / "toolchains" / "go1.22.9").symlink_to(foreign.goroot)
    return home


def _ctx(home: Path, cwd: Path, path: list[Path | str]) -> Context:
    env = {"GOARCHLAB_HOME": str(home), "PATH": os.pathsep.join(map(str, path))}
    return Context(env, cwd)


def test_wrong_arch_in_native_slot_is_an_error(store_home, tmp_path):
    found = list(check_arch(_ctx(store_home, tmp_path, ["/usr/bin"])))
    assert [(f.severity, f.title) for f in found] == [
        (Severity.ERROR, f"go1.22.9 is a linux/{FOREIGN} toolchain in the native slot of this "
                         f"{NATIVE[0]}/{NATIVE[1]} machine")]
    assert found[0].fix.text == ("goarchlab toolchain uninstall 1.22.9 && "
                                 "goarchlab toolchain install 1.22.9")


def test_active_toolchain_and_what_chose_it(store_home, tmp_path):
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / ".go-version").write_text("1.27.3\n")
    [f] = check_active(_ctx(store_home, proj, ["/usr/bin"]))
    assert f.severity == Severity.OK and f.title.startswith("managed toolchain go1.27.3")
    assert f"chosen by {proj / '.go-version'}:1" in f.detail


def test_gomod_asking_for_newer_go_than_installed(store_home, tmp_path):
    proj = tmp_path / "m"
    proj.mkdir()
    (proj / "go.mod").write_text("module m\n\ngo 1.30.2\n")
    [f] = check_active(_ctx(store_home, proj, ["/usr/bin"]))
    assert (f.id, f.severity) == ("toolchains.gomod-newer", Severity.WARN)
    assert f.title == f"Go 1.30.2 or newer asked by {proj / 'go.mod'}:3 is not installed"
    assert f.fix.text == "goarchlab toolchain install 1.30"


def test_shim_directory_on_path(store_home, tmp_path, go_old):
    sd = store_home / "shims"
    [f] = check_shims(_ctx(store_home, tmp_path, ["/usr/bin"]))
    assert (f.severity, f.title) == (Severity.INFO, f"the shim directory {sd} is not on PATH")
    [f] = check_shims(_ctx(store_home, tmp_path, [go_old.goroot / "bin", sd]))
    assert (f.severity, f.title) == (
        Severity.WARN, f"the go shim is shadowed by {go_old.goroot / 'bin' / 'go'}")
    [f] = check_shims(_ctx(store_home, tmp_path, [sd, go_old.goroot / "bin"]))
    assert f.severity == Severity.INFO and "script shims" in f.detail
