"""bench --emit github-actions: actionlint accepts the workflow for several command
lines; every goarchlab command in it parses with goarchlab's own parser; each leg
runs the user's command (Go versions made exact) and nothing of its output options;
the report job's --fail-on-regression follows the flag; bench merge --report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from workflow_check import command_lines, lint, load, parse, steps

from goarchlab import proc
from goarchlab.cli import build_parser

# Destinations that do not travel to the legs (output, report and workflow options).
NOT_CARRIED = {"emit", "output", "goarchlab_spec", "report", "json", "benchfmt", "markdown",
               "fail_on_regression", "handler", "_prog"}

COMMANDS = [
    ["--go", "1.27"],
    ["cpu", "alloc", "--go", "1.27", "--vs", "go1.22", "-n", "3", "--benchtime", "10x",
     "--fail-on-regression", "--report", "r.html", "--json"],
    ["./internal/x", "--go", "go1.27.3", "--bench", "Parse", "--vs", "GOGC=50+1.22",
     "--vs=ldflags=-s -w", "--warmup", "2", "--timeout", "30", "--markdown"],
]


@pytest.fixture()
def benv(go_env, session_home, tmp_path):
    """go1.22.10 and go1.27.3 installed in GOARCHLAB_HOME; the index unreachable (the
    versions must resolve from what is installed)."""
    return {**go_env, "GOARCHLAB_HOME": str(session_home),
            "GOARCHLAB_GO_MIRROR": "http://127.0.0.1:9/dl/", "GOARCHLAB_PYPI_URL":
            "http://127.0.0.1:9"}


def emit(cwd: Path, env, *words, rc=0):
    r = proc.run([sys.executable, "-m", "goarchlab", "bench", *words, "--emit",
                  "github-actions"], env=env, timeout=120, cwd=cwd)
    assert r.returncode == rc, r.stderr
    assert "Traceback" not in r.stderr
    return r


def leg_and_merge(doc):
    runs = {job_id: [w for _, _, s in steps({"jobs": {job_id: job}})
                     for w in command_lines(s.get("run", ""))]
            for job_id, job in doc["jobs"].items()}
    [leg] = [w for w in runs["bench"] if w[1] == "bench"]
    [merge] = [w for w in runs["report"] if w[1:3] == ["bench", "merge"]]
    installs = [w[3] for w in runs["bench"] if w[1:3] == ["toolchain", "install"]]
    return leg, merge, installs


@pytest.mark.parametrize("words", COMMANDS, ids=["go-only", "suites-vs-fail", "package-flags"])
def test_actionlint_accepts_it_and_every_command_parses(words, tmp_path, benv, go_old,
                                                        go_new, actionlint):
    wf = tmp_path / "bench.yml"
    wf.write_text(emit(tmp_path, benv, *words).stdout)
    lint(actionlint, wf, benv)
    doc = load(wf.read_text())
    values = {"RESULT": "bench-linux-amd64.json", "GOARCHLAB_SPEC": "x"}
    for _, _, step in steps(doc):
        for cmd in command_lines(step.get("run", "")):
            parse(cmd, values)  # a usage error raises
    leg, merge, installs = leg_and_merge(doc)
    user = vars(build_parser().parse_args(["bench", *words]))
    ran = vars(parse(leg, values))
    assert ran["json"] and not ran["emit"] and ran["report"] is None
    # The leg runs the user's command, Go versions exact, output options dropped.
    want = {k: v for k, v in user.items() if k not in NOT_CARRIED}
    want["go"] = "go1.27.3"
    want["vs"] = [v.replace("go1.22", "go1.22.10").replace("+1.22", "+go1.22.10")
                  for v in user["vs"]]
    assert {k: v for k, v in ran.items() if k not in NOT_CARRIED} == want
    assert set(installs) == {"1.27.3"} | ({"1.22.10"} if user["vs"] else set())
    # The merge job: Markdown to the summary, the HTML report, and the regression gate
    # exactly when the user asked for it.
    m = vars(parse(merge, values))
    assert m["markdown"] and m["report"] == "bench-report.html"
    assert m["fail_on_regression"] is ("--fail-on-regression" in words)


def test_three_legs_with_their_translators(tmp_path, benv, go_new):
    doc = load(emit(tmp_path, benv, "--go", "1.27").stdout)
    legs = doc["jobs"]["bench"]["strategy"]["matrix"]["include"]
    assert {(x["leg"], x["runner"]) for x in legs} == {
        ("macos-arm64", "macos-15"), ("linux-arm64", "ubuntu-24.04-arm"),
        ("linux-amd64", "ubuntu-24.04")}
    by_name = {s.get("name"): s for _, _, s in steps(doc)}
    assert by_name["Install Rosetta 2"]["if"] == "runner.os == 'macOS'"
    assert "softwareupdate --install-rosetta --agree-to-license" in by_name[
        "Install Rosetta 2"]["run"]
    qemu = by_name["Install QEMU user-mode emulation"]
    assert qemu["if"] == "runner.os == 'Linux'" and "qemu-user qemu-user-binfmt" in qemu["run"]
    uploads = [s["with"]["name"] for _, _, s in steps(doc)
               if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads == ["bench-${{ matrix.leg }}", "bench-report"]
    assert "vars.GOARCHLAB_SPEC" in doc["env"]["GOARCHLAB_SPEC"]


def test_output_file_and_spec(tmp_path, benv, go_new):
    r = emit(tmp_path, benv, "--go", "1.27", "-o", "wf.yml", "--goarchlab-spec",
             "git+https://github.com/example/goarchlab@v0.1.0")
    assert r.stdout == "" and "wrote wf.yml" in r.stderr
    doc = load((tmp_path / "wf.yml").read_text())
    assert "'git+https://github.com/example/goarchlab@v0.1.0'" in doc["env"]["GOARCHLAB_SPEC"]
    r = emit(tmp_path, benv, "--go", "1.27", "-o", "no/such/dir/wf.yml", rc=2)
    assert "does not exist" in r.stderr


def test_without_go_the_pin_is_installed(tmp_path, benv, go_new):
    r = emit(tmp_path, benv, rc=2)
    assert "nothing here pins one" in r.stderr and r.stdout == ""
    (tmp_path / ".go-version").write_text("1.27\n")
    leg, _, installs = leg_and_merge(load(emit(tmp_path, benv).stdout))
    assert "--go" not in leg and installs == ["1.27.3"]


def test_merge_writes_the_html_report(tmp_path, benv):
    from test_store import make_run

    from goarchlab.bench import store

    files = []
    for i, host in enumerate(("mac-m3", "ci-arm64")):
        rec = make_run(f"run-{i}")
        rec = type(rec)(**{**rec.__dict__, "hostname": host})
        f = tmp_path / f"{host}.json"
        f.write_text(json.dumps(store.export_run(rec)))
        files.append(str(f))
    r = proc.run([sys.executable, "-m", "goarchlab", "bench", "merge", *files, "--markdown",
                  "--report", "merged.html"], env=benv, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "merged.html").read_text()
    assert "mac-m3:native" in html and "ci-arm64:qemu-arm64" in html
    assert "mac-m3:native" in r.stdout  # the Markdown, for $GITHUB_STEP_SUMMARY
    r = proc.run([sys.executable, "-m", "goarchlab", "bench", "merge", *files, "--report",
                  "missing/merged.html"], env=benv, timeout=120, cwd=tmp_path)
    assert r.returncode == 2 and "does not exist" in r.stderr
