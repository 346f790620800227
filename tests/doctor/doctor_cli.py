"""Run ``goarchlab doctor`` in-process with an exact environment and read its JSON."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from goarchlab.cli import main

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "doctor.schema.json").read_text())


@dataclass
class Run:
    """One doctor run: exit ``code``, parsed ``report`` (None for non-JSON runs), raw output."""

    code: int
    report: dict | None
    out: str
    err: str

    def findings(self, prefix: str = "") -> list[dict]:
        """Findings whose id starts with ``prefix``."""
        return [f for f in self.report["findings"] if f["id"].startswith(prefix)]

    def errors(self) -> list[dict]:
        """The error findings."""
        return [f for f in self.report["findings"] if f["severity"] == "error"]

    def one(self, id_: str, severity: str | None = None) -> dict:
        """The single finding with this exact id (and severity); fails the test otherwise."""
        got = [f for f in self.report["findings"] if f["id"] == id_
               and (severity is None or f["severity"] == severity)]
        assert len(got) == 1, (id_, severity, self.report["findings"])
        return got[0]


def use_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """Make os.environ exactly ``env`` (plus what Python itself needs) for one test."""
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")}
    for k in list(os.environ):
        monkeypatch.delenv(k)
    for k, v in {**keep, **env}.items():
        monkeypatch.setenv(k, v)


def doctor(capsys: pytest.CaptureFixture, *args: str, as_json: bool = True) -> Run:
    """Run ``goarchlab doctor ARGS`` through the CLI entry point (JSON unless told)."""
    argv = ["doctor", *args] + (["--json"] if as_json else [])
    code = main(argv)
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err, cap.err
    report = None
    if as_json and cap.out.strip():
        report = json.loads(cap.out)
        # A usage error or failure prints the goarchlab.error/v1 envelope (docs/json.md).
        if report.get("schema") != "goarchlab.error/v1":
            jsonschema.validate(report, SCHEMA)
        if report.get("schema") == "goarchlab.doctor/v1":
            assert report["exit_code"] == code or code == 3
    return Run(code, report, cap.out, cap.err)
