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
    assert f["title"] == f"'1.22.x' (asked by {proj / '.go-version'}:1) is not a Go version"
    assert f["fix"] is None
    assert sorted(p.name for p in (shim_home / "toolchains").iterdir()) == [
        "go1.22.10", "go1.27.3"]


def test_shell_goroot_is_judged_through_the_shim(shim_home, go_env, go_old, go_new,
                                                  monkeypatch, tmp_path, capsys) -> None:
    """The shim sets GOROOT to the toolchain it runs (shim/main.go: setenv(env, "GOROOT",
    goroot, true)), so a shell GOROOT pointing at another tree breaks nothing that goes
    through the shim: doctor must not report a broken toolchain, and go env must be the
    shim's."""
    proj = tmp_path / "g"
    proj.mkdir()
    (proj / ".go-version").write_text(f"{str(go_new.version).removeprefix('go')}\n")
    env = {**_shim_env(go_env, shim_home), "GOROOT": str(go_old.goroot)}
    # What really happens: the shim's go builds with its own root.
    r0 = proc.run([str(shim_home / "shims" / "go"), "env", "GOROOT"], env=env, cwd=proj,
                  timeout=60)
    assert r0.ok and Path(r0.stdout.strip()).resolve() == go_new.goroot.resolve(), r0
    use_env(monkeypatch, env)
    monkeypatch.chdir(proj)
    r = doctor(capsys)
    assert r.errors() == [] and r.code == 0
    f = r.one("goroot.env", "info")
    assert "overridden by the goarchlab shim" in f["title"]
    assert str(go_new.version) in r.one("goenv.go-env")["title"]


def test_gotoolchain_is_local_through_the_shim(shim_home, go_env, go_new, monkeypatch,
                                               tmp_path, capsys) -> None:
    """The official toolchain's go.env says GOTOOLCHAIN=auto, but the shim sets
    GOTOOLCHAIN=local when the shell leaves it unset: doctor says so, and never
    promises a download."""
    proj = tmp_path / "t"
    proj.mkdir()
    env = _shim_env(go_env, shim_home)
    env.pop("GOTOOLCHAIN", None)
    r0 = proc.run([str(shim_home / "shims" / "go"), "env", "GOTOOLCHAIN"], env=env, cwd=proj,
                  timeout=60)
    assert r0.ok and r0.stdout.strip() == "local", r0
    use_env(monkeypatch, env)
    monkeypatch.chdir(proj)
    r = doctor(capsys, "--only", "goenv.toolchain")
    f = r.one("goenv.toolchain", "ok")
    assert f["title"] == "GOTOOLCHAIN=local"
    assert "goarchlab shim" in f["detail"] and "download" not in f["detail"]


def test_toolchain_line_naming_no_known_release(shim_home, go_env, monkeypatch, tmp_path,
                                                capsys) -> None:
    """go.mod 'toolchain go1.99.1': the shim runs the toolchain line's version, which is no
    release goarchlab knows (newer by far than every one here), so every go command
    through the shim stops when goarchlab tries to install it. An error, with the fix
    on the offending line; no promise that anything gets installed."""
    proj = tmp_path / "tl"
    proj.mkdir()
    (proj / "go.mod").write_text("module m\n\ngo 1.22\n\ntoolchain go1.99.1\n")
    use_env(monkeypatch, _shim_env(go_env, shim_home))
    monkeypatch.chdir(proj)
    r = doctor(capsys)
    assert r.code == 1
    f = r.one("toolchains.unknown-release", "error")
    assert "go1.99.1" in f["title"] and "not a known Go release" in f["title"]
    assert "go mod edit -toolchain=none" in f["fix"]["text"]
    assert "-go=" not in f["fix"]["text"]
    assert not any("installs it" in x["detail"] for x in r.report["findings"])
    assert sorted(p.name for p in (shim_home / "toolchains").iterdir()) == [
        "go1.22.10", "go1.27.3"]
