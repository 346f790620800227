"""``goarchlab doctor`` on PATH and GOROOT setups built from real toolchains.

Each test gives doctor an exact environment (in-process CLI, JSON validated
against docs/doctor.schema.json) and checks the finding against what the real
binaries then do: the linux/arm64 go really runs under qemu-aarch64, the
darwin go really cannot be executed, the mismatched GOROOT really breaks a build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from doctor_cli import doctor, use_env

from goarchlab import proc
from goarchlab.errors import GoarchlabError


def _path(*dirs: Path | str) -> str:
    return os.pathsep.join([*map(str, dirs), os.environ["PATH"]])


def test_clean_env_has_no_errors(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    use_env(monkeypatch, go_env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys)
    assert r.code == 0, r.errors()
    assert r.errors() == []
    assert r.report["go"] == {"path": str(go_new.go), "version": str(go_new.version),
                              "platform": go_new.platform, "runs": "native"}
    arch = r.one("path.go-arch")
    assert arch["severity"] == "ok" and "runs natively" in arch["title"]
    env = r.one("goenv.go-env")
    assert str(go_new.version) in env["title"]
    assert r.report["skipped"] == []
    assert r.report["host"]["native_arch"] == go_new.goarch


def test_human_output_groups_by_area(go_env, monkeypatch, tmp_path, capsys) -> None:
    use_env(monkeypatch, {**go_env, "GOARCH": "sparc"})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, as_json=False)
    assert r.code == 1
    lines = r.out.splitlines()
    assert "goenv" in lines and "path" in lines
    assert lines.index("path") < lines.index("goenv")
    hit = [ln for ln in lines if "GOARCH=sparc" in ln]
    assert hit and hit[0].lstrip().startswith("✗"), hit
    assert any(ln.strip().startswith("fix: unset GOARCH") for ln in lines)
    assert "error" in lines[-1]


def test_arm64_go_runs_translated(install_toolchain, go_env, go_new, monkeypatch, tmp_path,
                                  capsys) -> None:
    arm = install_toolchain(str(go_new.version).removeprefix("go"), "linux", "arm64")
    if go_new.goarch == "arm64":
        pytest.fail("this test needs an amd64 host (the arm64 go must be foreign here)")
    env = {**go_env, "PATH": _path(arm.goroot / "bin")}
    # It really runs here, under the kernel's qemu-aarch64 binfmt handler.
    r0 = proc.run([str(arm.go), "version"], env=env, timeout=120)
    assert r0.ok and r0.stdout.strip().endswith("linux/arm64"), r0
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys)
    assert r.code == 1
    f = r.one("path.go-arch", "error")
    assert f["title"] == f"{arm.go} runs translated under qemu-aarch64 (binfmt)"
    assert "goarchlab toolchain install" in f["fix"]["text"]
    assert r.report["go"]["runs"] == "translated"
    # go env still answers (translated), so the env checks ran: builds default to arm64.
    assert r.one("goenv.goarch")["severity"] == "warn"
    assert "linux/arm64" in r.one("goenv.goarch")["title"]


def test_darwin_go_cannot_run_here_by_header(install_toolchain, go_env, go_new, monkeypatch,
                                             tmp_path, capsys) -> None:
    mac = install_toolchain(str(go_new.version).removeprefix("go"), "darwin", "arm64")
    # The kernel really refuses it.
    with pytest.raises(GoarchlabError, match="cannot be executed here"):
        proc.run([str(mac.go), "version"], env=go_env, timeout=30)
    use_env(monkeypatch, {**go_env, "PATH": _path(mac.goroot / "bin", go_new.goroot / "bin")})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys)
    assert r.code == 1
    f = r.one("path.go-arch", "error")
    assert "cannot run here: a darwin/arm64 binary" in f["title"]
    assert r.report["go"]["runs"] == "cannot-run"
    # The native go behind it is reported as shadowed, and nothing tried to run go env.
    shadow = [x for x in r.findings("path.go") if x["title"].startswith("shadowed:")]
    assert shadow and str(go_new.go) in shadow[0]["title"]
    assert shadow[0]["detail"].endswith("first on PATH it would run natively "
                                        f"({go_new.platform})")
    assert "goenv.go-env" in {s["id"] for s in r.report["skipped"]}


def test_goroot_of_another_version(go_env, go_new, go_old, monkeypatch, tmp_path,
                                   capsys) -> None:
    env = {**go_env, "GOROOT": str(go_old.goroot)}
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n")
    build = proc.run([str(go_new.go), "build", "-o", os.devnull, "."], env=env, cwd=tmp_path,
                     timeout=300)
    assert not build.ok and "does not match go tool version" in build.stderr
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goroot.env")
    assert r.code == 1
    f = r.one("goroot.env", "error")
    assert f"it holds {go_old.version} but the go on PATH is {go_new.version}" in f["detail"]
    assert "set in the shell environment" in f["detail"]


def test_goroot_same_toolchain_is_info(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    use_env(monkeypatch, {**go_env, "GOROOT": str(go_new.goroot)})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goroot.env")
    assert r.code == 0
    assert r.one("goroot.env")["severity"] == "info"


def test_directory_and_broken_symlink_on_path(go_env, go_new, monkeypatch, tmp_path,
                                              capsys) -> None:
    d1, d2 = tmp_path / "a", tmp_path / "b"
    (d1 / "go").mkdir(parents=True)
    d2.mkdir()
    (d2 / "go").symlink_to(tmp_path / "nowhere" / "go")
    use_env(monkeypatch, {**go_env, "PATH": _path(d1, d2, go_new.goroot / "bin")})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "path")
    assert r.code == 0
    titles = {f["title"]: f["severity"] for f in r.findings("path.go")}
    assert titles[f"{d1 / 'go'} on PATH is a directory, not a program"] == "info"
    assert titles[f"{d2 / 'go'} on PATH is a broken symbolic link"] == "warn"
    assert r.report["go"]["path"] == str(go_new.go)
    ok = r.one("path.go", "ok")
    assert ok["detail"].startswith(f"PATH order: 1. {d1 / 'go'} (a directory, not a program); "
                                   f"2. {d2 / 'go'} (a broken symbolic link); "
                                   f"3. {go_new.go} (wins)")


def _script(d: Path, body: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / "go"
    p.write_text("#!/bin/sh\n" + body + "\n")
    p.chmod(0o755)
    return p


def test_go_that_prints_garbage(go_env, monkeypatch, tmp_path, capsys) -> None:
    fake = _script(tmp_path / "fake", "echo 'definitely not go'")
    use_env(monkeypatch, {**go_env, "PATH": _path(fake.parent)})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys)
    assert r.code == 1
    f = r.one("path.go-arch", "error")
    assert f["title"] == f"{fake} is not a working go command"
    assert "definitely not go" in f["detail"]
    assert r.report["go"] == {"path": str(fake), "version": None, "platform": "?/?",
                              "runs": "unknown"}
    # The env checks that need a working go are skipped, not failed a second time.
    assert len(r.errors()) == 1


def test_go_that_hangs_times_out(go_env, monkeypatch, tmp_path, capsys) -> None:
    fake = _script(tmp_path / "slow", "sleep 60")
    use_env(monkeypatch, {**go_env, "PATH": _path(fake.parent)})
    monkeypatch.chdir(tmp_path)
    t0 = time.monotonic()
    r = doctor(capsys, "--timeout", "1")
    assert time.monotonic() - t0 < 15
    assert r.code == 1
    f = r.one("path.go-arch", "error")
    assert f["title"] == f"{fake} did not answer 'go version' within 1 s"


def test_no_go_at_all(go_env, monkeypatch, tmp_path, capsys) -> None:
    use_env(monkeypatch, {**go_env, "PATH": os.environ["PATH"]})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys)
    assert r.code == 1
    f = r.one("path.go", "error")
    assert f["title"] == "no usable go on PATH"
    assert "goarchlab toolchain install" in f["fix"]["text"]
    assert r.report["go"] is None
    # Human output too: one report, no traceback, exit 1.
    r2 = doctor(capsys, as_json=False)
    assert r2.code == 1 and "no usable go on PATH" in r2.out


def test_subprocess_json(go_env, go_new, tmp_path) -> None:
    env = {**go_env, "GODEBUG": "mmap=1"}
    r = subprocess.run([sys.executable, "-m", "goarchlab", "doctor", "--json"], env=env,
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in r.stderr, r.stderr
    import json

    import jsonschema
    from doctor_cli import SCHEMA

    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    assert r.returncode == data["exit_code"] == 0
    ids = {f["id"] for f in data["findings"]}
    assert "goenv.godebug-unknown" in ids


@pytest.mark.parametrize("goarch", ["amd64", "arm64"])
def test_darwin_go_on_recorded_apple_silicon(install_toolchain, go_new, goarch,
                                             tmp_path) -> None:
    """macOS is judged from recorded real outputs of an M1 (host layer's RecordedProbe);
    the go binaries are the real darwin toolchains, read by header only."""
    from goarchlab.doctor import runner
    from goarchlab.doctor.context import Context
    from goarchlab.host import RecordedProbe

    mac = install_toolchain(str(go_new.version).removeprefix("go"), "darwin", goarch)
    probe = RecordedProbe.from_file(Path(__file__).parent / "recorded" /
                                    "macos-apple-silicon.json")
    ctx = Context({"PATH": str(mac.goroot / "bin"), "HOME": str(tmp_path)}, tmp_path,
                  probe=probe)
    rep = runner.diagnose(ctx, ["path.go-arch"])
    (f,) = rep.findings
    if goarch == "amd64":
        assert f.severity.value == "error"
        assert f.title == f"{mac.go} runs translated under Rosetta 2"
        assert rep.go.runs == "translated"
    else:
        assert f.severity.value == "ok" and f.title == f"{mac.go} runs natively (darwin/arm64)"


def test_foreign_go_first_while_native_same_version_installed(install_toolchain, go_env, go_new,
                                                              shim_home, monkeypatch, tmp_path,
                                                              capsys) -> None:
    """The fix points at the native toolchain already installed, not at installing it."""
    arm = install_toolchain(str(go_new.version).removeprefix("go"), "linux", "arm64")
    if go_new.goarch == "arm64":
        pytest.fail("this test needs an amd64 host (the arm64 go must be foreign here)")
    env = {**go_env, "PATH": _path(arm.goroot / "bin"), "GOARCHLAB_HOME": str(shim_home)}
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "path")
    fix = r.one("path.go-arch", "error")["fix"]["text"]
    ver = str(go_new.version).removeprefix("go")
    assert "toolchain install" not in fix
    assert f"goarchlab toolchain use {ver}" in fix and "shell-init" in fix
