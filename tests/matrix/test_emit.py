"""--emit github-actions: checked by a real actionlint, parsed as YAML, and every
goarchlab command line in it parsed by goarchlab's own parser."""

from __future__ import annotations

import sys

from workflow_check import command_lines, lint, load, parse, steps

from goarchlab import ghactions, proc
from goarchlab.matrix.emit import assign

TARGETS = "linux/amd64,linux/arm64,darwin/arm64,windows/amd64,linux/riscv64"


def _emit(tmp_path, menv, *extra, go="1.22,1.27"):
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--go", go, "--targets",
                  TARGETS, "--emit", "github-actions", *extra, "--", "-run", "Test", "./..."],
                 env=menv, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    wf = tmp_path / "matrix.yml"
    wf.write_text(r.stdout)
    return wf


def test_workflow_passes_actionlint(tmp_path, menv, actionlint):
    wf = _emit(tmp_path, menv, "--goarchlab-spec", "git+https://github.com/example/goarchlab@v0.1.0")
    lint(actionlint, wf, menv)
    doc = load(wf.read_text())
    assert "git+https://github.com/example/goarchlab@v0.1.0" in doc["env"]["GOARCHLAB_SPEC"]
    text = wf.read_text()
    assert "goarchlab matrix --merge results/*.json" in text
    # The check can fail: the same file with an unknown runner label is rejected.
    broken = tmp_path / "broken.yml"
    broken.write_text(text.replace("ubuntu-24.04-arm\n", "ubuntu-24.04-armv9\n"))
    r = proc.run([str(actionlint), "-no-color", str(broken)], env=menv, timeout=60)
    assert r.returncode == 1 and "ubuntu-24.04-armv9" in r.stdout


def test_actions_are_the_node24_majors(tmp_path, menv):
    """No action of the Node 20 generation (checkout@v4, setup-python@v5, *-artifact@v4)."""
    doc = load(_emit(tmp_path, menv).read_text())
    used = {s["uses"] for _, _, s in steps(doc) if "uses" in s}
    assert used == {"actions/checkout@v6", "actions/setup-python@v6",
                    "actions/upload-artifact@v7", "actions/download-artifact@v8"}


def test_each_target_goes_to_a_runner_that_executes_it():
    groups = assign(TARGETS.split(","))
    assert groups == {
        "ubuntu-24.04": ["linux/amd64", "windows/amd64", "linux/riscv64"],
        "ubuntu-24.04-arm": ["linux/arm64"],
        "macos-15": ["darwin/arm64"],
    }


def test_go_series_are_resolved_to_exact_releases(tmp_path, menv, go_old, go_new):
    """--go 1.22,1.27 must not reach the runners as series: each would take the
    newest 1.22.x of the day. Here they are the installed go1.22.10 and go1.27.3."""
    doc = load(_emit(tmp_path, menv).read_text())
    [job] = [j for j in doc["jobs"].values() if "strategy" in j]
    gos = set()
    installs = []
    for _, _, step in steps({"jobs": {"m": job}}):
        for words in command_lines(step.get("run", "")):
            if words[1] == "matrix" and "--go" in words:
                gos.add(words[words.index("--go") + 1])
            if words[1:3] == ["toolchain", "install"]:
                installs.append(words[3])
    assert gos == {"go1.22.10,go1.27.3"}
    assert installs == ["1.22.10", "1.27.3"]


def test_a_series_nothing_can_resolve_is_one_line(tmp_path, menv):
    """1.24 is not installed and the index is unreachable: exit 3, no workflow."""
    env = {**menv, "GOARCHLAB_GO_MIRROR": "http://127.0.0.1:9/dl/",
           "GOARCHLAB_PYPI_URL": "http://127.0.0.1:9"}
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--go", "1.24", "--targets",
                  "linux/amd64", "--emit", "github-actions"], env=env, timeout=120, cwd=tmp_path)
    assert r.returncode == 3 and r.stdout == ""
    assert "cannot resolve Go 1.24 to a release" in r.stderr and "Traceback" not in r.stderr


def test_every_goarchlab_command_parses(tmp_path, menv):
    doc = load(_emit(tmp_path, menv).read_text())
    seen = 0
    for _, job, step in steps(doc):
        include = job.get("strategy", {}).get("matrix", {}).get("include", [{}])
        values = {"TARGETS": include[0].get("targets", ""), "RESULT": "r.json",
                  ghactions.SPEC_VAR: "x"}
        for words in command_lines(step.get("run", "")):
            args = parse(words, values)
            seen += 1
            if words[1] == "matrix" and "--targets" in words:
                assert args.json and args.targets == "linux/amd64,windows/amd64,linux/riscv64"
                assert args.gotest_args == ["-run", "Test", "./..."]
    assert seen >= 6  # 2 installs, run, job summary, 2 merges
