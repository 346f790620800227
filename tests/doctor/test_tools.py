"""Tool checks against real binaries built here with the real toolchains.

* a ``dlv`` built for linux/arm64 on PATH: doctor says it runs translated, and it
  really runs (under qemu-aarch64 through binfmt_misc);
* a ``gopls`` built with go_old: doctor says it was built with an older Go, and
  the same program's go/types really refuses the active Go's language version;
* VS Code app bundles (macOS layout, with real darwin Mach-O executables
  cross-built here) judged against a recorded Apple Silicon host.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import textwrap
from pathlib import Path

import pytest
from areas_support import apple_silicon_context, build_go, linux_context

from goarchlab import proc
from goarchlab.doctor.checks_tools import bundle_executable, check_dev_tools, check_editor
from goarchlab.doctor.model import Severity

# A stand-in for gopls: it type-checks a package at the language version given, with the
# go/types of the Go that built it, exactly what gopls does for a module's go line.
ANALYSER = textwrap.dedent("""
    package main

    import (
    \t"fmt"
    \t"go/ast"
    \t"go/parser"
    \t"go/token"
    \t"go/types"
    \t"os"
    )

    func main() {
    \tfset := token.NewFileSet()
    \tf, err := parser.ParseFile(fset, "p.go", "package p\\nvar X = 1\\n", 0)
    \tif err != nil {
    \t\tpanic(err)
    \t}
    \tconf := types.Config{GoVersion: os.Args[1]}
    \t_, err = conf.Check("p", fset, []*ast.File{f}, nil)
    \tfmt.Println("check:", err)
    }
    """)
HELLO = "package main\n\nfunc main() { println(\"hello from the tool\") }\n"


@pytest.fixture(scope="session")
def built_tools(go_new, go_old, go_caches, tmp_path_factory):
    """Binaries for the tool tests, built once per session."""
    root = tmp_path_factory.mktemp("tools")
    return {
        "dlv-arm64": build_go(go_new, HELLO, root / "arm64" / "dlv", go_caches, "linux", "arm64"),
        "gopls-old": build_go(go_old, ANALYSER, root / "old" / "gopls", go_caches),
        "analyser-new": build_go(go_new, ANALYSER, root / "new" / "analyser", go_caches),
        "staticcheck": build_go(go_new, HELLO, root / "new" / "staticcheck", go_caches),
        "mac-arm64": build_go(go_new, HELLO, root / "mac" / "arm64", go_caches, "darwin", "arm64"),
        "mac-amd64": build_go(go_new, HELLO, root / "mac" / "amd64", go_caches, "darwin", "amd64"),
    }


def _path_with(go_env, tmp_path: Path, **tools: Path) -> dict[str, str]:
    bindir = tmp_path / "toolbin"
    bindir.mkdir(exist_ok=True)
    for name, src in tools.items():
        shutil.copy2(src, bindir / name)
    return {**go_env, "PATH": f"{go_env['PATH']}{os.pathsep}{bindir}"}


def _ids(findings):
    return {f.id: f for f in findings}


def test_arm64_dlv_runs_translated(go_env, tmp_path, built_tools):
    env = _path_with(go_env, tmp_path, dlv=built_tools["dlv-arm64"])
    ctx = linux_context(env, tmp_path)
    if ctx.host.native_arch != "amd64":
        pytest.skip("needs an amd64 host (the tool is built for arm64 as the foreign arch)")
    fs = _ids(check_dev_tools(ctx))
    f = fs["tools.dlv.translated"]
    assert f.severity is Severity.ERROR
    assert "runs translated (arm64 on linux/amd64)" in f.title
    assert "qemu-aarch64" in f.detail
    # It really runs, translated, as doctor says.
    r = proc.run([str(tmp_path / "toolbin" / "dlv")], env=env, timeout=60)
    assert r.ok and "hello from the tool" in r.stderr


def test_gopls_built_with_old_go(go_env, tmp_path, built_tools):
    env = _path_with(go_env, tmp_path, gopls=built_tools["gopls-old"])
    fs = _ids(check_dev_tools(linux_context(env, tmp_path)))
    f = fs["tools.gopls.old-go"]
    assert f.severity is Severity.WARN
    assert f.title.endswith("was built with go1.22.10, older than the active go1.27.3")
    assert "gopls@latest" in f.fix.text
    # What the warning says, shown by the real go/types of each build.
    old = proc.run([str(built_tools["gopls-old"]), "go1.27"], env=env, timeout=60)
    new = proc.run([str(built_tools["analyser-new"]), "go1.27"], env=env, timeout=60)
    assert "requires newer Go version go1.27" in old.stdout
    assert new.stdout.strip() == "check: <nil>"


def test_native_tool_ok_missing_and_shadowed(go_env, tmp_path, built_tools):
    gobin = tmp_path / "gobin"
    gobin.mkdir()
    shutil.copy2(built_tools["staticcheck"], gobin / "staticcheck")
    shutil.copy2(built_tools["staticcheck"], gobin / "dlv")
    env = _path_with(go_env, tmp_path, staticcheck=built_tools["staticcheck"])
    env["GOBIN"] = str(gobin)
    fs = _ids(check_dev_tools(linux_context(env, tmp_path)))
    ok = fs["tools.staticcheck"]
    assert ok.severity is Severity.OK and "native, built with go1.27.3" in ok.title
    assert fs["tools.staticcheck.shadowed"].detail.endswith(f"updates {gobin / 'staticcheck'}.")
    assert fs["tools.golangci-lint.missing"].severity is Severity.INFO
    assert fs["tools.dlv.not-on-path"].fix.text == f"Add {gobin} to PATH."


# --- VS Code ---------------------------------------------------------------------------

CODE_SH = (Path(__file__).parent / "recorded" / "vscode-darwin-code.sh").read_text()


def _mac_bundle(root: Path, exe_src: Path, exe_name: str, plist: bool = True) -> Path:
    """A VS Code app bundle laid out as the real one, its 'code' symlinked from a bin dir."""
    contents = root / "Applications" / "Visual Studio Code.app" / "Contents"
    (contents / "MacOS").mkdir(parents=True)
    shutil.copy2(exe_src, contents / "MacOS" / exe_name)
    if plist:
        with (contents / "Info.plist").open("wb") as f:
            plistlib.dump({"CFBundleExecutable": exe_name,
                           "CFBundleIdentifier": "com.microsoft.VSCode"}, f)
    script = contents / "Resources" / "app" / "bin" / "code"
    script.parent.mkdir(parents=True)
    script.write_text(CODE_SH)
    script.chmod(0o755)
    bindir = root / "usr-local-bin"
    bindir.mkdir()
    (bindir / "code").symlink_to(script)
    return bindir


@pytest.mark.parametrize(("exe_name", "plist"), [("Code", True), ("Electron", True),
                                                 ("Electron", False)])
def test_bundle_executable_follows_the_launcher(tmp_path, built_tools, exe_name, plist):
    bindir = _mac_bundle(tmp_path, built_tools["mac-arm64"], exe_name, plist)
    exe = bundle_executable(bindir / "code")
    assert exe == (tmp_path / "Applications" / "Visual Studio Code.app" / "Contents" / "MacOS"
                   / exe_name)


def test_bundle_with_broken_info_plist_falls_back(tmp_path, built_tools):
    bindir = _mac_bundle(tmp_path, built_tools["mac-arm64"], "Code")
    plist = tmp_path / "Applications" / "Visual Studio Code.app" / "Contents" / "Info.plist"
    plist.write_text("<?xml version='1.0'?><plist><dict><key>CFBundleExecutable")
    assert bundle_executable(bindir / "code") == plist.parent / "MacOS" / "Code"


def test_code_arm64_native_on_apple_silicon(go_env, tmp_path, built_tools):
    bindir = _mac_bundle(tmp_path, built_tools["mac-arm64"], "Code")
    env = {**go_env, "PATH": f"{go_env['PATH']}{os.pathsep}{bindir}"}
    (f,) = list(check_editor(apple_silicon_context(env, tmp_path)))
    assert f.id == "tools.code" and f.severity is Severity.OK
    assert "arm64, runs natively" in f.title


def test_code_intel_build_runs_under_rosetta(go_env, tmp_path, built_tools):
    bindir = _mac_bundle(tmp_path, built_tools["mac-amd64"], "Electron")
    env = {**go_env, "PATH": f"{go_env['PATH']}{os.pathsep}{bindir}"}
    (f,) = list(check_editor(apple_silicon_context(env, tmp_path)))
    assert f.id == "tools.code.translated" and f.severity is Severity.ERROR
    assert "Rosetta 2" in f.detail and "MacOS/Electron" in f.detail
    assert "code.visualstudio.com/download" in f.fix.text


def test_code_mac_bundle_cannot_run_on_linux(go_env, tmp_path, built_tools):
    bindir = _mac_bundle(tmp_path, built_tools["mac-arm64"], "Code")
    env = {**go_env, "PATH": f"{go_env['PATH']}{os.pathsep}{bindir}"}
    (f,) = list(check_editor(linux_context(env, tmp_path)))
    assert f.id == "tools.code.cannot-run" and f.severity is Severity.ERROR


def test_code_linux_layout_and_missing(go_env, tmp_path, built_tools):
    share = tmp_path / "usr-share-code"
    (share / "bin").mkdir(parents=True)
    shutil.copy2(built_tools["staticcheck"], share / "code")
    (share / "bin" / "code").write_text("#!/usr/bin/env bash\nexit 0\n")
    (share / "bin" / "code").chmod(0o755)
    env = {**go_env, "PATH": f"{go_env['PATH']}{os.pathsep}{share / 'bin'}"}
    (f,) = list(check_editor(linux_context(env, tmp_path)))
    assert f.id == "tools.code" and str(share / "code") in f.title
    (g,) = list(check_editor(linux_context(go_env, tmp_path)))
    assert g.id == "tools.code.missing" and g.severity is Severity.INFO


def test_intel_dlv_on_apple_silicon_is_refused_by_delve(go_env, tmp_path, built_tools):
    """Delve does not run slowly under Rosetta: it refuses to run at all (go-delve/delve
    pkg/proc/macutil/rosetta_darwin.go, CheckRosetta: 'can not run under Rosetta')."""
    env = _path_with(go_env, tmp_path, dlv=built_tools["mac-amd64"])
    fs = _ids(check_dev_tools(apple_silicon_context(env, tmp_path)))
    f = fs["tools.dlv.translated"]
    assert f.severity is Severity.ERROR
    assert "slowed" not in f.detail
    assert "can not run under Rosetta" in f.detail and "rosetta_darwin.go" in f.detail
