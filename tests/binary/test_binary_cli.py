"""``goarchlab inspect`` end to end: exit codes, JSON against docs/inspect.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from goarchlab.cli import main

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "inspect.schema.json").read_text())


def test_json_output(builds, tmp_path, capsys):
    missing = tmp_path / "missing"
    code = main(
        ["inspect", "--json", str(builds["cgo"].path), str(builds["darwin"].path), str(missing)]
    )
    out = json.loads(capsys.readouterr().out)
    jsonschema.validate(out, SCHEMA)
    assert code == 3  # one file could not be read
    cgo, darwin, gone = out["files"]
    assert cgo["binary"]["format"] == "elf"
    s = cgo["binary"]["slices"][0]
    assert (s["goarch"], s["static"], s["go"]["settings"]["CGO_ENABLED"]) == ("amd64", False, "1")
    assert darwin["binary"]["slices"][0]["go"]["settings"]["GOOS"] == "darwin"
    assert gone["binary"] is None and "no such file" in gone["error"] and gone["hint"]


def test_json_of_toolchain_binaries(go_new, install_toolchain, capsys):
    win = install_toolchain("1.27.3", "windows", "amd64").goroot / "bin" / "gofmt.exe"
    assert main(["inspect", "--json", str(go_new.go), str(win), "/bin/ls"]) == 0
    out = json.loads(capsys.readouterr().out)
    jsonschema.validate(out, SCHEMA)
    assert [f["binary"]["format"] for f in out["files"]] == ["elf", "pe", "elf"]
    assert out["files"][2]["binary"]["slices"][0]["go"] is None


def test_human_output(builds, capsys):
    assert main(["inspect", str(builds["stripped"].path), "/bin/ls"]) == 0
    out = capsys.readouterr().out
    assert "ELF" in out and "go1.27.3" in out and "not Go" in out
    assert '-ldflags="-s -w"' in out  # quoted as go version -m shows it
    assert "example.com/hello/cmd/hello" in out


def test_human_error_and_usage(tmp_path, capsys):
    (tmp_path / "s.sh").write_text("#!/bin/bash\n")
    assert main(["inspect", str(tmp_path / "s.sh")]) == 3
    out = capsys.readouterr().out
    assert "error:" in out and "script" in out and "hint:" in out
    assert main(["inspect"]) == 2
