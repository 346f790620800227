"""``goarchlab doctor`` on go env settings, each checked against the real go command.

The go env file is written by the real ``go env -w`` in a temporary HOME, and
``--fix --yes`` must leave that file without the override afterwards.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from doctor_cli import doctor, use_env

from goarchlab import proc


def _go(go_new, env, *args: str, cwd: Path | None = None) -> proc.Completed:
    return proc.run([str(go_new.go), *args], env=env, timeout=300, cwd=cwd)


def _envfile(env: dict[str, str]) -> Path:
    return Path(env["XDG_CONFIG_HOME"]) / "go" / "env"


def test_go_env_w_goarch_found_and_fixed(go_env, go_new, monkeypatch, tmp_path,
                                         capsys) -> None:
    assert _go(go_new, go_env, "env", "-w", "GOARCH=arm64").ok
    assert "GOARCH=arm64" in _envfile(go_env).read_text()
    use_env(monkeypatch, go_env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.goarch")
    f = r.one("goenv.goarch-override", "warn")
    assert f["title"].startswith("GOARCH=arm64 makes every build target linux/arm64")
    assert f"set with 'go env -w' (in {_envfile(go_env)})" in f["detail"]
    assert "run them translated under qemu-aarch64 (binfmt)" in f["detail"]
    assert f["fix"] == {"text": "go env -u GOARCH", "action": "go-env-unset",
                        "args": ["GOARCH"]}

    # Without a terminal, --fix refuses to act unasked and changes nothing.
    r = doctor(capsys, "--only", "goenv.goarch", "--fix")
    assert r.code == 2 and "--fix --yes" in r.err
    assert "GOARCH=arm64" in _envfile(go_env).read_text()

    r = doctor(capsys, "--only", "goenv.goarch", "--fix", "--yes")
    assert r.code == 0
    assert r.report["fixes_applied"] == [{"action": "go-env-unset", "args": ["GOARCH"],
                                          "ok": True, "message": "go env -u GOARCH"}]
    assert "GOARCH" not in _envfile(go_env).read_text()
    assert _go(go_new, go_env, "env", "GOARCH").stdout.strip() == go_new.goarch
    assert r.one("goenv.goarch")["severity"] == "ok"


def test_shell_goarch_masks_file(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    assert _go(go_new, go_env, "env", "-w", "GOARCH=arm64").ok
    use_env(monkeypatch, {**go_env, "GOARCH": "arm64"})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.goarch")
    f = r.one("goenv.goarch-override")
    assert "set in the shell environment" in f["detail"]
    assert "go env file's value applies whenever the shell's is unset" in f["detail"]
    assert f["fix"]["action"] == "go-env-unset"
    assert "unset GOARCH in your shell profile" in f["fix"]["text"]


def test_unknown_goarch_is_an_error(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    env = {**go_env, "GOARCH": "sparc"}
    real = _go(go_new, env, "env", "-json")
    assert not real.ok and "unsupported GOOS/GOARCH pair" in real.stderr
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys)
    assert r.code == 1
    f = r.one("goenv.goarch-unknown", "error")
    assert f["title"] == f"GOARCH=sparc is not a GOARCH that {go_new.version} knows"
    assert "amd64" in f["detail"] and "arm64" in f["detail"]
    # go env fails as well: reported once, by goenv.go-env, naming the checks it stopped.
    f = r.one("goenv.go-env", "error")
    assert "unsupported GOOS/GOARCH pair" in f["title"]
    assert "cgo.enabled" in f["detail"]


def test_godebug_keys_against_the_toolchain(go_env, go_new, monkeypatch, tmp_path,
                                            capsys) -> None:
    use_env(monkeypatch, {**go_env, "GODEBUG": "mmap=1,http2client=0"})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.godebug")
    assert r.code == 0
    f = r.one("goenv.godebug-unknown", "warn")
    assert f["title"] == f"mmap is not a GODEBUG setting of {go_new.version}"
    assert "M3 memory-mapping" in f["detail"]  # the guide's claim, named as such
    assert f["fix"]["text"] == "set GODEBUG=http2client=0 in your shell profile"
    assert f["fix"]["action"] is None  # go env -w refuses GODEBUG
    ok = r.one("goenv.godebug", "ok")
    assert "http2client=0" in ok["title"] and "net/http" in ok["detail"]
    refused = _go(go_new, go_env, "env", "-w", "GODEBUG=http2client=0")
    assert not refused.ok and "only be set using the OS environment" in refused.stderr


def _fatal_godebug(godebug: str, go_says: str, finding: str, go_env, go_new, monkeypatch,
                   tmp_path, capsys):
    """Check that the real go refuses to start with GODEBUG=``godebug`` (its stderr
    holds ``go_says``), then that doctor reports it as error ``finding``; returns
    doctor's result and that finding."""
    env = {**go_env, "GODEBUG": godebug}
    real = _go(go_new, env, "version")
    assert real.returncode != 0 and go_says in real.stderr
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.godebug")
    assert r.code == 1
    return r, r.one(finding, "error")


def test_godebug_removed_old_value_is_fatal(go_env, go_new, monkeypatch, tmp_path,
                                            capsys) -> None:
    _, f = _fatal_godebug("x509sha1=1", 'removed GODEBUG "x509sha1"', "goenv.godebug-removed",
                       go_env, go_new, monkeypatch, tmp_path, capsys)
    assert "removed in Go 1.24" in f["title"]


def test_godebug_removed_lists_with_and_without_old(go_new, tmp_path) -> None:
    """The real go1.27.3 Removed list (Old predicates) and the earlier shape without Old
    (go1.24..go1.26: ``{Name: "x509sha1", Removed: 24}``), where no value is fatal."""
    from goarchlab.doctor.godebug_sources import parse_known

    real = parse_known(go_new.goroot / "src", "amd64").removed
    assert real["x509sha1"] == (24, ("1",)) and real["tlskyber"] == (24, ("0",))
    assert real["asynctimerchan"] == (27, ("1", "2"))
    table = tmp_path / "internal" / "godebugs" / "table.go"
    table.parent.mkdir(parents=True)
    table.write_text('var All = []Info{\n\t{Name: "http2client", Package: "net/http"},\n}\n\n'
                     'var Removed = []RemovedInfo{\n\t{Name: "x509sha1", Removed: 24},\n}\n')
    old = parse_known(tmp_path, "amd64")
    assert old.removed == {"x509sha1": (24, ())}
    assert old.documented == {"http2client": "net/http"}


def test_godebug_cpu_options_are_the_target_arch_own(go_new) -> None:
    """internal/cpu options per GOARCH: cpu_arm.go's for arm (not cpu_arm64.go's), and
    cpu_mips64x.go's msa only for mips64/mips64le."""
    from goarchlab.doctor.godebug_sources import parse_known

    src = go_new.goroot / "src"
    cpu = {a: parse_known(src, a).cpu for a in ("arm", "arm64", "mips", "mips64", "amd64")}
    assert "vfpv4" in cpu["arm"] and "aes" not in cpu["arm"]
    assert "aes" in cpu["arm64"] and "vfpv4" not in cpu["arm64"]
    assert "msa" in cpu["mips64"] and "msa" not in cpu["mips"]
    assert {"avx2", "all"} <= cpu["amd64"]


def test_godebug_runtime_value_that_throws(go_env, go_new, monkeypatch, tmp_path,
                                           capsys) -> None:
    """cgocheck=2 is a known runtime variable whose value parsedebugvars throws on."""
    r, f = _fatal_godebug("cgocheck=2,gctrace=0", "cgocheck > 1 mode is no longer supported",
                       "goenv.godebug-fatal", go_env, go_new, monkeypatch, tmp_path, capsys)
    assert "cgocheck > 1 mode is no longer supported" in f["detail"]
    assert f["fix"]["text"] == "set GODEBUG=gctrace=0 in your shell profile"
    assert "cgocheck" not in r.one("goenv.godebug", "ok")["title"]


def test_godebug_on_older_toolchain(go_env, go_old, monkeypatch, tmp_path, capsys) -> None:
    env = {**go_env, "PATH": os.pathsep.join([str(go_old.goroot / "bin"), os.environ["PATH"]]),
           "GODEBUG": "mmap=1,gctrace=0,tlssecpmlkem=0"}
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.godebug")
    unknown = {f["title"] for f in r.findings("goenv.godebug-unknown")}
    # tlssecpmlkem arrived after 1.22: the verdict follows the toolchain at hand.
    assert unknown == {f"mmap is not a GODEBUG setting of {go_old.version}",
                       f"tlssecpmlkem is not a GODEBUG setting of {go_old.version}"}


def test_goflags_gcflags_claim(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    env = {**go_env, "GOFLAGS": "-gcflags='-l -m' -modcacherw"}
    real = _go(go_new, env, "list", "-m", cwd=tmp_path)
    assert not real.ok and "parsing $GOFLAGS" in real.stderr
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.goflags")
    assert r.code == 1
    assert len([f for f in r.errors() if "quote inside" in f["title"]]) == 2
    claim = r.one("goenv.goflags-gcflags", "warn")
    assert "does not vectorise" in claim["title"]
    assert "-l disables inlining" in claim["detail"]


def test_goflags_m_is_go_lists_own_flag(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    """GOFLAGS='-gcflags=-l -m': -m is an entry of its own. Some go command knows -m, so
    no 'unknown flag' error ever appears (InitGOFLAGS checks hasFlag(Go, name)); builds
    ignore it, but go list takes it as its own -m, and 'go list .' fails: doctor says
    that, in one finding, with a fix of its own."""
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (tmp_path / "m.go").write_text("package m\n")
    env = {**go_env, "GOFLAGS": "-gcflags=-l -m"}
    assert _go(go_new, env, "build", "./...", cwd=tmp_path).ok
    real = _go(go_new, env, "list", ".", cwd=tmp_path)
    assert not real.ok and "cannot use relative path . to specify module" in real.stderr
    assert "unknown flag" not in real.stderr
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.goflags")
    assert r.code == 1
    assert not any("unknown flag" in f["detail"] for f in r.findings())
    (f,) = r.findings("goenv.goflags")
    assert f["severity"] == "error" and "go list" in f["title"]
    assert "cannot use relative path . to specify module" in f["detail"]
    assert "inlining" in f["detail"] and "gopls" in f["detail"]
    assert "-m" in f["fix"]["text"] and f["fix"]["text"] != "unset GOFLAGS in your shell profile"


def test_goflags_quote_inside_a_known_flag_is_kept_not_rejected(go_env, go_new, monkeypatch,
                                                               tmp_path, capsys) -> None:
    """go accepts -tags='a' (quoted.Split leaves the quotes in the value): a warning, not
    the error every go command would stop on."""
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    env = {**go_env, "GOFLAGS": "-tags='a' -modcacherw"}
    real = _go(go_new, env, "list", "-m", cwd=tmp_path)
    assert real.ok, real.stderr
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.goflags")
    assert r.code == 0 and not r.errors()
    f = r.one("goenv.goflags", "warn")
    assert "quote inside" in f["title"] and "accepts it" in f["detail"]


def test_goflags_empty_entry(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    """GOFLAGS='' stops go commands on a non-flag "" and makes go env panic."""
    env = {**go_env, "GOFLAGS": "'' -modcacherw"}
    assert 'non-flag ""' in _go(go_new, env, "version").stderr
    assert "slice bounds out of range" in _go(go_new, env, "env", "GOFLAGS").stderr
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.goflags")
    (f,) = r.errors()
    assert "empty entry" in f["title"] and "go env itself crashes" in f["title"]


def test_goflags_file_fix_keeps_other_flags(go_env, go_new, monkeypatch, tmp_path,
                                            capsys) -> None:
    env = {k: v for k, v in go_env.items() if k != "GOFLAGS"}
    assert _go(go_new, env, "env", "-w", "GOFLAGS='-gcflags=-l -m' -modcacherw").ok
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.goflags", "--fix", "--yes")
    assert r.report["fixes_applied"][0]["ok"], r.report
    assert _go(go_new, env, "env", "GOFLAGS").stdout.strip() == "-modcacherw"
    assert r.one("goenv.goflags", "ok")


def test_gotoolchain_invalid(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    env = {**go_env, "GOTOOLCHAIN": "go1.27.3+bogus"}
    real = _go(go_new, env, "version")
    assert not real.ok and "only version suffixes are +auto and +path" in real.stderr
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.toolchain")
    f = r.one("goenv.toolchain", "error")
    assert "only version suffixes are +auto and +path" in f["detail"]


def test_gobin_not_on_path(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    use_env(monkeypatch, go_env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.paths")
    bindir = Path(go_env["GOPATH"]) / "bin"
    f = r.one("goenv.paths", "warn")
    assert f["title"] == f"{bindir} (GOPATH/bin) is not on PATH"
    use_env(monkeypatch, {**go_env, "PATH": os.pathsep.join([str(bindir), go_env["PATH"]])})
    r = doctor(capsys, "--only", "goenv.paths")
    assert r.one("goenv.paths", "ok")


def _path_without_cc(go_new, tmp_path: Path) -> str:
    """PATH with go and a shell, but no C compiler."""
    d = tmp_path / "bin-nocc"
    d.mkdir()
    for tool in ("sh",):
        os.symlink(shutil.which(tool), d / tool)
    return os.pathsep.join([str(go_new.goroot / "bin"), str(d)])


def test_cgo_default_without_compiler(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    env = {**go_env, "PATH": _path_without_cc(go_new, tmp_path)}
    assert _go(go_new, env, "env", "CGO_ENABLED").stdout.strip() == "0"
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "cgo")
    f = r.one("cgo.enabled", "info")
    assert "since Go 1.20 the go command then defaults CGO_ENABLED to 0" in f["detail"]
    use_env(monkeypatch, {**env, "CGO_ENABLED": "1"})
    r = doctor(capsys, "--only", "cgo")
    assert r.code == 1
    assert "is not on PATH" in r.one("cgo.enabled", "error")["title"]


def test_cgo_zero_with_compiler_states_the_default(go_env, go_new, monkeypatch, tmp_path,
                                                   capsys) -> None:
    if shutil.which("gcc", path=go_env["PATH"]) is None:
        pytest.fail("this test needs gcc on PATH (installed with build-essential)")
    assert _go(go_new, go_env, "env", "CGO_ENABLED").stdout.strip() == "1"
    use_env(monkeypatch, {**go_env, "CGO_ENABLED": "0"})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "cgo")
    f = r.one("cgo.enabled", "info")
    assert "The default here would be 1" in f["detail"]
    assert "only when the default C compiler" in f["detail"]


def _build_hello(go, env, tmp_path: Path) -> proc.Completed:
    d = tmp_path / "hello"
    d.mkdir(exist_ok=True)
    (d / "go.mod").write_text("module example.com/hello\n\ngo 1.22\n")
    (d / "main.go").write_text("package main\n\nfunc main() {}\n")
    return proc.run([str(go.go), "build", "-o", os.devnull, "."], env=env, cwd=d, timeout=300)


def test_goarm_with_arm64_new_toolchain(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    env = {**go_env, "GOARCH": "arm64", "GOARM": "8"}
    assert _build_hello(go_new, env, tmp_path).ok  # go1.27.3 ignores it
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.levels")
    f = r.one("goenv.levels", "warn")
    assert f["title"] == "GOARM=8 does nothing with GOARCH=arm64"
    assert "the arm64 variable is GOARM64" in f["detail"]
    assert "Guides claim 'GOARM=8 binds" in f["detail"]


def test_goarm_with_arm64_old_toolchain(go_env, go_old, monkeypatch, tmp_path, capsys) -> None:
    env = {**go_env, "PATH": os.pathsep.join([str(go_old.goroot / "bin"), os.environ["PATH"]]),
           "GOARCH": "arm64", "GOARM": "8"}
    built = _build_hello(go_old, env, tmp_path)
    assert not built.ok and "invalid GOARM" in built.stderr  # go1.22 stops on it
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.levels")
    assert r.code == 1
    f = r.one("goenv.levels", "error")
    assert f["title"] == f"GOARM=8 is invalid for {go_old.version}: every go command fails"


@pytest.mark.parametrize("old", [False, True])
def test_goamd64_v5(go_env, go_new, go_old, old, monkeypatch, tmp_path, capsys) -> None:
    if go_new.goarch != "amd64":
        pytest.fail("this test needs an amd64 host")
    tc = go_old if old else go_new
    env = {**go_env, "PATH": os.pathsep.join([str(tc.goroot / "bin"), os.environ["PATH"]]),
           "GOAMD64": "v5"}
    built = _build_hello(tc, env, tmp_path)
    assert built.ok is not old
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.levels")
    assert r.code == 1
    f = r.one("goenv.levels", "error")
    if old:
        assert f["title"] == f"GOAMD64=v5 is invalid for {tc.version}: every go command fails"
    else:
        assert "quietly builds for the default GOAMD64=v1" in f["title"]
    assert "v1 (default), v2, v3, v4" in f["detail"]


def test_fix_repairs_a_go_env_file_that_breaks_go(go_env, go_new, monkeypatch, tmp_path,
                                                  capsys) -> None:
    env = {k: v for k, v in go_env.items() if k != "GOTOOLCHAIN"}
    f = _envfile(env)
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text("GOARCH=sparc\nGOTOOLCHAIN=bogus\nGOPRIVATE=example.com/corp\n")
    assert not _go(go_new, env, "version").ok  # go itself refuses to start
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv", "--fix", "--yes")
    assert r.code == 0, r.report
    assert r.report["fixes_applied"][0]["message"] == "go env -u GOARCH GOTOOLCHAIN"
    assert f.read_text().strip() == "GOPRIVATE=example.com/corp"
    assert _go(go_new, env, "version").ok


def test_fail_on_warning_for_ci(go_env, go_new, monkeypatch, tmp_path, capsys) -> None:
    """--fail-on warning exits 1 on a warning (for CI); the default still exits 0."""
    use_env(monkeypatch, {**go_env, "GOARCH": "arm64"})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goenv.goarch")
    assert r.one("goenv.goarch-override", "warn") and r.code == 0
    r = doctor(capsys, "--only", "goenv.goarch", "--fail-on", "warning")
    assert r.code == 1 and r.report["exit_code"] == 1
    r = doctor(capsys, "--only", "goenv.goarch", "--fail-on", "error")
    assert r.code == 0
