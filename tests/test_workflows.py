"""The project's own workflows (.github/workflows): actionlint accepts them, each
runs the whole suite through .ci/run on the three platforms, and the macOS job
is where the tests marked ``macos`` run."""

from __future__ import annotations

import os
from pathlib import Path

from workflow_check import lint, load, steps

from goarchlab import ghactions

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_actionlint_accepts_every_workflow(actionlint):
    assert WORKFLOWS, "no workflow in .github/workflows"
    for wf in WORKFLOWS:
        lint(actionlint, wf, {"PATH": os.environ["PATH"], "HOME": str(ROOT)})


def test_ci_runs_the_suite_on_linux_amd64_linux_arm64_and_apple_silicon():
    doc = load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    runners = []
    for job in doc["jobs"].values():
        labels = job.get("strategy", {}).get("matrix", {}).get("runner") or [job["runs-on"]]
        runs = [s.get("run", "") for s in job["steps"]]
        assert "bash .ci/run" in runs, job
        runners += labels
    assert sorted(runners) == sorted([ghactions.LINUX_AMD64, ghactions.LINUX_ARM64,
                                      ghactions.MACOS_ARM64])
    # Same action majors as the workflows goarchlab writes.
    used = {s["uses"] for _, _, s in steps(doc) if "uses" in s}
    assert used <= {ghactions.CHECKOUT, ghactions.SETUP_PYTHON}
    # Rosetta is there before the macos tests need it.
    mac = doc["jobs"]["macos"]["steps"]
    names = [s.get("run", "") for s in mac]
    rosetta = next(i for i, r in enumerate(names) if "--install-rosetta" in r)
    assert rosetta < names.index("bash .ci/run")


def test_macos_marker_is_declared_and_skips_only_off_a_mac(pytestconfig):
    assert any(m.startswith("macos:") for m in pytestconfig.getini("markers"))
    src = (ROOT / "tests" / "host" / "test_macos_real.py").read_text()
    assert "pytestmark = pytest.mark.macos" in src
