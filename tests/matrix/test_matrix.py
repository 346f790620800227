"""The matrix on real toolchains (go_old, go_new), real qemu-user, real go test."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import jsonschema
import pytest

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.matrix.merge import load, merge
from goarchlab.matrix.model import Cell, MatrixReport
from goarchlab.matrix.run import first_failure


@pytest.fixture(scope="session")
def two_versions(archcheck, menv, go_old, go_new):
    """go1.22.10 and go1.27.3 x linux/amd64, linux/arm64, installed through toolchains.ensure."""
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--go", "1.22.10,1.27.3",
                  "--targets", "linux/amd64,linux/arm64", "--json", "--", "-run", ".", "./..."],
                 env=menv, timeout=900, cwd=archcheck)
    return r


def test_matrix_catches_the_arm64_only_failure_under_emulation(two_versions):
    r = two_versions
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    jsonschema.validate(data, json.loads(
        (Path(__file__).parents[2] / "docs" / "matrix.schema.json").read_text()))
    assert data["go_versions"] == ["go1.22.10", "go1.27.3"]
    assert data["test_args"] == ["-run", ".", "./..."]
    cells = {(c["go"], c["target"], c["step"]): c for c in data["cells"]}
    assert len(cells) == 12
    for go in ("go1.22.10", "go1.27.3"):
        for target in ("linux/amd64", "linux/arm64"):
            assert cells[(go, target, "build")]["status"] == "pass"
            assert cells[(go, target, "vet")]["status"] == "pass"
        amd = cells[(go, "linux/amd64", "test")]
        assert (amd["status"], amd["runner"]) == ("pass", "native")
        arm = cells[(go, "linux/arm64", "test")]
        assert arm["status"] == "fail"
        assert arm["detail"].startswith("TestNotArm64 (example.com/archcheck)")
        assert "running as arm64" in arm["detail"]
        # Translated: the kernel's binfmt handler or an explicit qemu-aarch64 -exec.
        assert arm["runner"] in ("qemu-aarch64 via binfmt", "qemu-aarch64")
        assert arm["time_s"] > 0


def test_foreign_os_is_built_and_vetted_only(archcheck, menv):
    base = [sys.executable, "-m", "goarchlab", "matrix", "--go", "1.27.3", "--targets",
            "windows/amd64"]
    r = proc.run([*base, "--csv"], env=menv, timeout=600, cwd=archcheck)
    assert r.returncode == 0, r.stderr  # a skip is not a failure
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["step"], x["status"]) for x in rows] == [
        ("build", "pass"), ("vet", "pass"), ("test", "skip")]
    assert rows[0]["go"] == "go1.27.3"
    assert "cannot run here" in rows[2]["detail"] and "windows/amd64" in rows[2]["detail"]
    md = proc.run([*base, "--markdown"], env=menv, timeout=600, cwd=archcheck)
    assert "| go1.27.3 | windows/amd64 | ✅ pass" in md.stdout and "⏭️ skip: cannot run" in md.stdout
    human = proc.run(base, env=menv, timeout=600, cwd=archcheck)
    assert "built and vetted only" in human.stdout


def test_vet_failure_and_build_failure_cells(tmp_path, menv):
    mod = tmp_path / "m"
    mod.mkdir()
    (mod / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (mod / "a.go").write_text('package m\n\nimport "fmt"\n\n'
                              'func F() string { return fmt.Sprintf("%d", "x") }\n')
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--json"], env=menv,
                 timeout=600, cwd=mod)
    assert r.returncode == 1
    cells = {c["step"]: c for c in json.loads(r.stdout)["cells"]}
    assert cells["build"]["status"] == "pass"
    assert cells["vet"]["status"] == "fail" and "a.go:5" in cells["vet"]["detail"]
    (mod / "a.go").write_text("package m\n\nfunc F() int { return undefinedName }\n")
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--json"], env=menv,
                 timeout=600, cwd=mod)
    cells = {c["step"]: c for c in json.loads(r.stdout)["cells"]}
    assert cells["build"]["status"] == "fail" and "undefined: undefinedName" in cells[
        "build"]["detail"]
    assert cells["test"] == {**cells["test"], "status": "skip", "detail": "build failed"}


def _res(host, cells):
    return MatrixReport((host,), ("go1.27.3",), ("linux/amd64", "linux/arm64"), ("./...",), (),
                        tuple(cells), 1.0)


def test_merge_prefers_real_runs_and_keeps_failures(tmp_path):
    c = lambda t, step, st, runner="", host="linux/amd64", d="": Cell(  # noqa: E731
        "go1.27.3", t, step, st, d, 1.0, runner, host)
    x86 = _res("linux/amd64", [c("linux/amd64", "test", "pass", "native"),
                               c("linux/arm64", "test", "skip", d="cannot run here"),
                               c("linux/arm64", "build", "pass")])
    arm = _res("linux/arm64", [c("linux/arm64", "test", "fail", "native", "linux/arm64", "TestX"),
                               c("linux/amd64", "test", "pass", "qemu-x86_64", "linux/arm64"),
                               c("linux/arm64", "build", "pass", host="linux/arm64")])
    m = merge([x86, arm])
    assert m.hosts == ("linux/amd64", "linux/arm64")
    assert m.cell("go1.27.3", "linux/arm64", "test").status == "fail"
    assert m.cell("go1.27.3", "linux/amd64", "test").runner == "native"
    assert not m.ok
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "goarchlab.xbuild/v1"}')
    with pytest.raises(GoarchlabError, match=r"not goarchlab\.matrix/v1"):
        load(bad)


def test_merge_cli_roundtrip(two_versions, tmp_path, menv):
    f = tmp_path / "a.json"
    f.write_text(two_versions.stdout)
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--merge", str(f), "--markdown"],
                 env=menv, timeout=60)
    assert r.returncode == 1
    assert "❌ **fail**: TestNotArm64" in r.stdout


def test_first_failure_names_the_subtest():
    events = "\n".join(json.dumps(e) for e in [
        {"Action": "run", "Package": "p", "Test": "TestA"},
        {"Action": "output", "Package": "p", "Test": "TestA/sub",
         "Output": "    a_test.go:7: boom\n"},
        {"Action": "fail", "Package": "p", "Test": "TestA/sub"},
        {"Action": "fail", "Package": "p", "Test": "TestA"},
    ])
    assert first_failure(events) == "TestA/sub (p): a_test.go:7: boom"
    assert first_failure('{"Action": "pass", "Package": "p"}') is None


def test_explicit_qemu_runner_goes_through_go_test_exec(archcheck, menv):
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--go", "1.27.3", "--targets",
                  "linux/arm64,linux/amd64", "--runner", "/usr/bin/qemu-aarch64", "--json", "--",
                  "-run", "TestWordBits", "."], env=menv, timeout=600, cwd=archcheck)
    assert r.returncode == 0, r.stdout + r.stderr
    tests = {c["target"]: c for c in json.loads(r.stdout)["cells"] if c["step"] == "test"}
    assert (tests["linux/arm64"]["status"], tests["linux/arm64"]["runner"]) == (
        "pass", "/usr/bin/qemu-aarch64")
    # The native target does not go through the emulator.
    assert (tests["linux/amd64"]["status"], tests["linux/amd64"]["runner"]) == ("pass", "native")


def test_unknown_target_is_a_usage_error(archcheck, menv):
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--go", "1.22.10,1.27.3",
                  "--targets", "linux/amd64,linux/amd46"], env=menv, timeout=120, cwd=archcheck)
    assert r.returncode == 2
    assert "no Go version of the matrix knows the target linux/amd46" in r.stderr
    assert "Traceback" not in r.stderr


def _tiny_matrix(tmp_path, menv, target: str) -> dict[tuple[str, str], dict]:
    """Cells (go, step) of ``matrix --go 1.22.10,1.27.3 --targets TARGET`` on a
    one-function module; the command must exit 0."""
    mod = tmp_path / "tiny"
    mod.mkdir()
    (mod / "go.mod").write_text("module example.com/tiny\n\ngo 1.22\n")
    (mod / "tiny.go").write_text("package tiny\n\n// One is 1.\nfunc One() int { return 1 }\n")
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--go", "1.22.10,1.27.3",
                  "--targets", target, "--json"], env=menv, timeout=600, cwd=mod)
    assert r.returncode == 0, r.stderr
    return {(c["go"], c["step"]): c for c in json.loads(r.stdout)["cells"]}


def test_port_known_to_one_version_only(tmp_path, menv):
    # openbsd/riscv64 is a port of go1.27.3 but not of go1.22.10 (go tool dist list).
    cells = _tiny_matrix(tmp_path, menv, "openbsd/riscv64")
    for step in ("build", "vet", "test"):
        old = cells[("go1.22.10", step)]
        assert old["status"] == "skip"
        assert old["detail"] == "go1.22.10 does not know the port openbsd/riscv64"
    assert cells[("go1.27.3", "build")]["status"] == "pass"
    assert cells[("go1.27.3", "vet")]["status"] == "pass"
    assert cells[("go1.27.3", "test")]["status"] == "skip"


def test_level_known_to_one_version_only(tmp_path, menv):
    # GOARM64 arrived in go1.23: go1.22.10 would ignore it and build plain arm64.
    cells = _tiny_matrix(tmp_path, menv, "linux/arm64/v8.0")
    for step in ("build", "vet", "test"):
        old = cells[("go1.22.10", step)]
        assert old["status"] == "skip" and "GOARM64 is not read by go1.22.10" in old["detail"]
    assert cells[("go1.27.3", "build")]["status"] == "pass"
    assert cells[("go1.27.3", "vet")]["status"] == "pass"
