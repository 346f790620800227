"""Project checks against the real go command (go_new, 1.27.3) and real godotenv.

What the doctor predicts about the go command is checked against what the go
command then really does in the same directory.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import textwrap
from pathlib import Path

import pytest
from areas_support import apple_silicon_context, build_go, linux_context

from goarchlab import proc
from goarchlab.doctor import dotenv_lint, jsonc, toolchain_select
from goarchlab.doctor.checks_project import check_dotenv, check_gomod, check_version_pins
from goarchlab.doctor.checks_vscode import check_vscode
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Severity
from goarchlab.gocmd.version import GoVersion

GODOTENV = "github.com/joho/godotenv@v1.5.1"


def _project(tmp_path: Path, gomod: str, files: dict[str, str] | None = None) -> Path:
    p = tmp_path / "proj"
    p.mkdir()
    (p / "go.mod").write_text(textwrap.dedent(gomod).lstrip())
    for name, text in (files or {}).items():
        (p / name).parent.mkdir(parents=True, exist_ok=True)
        (p / name).write_text(text)
    return p


def _ctx(env: dict[str, str], project: Path) -> Context:
    return Context(env, project, project=project, timeout=60)


def _by_id(findings, prefix: str):
    return [f for f in findings if f.id.startswith(prefix)]


# --- go.mod parse ---------------------------------------------------------------


def test_invalid_gomod_quotes_go_errors(go_env, tmp_path):
    p = _project(tmp_path, """
        module example.com/x

        go 1.2x
        require foo
        """)
    fs = list(check_gomod(_ctx(go_env, p)))
    assert [f.id for f in fs] == ["project.gomod.parse"]
    f = fs[0]
    assert f.severity is Severity.ERROR
    # go's own words, with the line numbers it gives.
    assert "go.mod:3: invalid go version '1.2x'" in f.detail
    assert "go.mod:4: usage: require module/path v1.2.3" in f.detail
    assert f.fix is not None and "go.mod" in f.fix.text


def test_missing_gomod_in_project(go_env, tmp_path):
    p = tmp_path / "empty"
    p.mkdir()
    fs = list(check_gomod(_ctx(go_env, p)))
    assert [f.id for f in fs] == ["project.gomod.missing"]
    assert "go mod init" in fs[0].fix.text


# --- go line against GOTOOLCHAIN -------------------------------------------------


def test_go_line_too_new_with_gotoolchain_local_matches_real_go(go_env, tmp_path):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.99\n", {"main.go": "package main\n"})
    env = {**go_env, "GOTOOLCHAIN": "local"}
    (f,) = list(check_gomod(_ctx(env, p)))
    assert f.id == "project.toolchain.too-new" and f.severity is Severity.ERROR
    real = proc.run(["go", "build", "./..."], env=env, cwd=p, timeout=60)
    assert real.returncode != 0
    quoted = f.detail.split("fails with: ", 1)[1]
    assert quoted == real.stderr.strip().splitlines()[-1]
    assert quoted == "go: go.mod requires go >= 1.99 (running go 1.27.3; GOTOOLCHAIN=local)"


def test_effective_gotoolchain_is_what_go_env_says(go_env, tmp_path):
    """The GOTOOLCHAIN the project checks model, read from the shell, the go env file and
    $GOROOT/go.env without running go, is the one 'go env GOTOOLCHAIN' prints."""
    from goarchlab.doctor.localgo import local_go

    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n")
    base = {k: v for k, v in go_env.items() if k != "GOTOOLCHAIN"}
    for shell, file in (("go1.27.3+path", ""), ("", "path"), ("", "")):
        env = {**base, "GOTOOLCHAIN": shell} if shell else dict(base)
        if file:
            assert proc.run(["go", "env", "-w", f"GOTOOLCHAIN={file}"], env=env, cwd=p,
                            timeout=60).ok
        real = proc.run(["go", "env", "GOTOOLCHAIN"], env=env, cwd=p, timeout=60)
        assert real.ok, real.stderr
        assert local_go(_ctx(env, p)).gotoolchain == real.stdout.strip()
        if file:
            assert proc.run(["go", "env", "-u", "GOTOOLCHAIN"], env=env, cwd=p, timeout=60).ok


def test_go_line_too_new_with_gotoolchain_auto_names_the_download(go_env, tmp_path):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.99\n", {"main.go": "package main\n"})
    env = {k: v for k, v in go_env.items() if k != "GOTOOLCHAIN"}  # go.env default: auto
    ctx = _ctx(env, p)
    (f,) = list(check_gomod(ctx))
    # go1.99.0 is no known release: the download fails (an error, see below).
    assert f.id == "project.toolchain.switch" and f.severity is Severity.ERROR
    assert "toolchain not available" in f.detail
    assert "go runs go1.99.0, not the active go1.27.3" in f.title
    assert "GOTOOLCHAIN=auto" in f.detail
    assert "golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64" in f.detail or \
        "golang.org/toolchain@v0.0.1-go1.99.0.linux-arm64" in f.detail
    # doctor asked go with GOTOOLCHAIN=local only: nothing was downloaded.
    dl = Path(env["GOMODCACHE"]) / "cache" / "download" / "golang.org" / "toolchain"
    assert not any(dl.glob("*go1.99.0*")) if dl.exists() else True
    # The real go (offline) tries to download exactly the toolchain doctor named.
    real = proc.run(["go", "version"], env={**env, "GOPROXY": "off"}, cwd=p, timeout=60)
    assert real.returncode != 0
    assert "go: downloading go1.99.0 (" in real.stderr


def test_toolchain_line_of_no_release_fix_names_the_toolchain_line(go_env, tmp_path):
    """go.mod 'toolchain go1.99.1' under GOTOOLCHAIN=auto: go tries to download it and
    fails; the fix is on the toolchain line, not the go line."""
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n\ntoolchain go1.99.1\n",
                 {"x.go": "package x\n"})
    env = {**go_env, "GOTOOLCHAIN": "auto"}
    (f,) = list(check_gomod(_ctx(env, p)))
    assert f.id == "project.toolchain.switch" and f.severity is Severity.ERROR
    assert "go mod edit -toolchain=none" in f.fix.text and "-go=" not in f.fix.text
    real = proc.run(["go", "version"], env={**env, "GOPROXY": "off"}, cwd=p, timeout=60)
    assert real.returncode != 0 and "go: downloading go1.99.1 (" in real.stderr
    # Under GOTOOLCHAIN=local the go command ignores the toolchain line and builds.
    local = proc.run(["go", "build", "./..."], env={**env, "GOTOOLCHAIN": "local"}, cwd=p,
                     timeout=120)
    assert local.ok, local.stderr


def test_translated_go_downloads_its_own_arch(go_env, tmp_path, install_toolchain):
    """A go running under emulation downloads a toolchain of its own arch, not the host's."""
    ctx0 = linux_context(go_env, tmp_path)
    foreign = {"amd64": "arm64", "arm64": "amd64"}[ctx0.host.native_arch]
    t = ctx0.host.translator_for(foreign)
    if t is None or t.kind != "binfmt":
        pytest.skip(f"needs a binfmt_misc handler for {foreign} (.ci/run registers qemu-aarch64)")
    tc = install_toolchain("1.27.3", "linux", foreign)
    p = _project(tmp_path, "module example.com/x\n\ngo 1.99\n")
    env = {**go_env, "GOTOOLCHAIN": "auto",
           "PATH": f"{tc.goroot / 'bin'}{os.pathsep}{go_env['PATH']}"}
    (f,) = list(check_gomod(_ctx(env, p)))
    assert f.id == "project.toolchain.switch"
    assert f"golang.org/toolchain@v0.0.1-go1.99.0.linux-{foreign}" in f.detail
    assert f"That download is for {foreign}, the arch of the running go" in f.detail
    real = proc.run(["go", "version"], env={**env, "GOPROXY": "off"}, cwd=p, timeout=120)
    assert f"go: downloading go1.99.0 (linux/{foreign})" in real.stderr


def test_toolchain_line_runs_program_on_path(go_env, tmp_path):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n\ntoolchain go1.28.1\n")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "go1.28.1"
    fake.write_text("#!/bin/sh\necho fake toolchain go1.28.1 \"$@\"\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    env = {**go_env, "GOTOOLCHAIN": "auto",
           "PATH": go_env["PATH"] + os.pathsep + str(bindir)}
    (f,) = list(check_gomod(_ctx(env, p)))
    assert f.id == "project.toolchain.switch" and f.severity is Severity.INFO
    assert str(fake) in f.detail and "toolchain line go1.28.1" in f.detail
    real = proc.run(["go", "version"], env=env, cwd=p, timeout=60)
    assert real.stdout.startswith("fake toolchain go1.28.1 version")


def test_go_line_within_active_is_ok(go_env, tmp_path):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n")
    (f,) = list(check_gomod(_ctx({**go_env, "GOTOOLCHAIN": "auto"}, p)))
    assert f.id == "project.toolchain" and f.severity is Severity.OK
    assert "go1.27.3" in f.title


def test_gotoolchain_path_without_program_is_an_error(go_env, tmp_path):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.99\n")
    env = {**go_env, "GOTOOLCHAIN": "path"}
    (f,) = list(check_gomod(_ctx(env, p)))
    assert f.id == "project.toolchain.not-on-path"
    real = proc.run(["go", "version"], env=env, cwd=p, timeout=60)
    assert 'go: cannot find "go1.99.0" in PATH' in real.stderr
    assert 'go: cannot find "go1.99.0" in PATH' in f.detail


@pytest.mark.parametrize(("gotoolchain", "go_line", "tc_line", "want"), [
    ("local", "1.99", None, ("local", "1.99")),
    ("auto", "1.99", None, ("go1.99.0", None)),
    ("auto", "1.27", None, ("local", None)),
    ("auto", "1.27.5", None, ("go1.27.5", None)),
    ("auto", "1.22.1", "go1.28.1", ("go1.28.1", None)),
    ("auto", "1.22", "default", ("local", None)),
    ("go1.25.0", "1.26", None, ("go1.25.0", "1.26")),
    ("go1.25.0+auto", "1.26", None, ("go1.26.0", None)),
    ("auto", "1.28rc1", None, ("go1.28rc1", None)),
])
def test_select_follows_select_go(gotoolchain, go_line, tc_line, want):
    s = toolchain_select.select(gotoolchain, GoVersion.parse("1.27.3"), go_line, tc_line)
    assert (s.toolchain, s.too_new) == want


def test_select_rejects_what_go_rejects(go_env, tmp_path):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n")
    for bad in ("bash", "local+foo"):
        s = toolchain_select.select(bad, GoVersion.parse("1.27.3"), "1.22", None)
        real = proc.run(["go", "version"], env={**go_env, "GOTOOLCHAIN": bad}, cwd=p,
                        timeout=60)
        assert s.invalid is not None
        assert real.stderr.strip() == f"go: {s.invalid}"


# --- version pins ------------------------------------------------------------------


def test_go_version_file_mismatch_and_match(go_env, tmp_path):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n",
                 {".go-version": "1.22.1\n",
                  ".tool-versions": "nodejs 20.1.0\ngolang 1.27\n"})
    fs = list(check_version_pins(_ctx(go_env, p)))
    (bad,) = _by_id(fs, "project.version-pins.mismatch")
    assert bad.severity is Severity.WARN
    assert bad.title == ".go-version:1 pins Go 1.22.1 but the go on PATH is go1.27.3"
    (good,) = [f for f in fs if f.id == "project.version-pins"]
    assert good.title.startswith(".tool-versions:2 pins 1.27")


# --- .env ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def godotenv_reader(go_new, make_go_env, session_home):
    """A tiny Go program that loads a .env file with the real godotenv (pinned)."""
    src = session_home / "godotenv-reader"
    exe = src / "reader"
    if exe.exists():
        return exe
    src.mkdir(exist_ok=True)
    (src / "main.go").write_text(textwrap.dedent("""
        package main

        import (
        \t"fmt"
        \t"os"

        \t"github.com/joho/godotenv"
        )

        func main() {
        \tm, err := godotenv.Read(os.Args[1])
        \tif err != nil {
        \t\tfmt.Println("ERROR", err)
        \t\tos.Exit(1)
        \t}
        \tfmt.Println("OK", len(m), m["GREETING"])
        }
        """))
    (src / "go.mod").write_text("module reader\n\ngo 1.22\n")
    env = make_go_env(go_new, session_home)
    for argv in (["go", "get", GODOTENV], ["go", "build", "-o", str(exe), "."]):
        r = proc.run(argv, env=env, cwd=src, timeout=300)
        assert r.ok, r.stderr
    return exe


MALFORMED_ENV = "A=1\n# fine\nexport B=\"two words\"\nMY-KEY=3\nC=4\n"


def test_malformed_env_line_reported_like_godotenv(go_env, tmp_path, godotenv_reader):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n\nrequire "
                 "github.com/joho/godotenv v1.5.1\n", {".env": MALFORMED_ENV})
    fs = list(check_dotenv(_ctx(go_env, p)))
    (f,) = fs
    assert f.id == "project.dotenv.syntax"
    assert f.severity is Severity.ERROR  # the module uses godotenv
    assert f.title.startswith(f"{p / '.env'}:4: unexpected character '-'")
    real = proc.run([str(godotenv_reader), str(p / ".env")], env=go_env, timeout=30)
    assert real.stdout.startswith("ERROR unexpected character \"-\" in variable name")


def test_valid_env_with_expansion(go_env, tmp_path, godotenv_reader):
    text = 'NAME=world\nGREETING="hello ${NAME}"\nexport PATHX=${HOME}/bin # comment\n'
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n", {".env": text})
    fs = list(check_dotenv(_ctx(go_env, p)))
    assert [(f.id, f.severity) for f in fs] == [("project.dotenv", Severity.OK)]
    real = proc.run([str(godotenv_reader), str(p / ".env")], env=go_env, timeout=30)
    assert real.stdout.strip() == "OK 3 hello world"


@pytest.mark.parametrize(("text", "kinds"), [
    ("A=1\n", []),
    ("A=1\nB C\n", ["syntax"]),
    ("KEY: value\n", ["portability"]),
    ("BARE\nA=1\n", ["syntax"]),
    ("'Q'=1\n", ["syntax"]),
    ('A="unterminated\n', ["syntax"]),
    ("A=${NOPE_XYZ}\n", ["empty-expansion"]),
    ("A='${NOPE_XYZ}'\n", []),
])
def test_lint_agrees_with_godotenv(text, kinds, tmp_path, go_env, godotenv_reader):
    issues = dotenv_lint.lint(text, {"HOME": "/h"})
    assert [i.kind for i in issues] == kinds
    f = tmp_path / "x.env"
    f.write_text(text)
    real = proc.run([str(godotenv_reader), str(f)], env=go_env, timeout=30)
    godotenv_fails = real.stdout.startswith("ERROR")
    assert godotenv_fails == ("syntax" in kinds)


# --- jsonc -------------------------------------------------------------------------------


def test_jsonc_comments_and_trailing_commas():
    text = '{\n  // c\n  "a": [1, 2, ],\n  /* x */ "s": "http://x,}",\n}\n'
    assert jsonc.loads(text) == {"a": [1, 2], "s": "http://x,}"}
    assert json.loads(jsonc.blank("[1, /* two */ 2,]")) == [1, 2]


def test_jsonc_error_position():
    with pytest.raises(jsonc.JsoncError) as e:
        jsonc.loads('{\n  "a": 1 // one\n  "b": 2\n}\n')
    assert (e.value.line, e.value.col) == (3, 3)


# --- .vscode ------------------------------------------------------------------------------

FOREIGN = {"amd64": "arm64", "arm64": "amd64"}


@pytest.fixture(scope="session")
def foreign_dlv(go_new, go_caches, tmp_path_factory):
    """A dlv built for linux on the arch this machine is not."""
    ctx = linux_context({}, Path("."))
    arch = FOREIGN[ctx.host.native_arch]
    out = tmp_path_factory.mktemp("vscode") / "dlv"
    return build_go(go_new, "package main\n\nfunc main() {}\n", out, go_caches, "linux", arch)


def test_malformed_launch_json_has_line_and_column(go_env, tmp_path):
    launch = '{\n  // debug\n  "configurations": [\n    {"type": "go" "name": "x"}\n  ]\n}\n'
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n",
                 {".vscode/launch.json": launch})
    (f,) = list(check_vscode(linux_context(go_env, p, project=p)))
    assert f.id == "project.vscode.syntax" and f.severity is Severity.WARN
    assert f.title == f"{p / '.vscode' / 'launch.json'}:4:19: Expecting ',' delimiter"


@pytest.mark.parametrize(("value", "shown"), [
    ("5", "a number (5)"), ('{"type": "go"}', "an object"), ('"x"', "a string")])
def test_launch_json_whose_configurations_is_no_list_is_a_finding(go_env, tmp_path, value,
                                                                   shown):
    """Before: "configurations": 5 passed silently (VS Code then offers nothing)."""
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n",
                 {".vscode/launch.json": '{"configurations": ' + value + "}\n"})
    (f,) = list(check_vscode(linux_context(go_env, p, project=p)))
    assert (f.id, f.severity) == ("project.vscode.launch-invalid", Severity.WARN)
    assert f.title == f'{p / ".vscode" / "launch.json"}: "configurations" is {shown}, not a list'


def test_launch_json_forcing_foreign_goarch_and_dlv(go_env, tmp_path, foreign_dlv):
    ctx0 = linux_context(go_env, tmp_path)
    native, foreign = ctx0.host.native_arch, FOREIGN[ctx0.host.native_arch]
    launch = textwrap.dedent(f"""
        {{
          "version": "0.2.0",
          "configurations": [
            {{
              "name": "Launch Package",  // as the Go extension writes it
              "type": "go",
              "request": "launch",
              "program": "${{fileDirname}}",
              "env": {{"GOARCH": "{foreign}"}},
              "dlvToolPath": "${{workspaceFolder}}/bin/dlv",
            }},
            {{"name": "native", "type": "go", "env": {{"GOARCH": "{native}"}}}},
          ],
        }}
        """)
    settings = json.dumps({"go.toolsEnvVars": {"GOARCH": foreign},
                           "go.alternateTools": {"dlv": "dlv"}})
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n",
                 {".vscode/launch.json": launch, ".vscode/settings.json": settings})
    (p / "bin").mkdir()
    shutil.copy2(foreign_dlv, p / "bin" / "dlv")
    fs = list(check_vscode(linux_context(go_env, p, project=p)))
    ids = [f.id for f in fs]
    assert ids.count("project.vscode.goarch") == 2  # launch env + toolsEnvVars, not "native"
    goarch = fs[ids.index("project.vscode.goarch")]
    assert goarch.title.endswith(f"configuration 'Launch Package' sets GOARCH={foreign} for the "
                                 "debugged program")
    dlv = next(f for f in fs if f.id.startswith("project.vscode.tool-"))
    translator = ctx0.host.translator_for(foreign)
    if translator is not None and translator.kind in ("binfmt", "rosetta"):
        assert dlv.id == "project.vscode.tool-translated"
    else:
        assert dlv.id == "project.vscode.tool-cannot-run"
    assert dlv.severity is Severity.ERROR
    assert str(p / "bin" / "dlv") in dlv.detail


@pytest.mark.parametrize("where", ["linux", "apple-silicon"])
def test_vscode_goarch_fate_follows_the_host_rules(go_env, tmp_path, where):
    """The fate of a GOARCH in an env block is archfit's verdict: a 32-bit mode the CPU
    runs itself is native (386 on amd64 Linux), Rosetta 2 runs amd64 on an M1."""
    settings = {"go.toolsEnvVars": {"GOARCH": "PLACEHOLDER"}}
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n")
    (p / ".vscode").mkdir()
    make = linux_context if where == "linux" else apple_silicon_context
    host = make(go_env, p, project=p).host
    goarch = {"amd64": "386", "arm64": "amd64"}.get(host.native_arch, "s390x")
    settings["go.toolsEnvVars"]["GOARCH"] = goarch
    (p / ".vscode" / "settings.json").write_text(json.dumps(settings))
    f = next(f for f in check_vscode(make(go_env, p, project=p))
             if f.id == "project.vscode.goarch")
    if host.runs_natively(goarch):
        assert "so the program runs natively" in f.detail
    elif where == "apple-silicon":
        assert "so the program runs translated under Rosetta 2" in f.detail
    else:
        assert "so the program runs translated under" in f.detail or \
            "so the program cannot run here" in f.detail


@pytest.mark.parametrize(("name", "data"), [
    (".vscode/launch.json", b'{"configurations": 3}'),
    (".vscode/launch.json", b'[1, 2]'),
    (".vscode/settings.json", b'{"go.alternateTools": "dlv", "go.toolsEnvVars": []}'),
    (".env", b"A=\xff\xfe\n"),
])
def test_odd_project_files_give_findings_not_tracebacks(go_env, tmp_path, name, data):
    p = _project(tmp_path, "module example.com/x\n\ngo 1.22\n")
    (p / name).parent.mkdir(parents=True, exist_ok=True)
    (p / name).write_bytes(data)
    ctx = linux_context(go_env, p, project=p)
    fs = list(check_vscode(ctx)) + list(check_dotenv(ctx))
    assert all(f.severity.rank <= Severity.WARN.rank for f in fs)
    if name == ".env":
        assert [f.id for f in fs] == ["project.dotenv.unreadable"]
