"""With --json, a failing command prints a goarchlab.error/v1 envelope on stdout
(docs/error.schema.json), usage errors included; the human error still goes to stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "error.schema.json")
                    .read_text())


@pytest.fixture()
def run(go_env, tmp_path):
    env = dict(go_env, GOARCHLAB_HOME=str(tmp_path / "gl-home"), COLUMNS="200")

    def go(cwd: Path, *args: str) -> subprocess.CompletedProcess:
        r = subprocess.run([sys.executable, "-m", "goarchlab", *args], cwd=cwd, env=env,
                           capture_output=True, text=True, timeout=600)
        assert "Traceback" not in r.stderr, r.stderr
        return r

    return go


def envelope(r: subprocess.CompletedProcess) -> dict:
    """The one JSON document on stdout, checked against the schema and the exit code."""
    assert r.stdout.strip(), f"nothing on stdout; stderr: {r.stderr}"
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert list(doc) == sorted(doc), "keys are not sorted"
    assert doc["exit_code"] == r.returncode
    # The human form still goes to stderr, with the same message.
    assert r.stderr.startswith("error: ")
    assert " ".join(doc["message"].split()) in " ".join(r.stderr.split())
    return doc


def _broken_module(d: Path) -> Path:
    d.mkdir()
    (d / "go.mod").write_text("module example.com/b\n\ngo 1.22\n\nrequire (\n")
    (d / "main.go").write_text("package main\n\nfunc main() {}\n")
    return d


@pytest.mark.parametrize(("argv", "command", "words"), [
    (["doctor", "--json", "--bogus"], "doctor", "unrecognized arguments: --bogus"),
    (["nope", "--json"], None, "invalid choice: 'nope'"),
    (["xbuild", "--json", "--jobs", "many"], "xbuild", "--jobs"),
    (["bench", "history", "extra", "--json"], "bench history", "extra"),
    (["bench", "compare", "onlyone", "--json"], "bench compare", "RUN_B"),
    (["bench", "--json", "history", "--limit", "x"], "bench history", "--limit"),
    (["toolchain", "which", "--json", "--bogus"], "toolchain which", "--bogus"),
])
def test_usage_errors_print_the_envelope(run, tmp_path, argv, command, words):
    r = run(tmp_path, *argv)
    assert r.returncode == 2
    doc = envelope(r)
    assert doc["command"] == command
    assert words in doc["message"]
    # The hint points at the help of the parser that knows the command's options.
    expected = f"see 'goarchlab {command} --help'" if command else "see 'goarchlab --help'"
    assert doc["hint"] == expected


def test_failed_operation_prints_the_envelope(run, tmp_path):
    mod = _broken_module(tmp_path / "b")
    r = run(mod, "xbuild", "--json", "--targets", "linux/amd64")
    assert r.returncode == 3
    doc = envelope(r)
    assert doc["command"] == "xbuild" and "go.mod" in doc["message"]


def test_deps_format_json_counts_as_json(run, tmp_path):
    r = run(tmp_path, "deps", "--format", "json")  # tmp_path is in no module
    assert r.returncode != 0
    doc = envelope(r)
    assert doc["command"] == "deps" and "not inside a Go module" in doc["message"]


def test_without_json_stdout_stays_empty(run, tmp_path):
    mod = _broken_module(tmp_path / "b")
    r = run(mod, "xbuild", "--targets", "linux/amd64")
    assert r.returncode == 3 and r.stdout == "" and r.stderr.startswith("error: ")
    r = run(tmp_path, "bench", "history", "extra")
    assert r.returncode == 2 and r.stdout == ""


def test_json_after_double_dash_is_not_a_request_for_json(run, tmp_path):
    # After '--' the words belong to go test; a failure is reported for humans only.
    r = run(tmp_path, "matrix", "--bogus", "--", "--json")
    assert r.returncode == 2 and r.stdout == ""
