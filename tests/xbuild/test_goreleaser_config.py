"""bench/xbuild_vs_goreleaser.py: its goreleaser config builds what xbuild builds.

The script's timing is not tested; its setup is: the generated .goreleaser.yaml
must name the same eight targets, levels, CGO_ENABLED values and flags as a real
``goarchlab xbuild --first-class`` of the same module records in its artifacts.
goreleaser itself is not built here (minutes of compiling, hundreds of modules):
the slow test runs it only when a cached binary exists.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
import yaml

from goarchlab.gocmd.levels import level_var
from goarchlab.xbuild import XbuildOptions, run

BENCH = Path(__file__).parents[2] / "bench"


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    """bench/xbuild_vs_goreleaser.py imported as a module (it imports bench/benchmodule)."""
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("xbuild_vs_goreleaser")
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def setup_run(script, go_new, xenv, tmp_path_factory):
    """The script's setup (generated module, plan, config) and a real xbuild of that module."""
    work = tmp_path_factory.mktemp("vs-goreleaser")
    args = script.parse_args(["--go", str(go_new.version).removeprefix("go"), "--rounds", "1"])
    s = script.setup(args, work, go_new, dict(xenv))
    res = run(XbuildOptions(first_class=True, out_dir=work / "xb", ldflags=script.LDFLAGS,
                      trimpath=True), go=go_new.go, env=xenv, cwd=s.module)
    return s, res


def test_config_names_the_targets_levels_and_cgo_xbuild_builds(script, setup_run):
    s, res = setup_run
    assert res.ok and len(res.targets) == 8
    conf = yaml.safe_load(s.config.read_text())
    assert conf["version"] == 2
    got = {}
    for b in conf["builds"]:
        cgo = [e.split("=", 1)[1] for e in b["env"] if e.startswith("CGO_ENABLED=")]
        assert len(cgo) == 1, b["env"]
        for t in b["targets"]:
            assert t not in got, f"{t} built twice"
            got[t] = cgo[0]
    want = {}
    for r in res.targets:
        goos, goarch = r.target.split("/")[:2]
        var = level_var(goarch)
        # The level goreleaser names is the one the go command recorded in the artifact.
        level = r.artifact.settings.get(var, "") if var else ""
        want[f"{goos}_{goarch}" + (f"_{level}" if level else "")] = r.cgo
    assert got == want


def test_config_passes_xbuilds_flags_and_go(script, setup_run, go_new):
    s, res = setup_run
    conf = yaml.safe_load(s.config.read_text())
    for b in conf["builds"]:
        assert b["flags"] == ["-trimpath"]
        assert b["ldflags"] == [script.LDFLAGS] == [res.flags["ldflags"]]
        assert Path(b["tool"]).resolve() == go_new.go.resolve()
        assert b["main"] == "."
        assert b["binary"] == res.name
    assert res.flags["trimpath"] == "true"
    # The xbuild command the script times asks for the same build.
    assert s.xbuild[s.xbuild.index("--ldflags") + 1] == script.LDFLAGS
    assert "--first-class" in s.xbuild and "--trimpath" in s.xbuild


def test_arguments_are_checked(script, tmp_path):
    with pytest.raises(SystemExit):
        script.parse_args(["--rounds", "0"])
    with pytest.raises(SystemExit):
        script.parse_args(["--module", str(tmp_path)])  # no go.mod there
    (tmp_path / "go.mod").write_text("module example.com/m\n")
    assert script.parse_args(["--module", str(tmp_path)]).module == tmp_path


def test_like_for_like_check_reads_what_xbuild_built(script, setup_run):
    """The script stops unless goreleaser's artifacts match xbuild's; the reader it uses
    must see every xbuild target with its CGO_ENABLED and -trimpath, and nothing else
    (SHA256SUMS, manifest.json)."""
    s, res = setup_run
    got = script.build_settings(s.config.parent / "xb")
    want = {tuple(t.target.split("/")[:2]): (t.artifact.settings["CGO_ENABLED"],
                                             t.artifact.settings.get("-trimpath"))
            for t in res.targets}
    assert len(want) == 8 and got == want
    assert all(trim == "true" for _, trim in got.values())


def test_goreleaser_is_found_where_goarchlab_keeps_its_tools(script, tmp_path):
    """A pinned goreleaser already in GOARCHLAB_HOME/tools (beside apidiff) is used, not
    built again (minutes) into the cache."""
    env = {"GOARCHLAB_HOME": str(tmp_path)}
    assert script.default_cache(env) == tmp_path / "cache" / "bench-tools"
    exe = tmp_path / "tools" / f"goreleaser@{script.VERSIONS[0]}" / "goreleaser"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"")
    assert script.default_cache(env) == tmp_path / "tools"
