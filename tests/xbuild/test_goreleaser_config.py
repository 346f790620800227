"""bench/xbuild_vs_goreleaser.py: its goreleaser config builds what xbuild builds.

The script's timing is not tested; its setup is: the generated .goreleaser.yaml
must name the same eight targets, levels, CGO_ENABLED values and flags as a real
``goarchlab xbuild --first-class`` of the same module records in its artifacts.
goreleaser itself is not built here (minutes of compiling, hundreds of modules):
the slow test runs it only when a cached binary exists.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from goarchlab import proc
from goarchlab.gocmd.levels import level_var
from goarchlab.xbuild import Options, run

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
    res = run(Options(first_class=True, out_dir=work / "xb", ldflags=script.LDFLAGS,
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


def _cached_goreleaser(script) -> Path | None:
    homes = [script.default_cache(dict(os.environ))]
    if os.environ.get("GOARCHLAB_TEST_HOME"):
        homes.append(Path(os.environ["GOARCHLAB_TEST_HOME"]) / "tools")
    for home in homes:
        for v in script.VERSIONS:
            exe = home / f"goreleaser@{v}" / "goreleaser"
            if exe.is_file():
                return exe
    return None


@pytest.mark.slow
def test_goreleaser_accepts_and_builds_the_config(script, setup_run, tmp_path):
    """With a cached goreleaser: 'goreleaser check' passes and its build records the
    same GOOS/GOARCH, CGO_ENABLED and -trimpath in each artifact as xbuild's."""
    exe = _cached_goreleaser(script)
    if exe is None:
        pytest.skip("no goreleaser in the cache (bench/xbuild_vs_goreleaser.py builds it)")
    s, res = setup_run
    r = proc.run([str(exe), "check", "--config", str(s.config)], env=s.env, timeout=120,
                 cwd=s.module)
    assert r.ok, r.stderr + r.stdout
    r = proc.run([str(exe), "build", "--snapshot", "--clean", "--config", str(s.config)],
                 env=s.env, timeout=600, cwd=s.module)
    assert r.ok, r.stderr + r.stdout
    from goarchlab.binary import inspect

    dist = Path(yaml.safe_load(s.config.read_text())["dist"])
    built = {}
    for f in dist.rglob(res.name + "*"):
        s = inspect(f).slices[0].go.settings
        built[(s["GOOS"], s["GOARCH"])] = (s["CGO_ENABLED"], s.get("-trimpath"))
    want = {tuple(t.target.split("/")[:2]): (t.artifact.settings["CGO_ENABLED"],
                                             t.artifact.settings.get("-trimpath"))
            for t in res.targets}
    shutil.rmtree(dist, ignore_errors=True)
    assert built == want
