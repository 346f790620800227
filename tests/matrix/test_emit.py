"""--emit github-actions: checked by a real actionlint and by goarchlab's own parser."""

from __future__ import annotations

import shlex
import sys

from goarchlab import proc
from goarchlab.cli import build_parser
from goarchlab.matrix.emit import assign

TARGETS = "linux/amd64,linux/arm64,darwin/arm64,windows/amd64,linux/riscv64"


def _emit(tmp_path, menv, *extra):
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--go", "1.22,1.27", "--targets",
                  TARGETS, "--emit", "github-actions", *extra, "--", "-run", "Test", "./..."],
                 env=menv, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    wf = tmp_path / "matrix.yml"
    wf.write_text(r.stdout)
    return wf


def test_workflow_passes_actionlint(tmp_path, menv, actionlint):
    wf = _emit(tmp_path, menv, "--goarchlab-spec", "git+https://github.com/example/goarchlab@v0.1.0")
    r = proc.run([str(actionlint), "-no-color", str(wf)], env=menv, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    text = wf.read_text()
    assert "python -m pip install git+https://github.com/example/goarchlab@v0.1.0" in text
    assert "goarchlab matrix --merge results/*.json" in text
    # The check can fail: the same file with an unknown runner label is rejected.
    broken = tmp_path / "broken.yml"
    broken.write_text(text.replace('"ubuntu-24.04-arm"', '"ubuntu-24.04-armv9"'))
    r = proc.run([str(actionlint), "-no-color", str(broken)], env=menv, timeout=60)
    assert r.returncode == 1 and "ubuntu-24.04-armv9" in r.stdout


def test_each_target_goes_to_a_runner_that_executes_it():
    groups = assign(TARGETS.split(","))
    assert groups == {
        "ubuntu-latest": ["linux/amd64", "windows/amd64", "linux/riscv64"],
        "ubuntu-24.04-arm": ["linux/arm64"],
        "macos-15": ["darwin/arm64"],
    }


def test_workflow_command_parses_with_goarchlab(tmp_path, menv):
    text = _emit(tmp_path, menv).read_text()
    line = next(ln.strip() for ln in text.splitlines()
                if ln.strip().startswith("goarchlab matrix --go"))
    cmd = line.split(" > ")[0].replace('"$TARGETS"', "linux/arm64")
    args = build_parser().parse_args(shlex.split(cmd)[1:])
    assert args.json and args.go == "1.22,1.27" and args.targets == "linux/arm64"
    assert args.gotest_args == ["-run", "Test", "./..."]
