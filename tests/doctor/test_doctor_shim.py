"""doctor with goarchlab's go shim first on PATH (what ``shell-init`` sets up).

The shim is a real compiled Go program (the session's ``shim_home``); doctor must
judge the toolchain it runs in the audited directory, not the shim binary, and
agree with what the shim itself runs there.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor_cli import doctor, use_env

from goarchlab import proc


def _shim_env(go_env: dict[str, str], home: Path) -> dict[str, str]:
    return {**go_env, "GOARCHLAB_HOME": str(home),
            "PATH": os.pathsep.join([str(home / "shims"), os.environ["PATH"]])}


def test_doctor_judges_the_toolchain_the_shim_runs(shim_home, go_env, go_old, monkeypatch,
                                                   tmp_path, capsys) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / ".go-version").write_text("1.22.10\n")
    env = _shim_env(go_env, shim_home)
    # What the shim really runs here: go1.22.10, not the newest installed go1.27.3.
    r0 = proc.run([str(shim_home / "shims" / "go"), "version"], env=env, cwd=proj, timeout=60)
    assert r0.ok and r0.stdout.startswith(f"go version {go_old.version} "), r0
    use_env(monkeypatch, env)
    monkeypatch.chdir(proj)
    r = doctor(capsys)
    assert r.errors() == []
    tc_go = shim_home / "toolchains" / go_old.goroot.name / "bin" / "go"
    assert r.report["go"] == {"path": str(tc_go), "version": str(go_old.version),
                              "platform": go_old.platform, "runs": "native"}
    arch = r.one("path.go-arch", "ok")
    assert arch["title"] == f"{tc_go} runs natively ({go_old.platform})"
    assert arch["detail"].endswith(f"run by the goarchlab shim {shim_home / 'shims' / 'go'}")
    on_path = r.one("path.go", "ok")
    assert on_path["title"] == f"go on PATH: {shim_home / 'shims' / 'go'}"
    assert f"in {proj} it runs {tc_go} ({go_old.version}, chosen by " \
           f"{proj / '.go-version'}:1)" in on_path["detail"]
    # go env ran through the same toolchain.
    assert str(go_old.version) in r.one("goenv.go-env")["title"]


def test_shim_whose_toolchain_is_missing_is_not_run(shim_home, go_env, monkeypatch, tmp_path,
                                                    capsys) -> None:
    proj = tmp_path / "m"
    proj.mkdir()
    (proj / "go.mod").write_text("module m\n\ngo 1.40\n")
    use_env(monkeypatch, _shim_env(go_env, shim_home))
    monkeypatch.chdir(proj)
    r = doctor(capsys)
    f = r.one("path.go-arch", "info")
    assert f["title"] == (f"{shim_home / 'shims' / 'go'} is a goarchlab shim whose Go 1.40 "
                          "is not installed yet")
    assert r.report["go"] is None
    # doctor never runs the shim there (it would install go1.40): nothing was installed.
    assert sorted(p.name for p in (shim_home / "toolchains").iterdir()) == [
        "go1.22.10", "go1.27.3"]
    assert "goenv.go-env" in {s["id"] for s in r.report["skipped"]}


def test_version_file_that_is_not_a_go_version_is_named(shim_home, go_env, monkeypatch,
                                                        tmp_path, capsys) -> None:
    """A typo in .go-version: the shim and every command stop on it, so doctor says
    what is wrong instead of offering to install the latest Go."""
    proj = tmp_path / "typo"
    proj.mkdir()
    (proj / ".go-version").write_text("1.22.x\n")
    env = _shim_env(go_env, shim_home)
    use_env(monkeypatch, env)
    monkeypatch.chdir(proj)
    r = doctor(capsys)
    f = r.one("toolchains.invalid", "error")
    assert f["title"] == f"'1.22.x' asked by {proj / '.go-version'}:1 is not a Go version"
    assert f["fix"] is None
    assert sorted(p.name for p in (shim_home / "toolchains").iterdir()) == [
        "go1.22.10", "go1.27.3"]
