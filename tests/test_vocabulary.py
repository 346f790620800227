"""One vocabulary (issue 14 item 2): one name per concept across src/goarchlab, the
shared outcome enums serialise to the strings the JSON schemas promise, and a runner
prints the same label wherever it is shown (matrix cells, bench variants)."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from pathlib import Path

import pytest

from goarchlab.host.model import Host, Translator
from goarchlab.outcome import RunnerKind, Severity, Status
from goarchlab.render import json_text, to_jsonable
from goarchlab.targets import RUNNER_KINDS, Runner, Target, runner_for

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "goarchlab"

#: Names the issue found defined twice with two meanings; each must now mean one thing.
ONCE = ("Check", "Context", "Options", "Artifact", "Sample", "ParseError")


def _classes() -> dict[str, list[str]]:
    where: dict[str, list[str]] = defaultdict(list)
    for f in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(), str(f))):
            if isinstance(node, ast.ClassDef):
                where[node.name].append(str(f.relative_to(SRC)))
    return where


@pytest.mark.parametrize("name", ONCE)
def test_each_name_is_defined_at_most_once(name):
    assert len(_classes().get(name, [])) <= 1, _classes()[name]


def test_commands_return_reports_not_results():
    # A type that carries a JSON schema is a command's result: none is called *Result
    # (the house word is *Report).
    for f in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(), str(f))):
            if isinstance(node, ast.ClassDef) and any(
                    "SCHEMA" in {getattr(t, "id", "") for t in (
                        s.targets if isinstance(s, ast.Assign) else [getattr(s, "target", None)])}
                    for s in node.body):
                assert not node.name.endswith("Result"), f"{f.relative_to(SRC)}: {node.name}"


def test_enum_values_are_the_json_strings():
    assert [s.value for s in Severity] == ["ok", "info", "warn", "error"]
    assert [s.value for s in Status] == ["pass", "fail", "skip"]
    assert tuple(k.value for k in RunnerKind) == RUNNER_KINDS == (
        "native", "rosetta", "qemu", "binfmt", "custom")
    assert to_jsonable({"s": Severity.WARN, "k": RunnerKind.CUSTOM}) == {"s": "warn", "k": "custom"}
    # A str-valued enum also survives json.dumps directly and compares equal to its text.
    assert json.dumps([Status.PASS]) == '["pass"]' and Status.SKIP == "skip"
    assert Severity.ERROR.rank == 3 and Severity.OK.rank == 0


def _arm_host(translators: tuple[Translator, ...]) -> Host:
    return Host("linux", "", "", "amd64", "amd64", False, "", 2, translators, ())


@pytest.mark.parametrize(("translator", "label"), [
    (Translator("binfmt", "arm64", (), "/usr/libexec/qemu-binfmt/aarch64-binfmt-P",
                "/proc/sys/fs/binfmt_misc/qemu-aarch64"), "qemu-aarch64 via binfmt"),
    (Translator("binfmt", "arm64", (), "/usr/bin/qemu-aarch64-static",
                "/proc/sys/fs/binfmt_misc/qemu-aarch64"), "qemu-aarch64-static via binfmt"),
    (Translator("qemu", "arm64", ("/usr/bin/qemu-aarch64",), "/usr/bin/qemu-aarch64",
                "PATH"), "qemu-aarch64"),
])
def test_runner_label_names_the_emulator(translator, label):
    r = runner_for(Target("linux", "arm64"), _arm_host((translator,)))
    assert r.translator == translator and r.label == label


def test_runner_labels_of_kinds_without_translator():
    t = Target("linux", "arm64")
    assert Runner(RunnerKind.NATIVE, (), t).label == "native"
    assert Runner(RunnerKind.CUSTOM, ("qemu-aarch64", "-cpu", "max"), t).label == \
        "qemu-aarch64 -cpu max"
    assert Runner(RunnerKind.BINFMT, (), t).label == "binfmt"


def test_bench_schema_and_model_say_custom():
    schema = (ROOT / "docs" / "bench-run.schema.json").read_text()
    assert "exec" not in json.loads(schema)["properties"]["variants"]["items"]["properties"][
        "runner_kind"]["description"].split()
    from goarchlab.bench import model
    assert "exec" not in model.RUNNER_KINDS and "custom" in model.RUNNER_KINDS


def test_matrix_cell_runner_is_the_runner_label():
    from goarchlab.matrix.model import Cell, MatrixReport
    r = MatrixReport(("linux/amd64",), ("go1.27.3",), ("linux/arm64",), ("./...",), (),
                     (Cell("go1.27.3", "linux/arm64", "test", Status.PASS, "", 1.0,
                           "qemu-aarch64 via binfmt", "linux/amd64"),), 1.0)
    doc = json.loads(json_text(r))
    assert doc["schema"] == "goarchlab.matrix/v2"
    assert doc["cells"][0]["status"] == "pass"
    assert doc["cells"][0]["runner"] == "qemu-aarch64 via binfmt"


def test_matrix_merge_still_reads_v1_files(tmp_path):
    from goarchlab.matrix.merge import load
    cell = {"go": "go1.27.3", "target": "linux/arm64", "step": "test", "status": "pass",
            "detail": "", "time_s": 1.0, "runner": "binfmt", "host": "linux/amd64"}
    doc = {"schema": "goarchlab.matrix/v1", "hosts": ["linux/amd64"], "go_versions": ["go1.27.3"],
           "targets": ["linux/arm64"], "packages": ["./..."], "test_args": [], "cells": [cell],
           "wall_s": 1.0}
    (tmp_path / "m.json").write_text(json.dumps(doc))
    r = load(tmp_path / "m.json")
    assert r.cells[0].status is Status.PASS and r.cells[0].runner == "binfmt" and r.ok
