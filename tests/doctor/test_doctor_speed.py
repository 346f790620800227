"""doctor's start-up budget (issue 16): what ``doctor --json`` imports (the quick ELF
read, tests/binary/test_binary_elfquick.py, keeps pyelftools off its path), and the
per-check timing under ``-v``."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from doctor_cli import doctor, use_env

from goarchlab import shimid
from goarchlab.doctor import context
from goarchlab.toolchains import hostplat, shims
from goarchlab.toolchains.store import Store

SRC = Path(__file__).resolve().parents[2] / "src"


def test_shim_marks_match_the_shim_module(tmp_path) -> None:
    # What goarchlab.shimid looks for (doctor asks it of every go, without importing the
    # toolchains package) is what the shims are built and written with.
    gomod = (SRC / "goarchlab" / "toolchains" / "shim" / "go.mod").read_text()
    assert gomod.splitlines()[0] == f"module {shimid.MODULE}"
    store = Store(tmp_path / "home", hostplat.native())
    shims._write_scripts(store, ["/opt/goarchlab"])
    assert all(shimid.is_shim(store.shims / t) for t in shims.TOOLS)
    other = tmp_path / "go"
    other.write_text('#!/bin/sh\nexec /usr/lib/go/bin/go "$@"\n')
    assert not shimid.is_shim(other)


def test_godebug_table_ref_matches_the_parser_module() -> None:
    # checks_godebug spells it out so that gocmd.godebugs loads only when GODEBUG is set.
    from goarchlab.doctor import checks_godebug
    from goarchlab.gocmd import godebugs

    assert checks_godebug.REF_TABLE == godebugs.TABLE_REF


def test_doctor_json_imports_no_heavy_module(go_env, tmp_path) -> None:
    """pyelftools (with pdb and DWARF), rich, and concurrent.futures/logging cost doctor
    --json more than any check; none is needed to read a go binary or print JSON. Nor
    is hashlib (OpenSSL, ~3.5 ms), which only targets' exec wrappers use."""
    probe = ("import sys\nfrom goarchlab.cli import main\ncode = main(['doctor', '--json'])\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('elftools', 'rich', 'concurrent', 'logging', 'pdb', 'hashlib', '_hashlib'))\n"
             "print(repr(heavy), file=sys.stderr)\n")
    env = {**go_env, "PYTHONPATH": str(SRC), "GOARCHLAB_HOME": str(tmp_path / "gh")}
    r = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    assert json.loads(r.stdout)["schema"] == "goarchlab.doctor/v1"
    assert r.stderr.strip().splitlines()[-1] == "[]"


def test_verbose_prints_each_check_and_shared_fact_timing_to_stderr(
        go_env, monkeypatch, tmp_path, capsys) -> None:
    use_env(monkeypatch, {**go_env, "GOARCHLAB_HOME": str(tmp_path / "gh")})
    monkeypatch.chdir(tmp_path)
    from goarchlab.cli import main

    code = main(["-v", "doctor", "--json"])
    cap = capsys.readouterr()
    report = json.loads(cap.out)  # stdout stays one JSON document
    assert report["exit_code"] == code
    assert "timing" not in report
    lines = cap.err.splitlines()
    head = lines.index(next(x for x in lines if x.startswith("doctor timing")))
    table = lines[head:]
    rows = [x.split(None, 3) for x in table[2:] if x[:9].strip().replace(".", "").isdigit()]
    checks = {r[3] for r in rows if r[2] == "check"}
    assert checks == set(report["checks"])
    facts = {r[3] for r in rows if r[2] == "fact"}
    assert {"host", "go_env", "active_go"} <= facts
    assert any(r[2] == "phase" and r[3] == "import the check modules" for r in rows)
    assert all(float(r[1]) >= 0 for r in rows)
    assert table[-1].lstrip().startswith("total ")


def test_no_timing_without_verbose(go_env, monkeypatch, tmp_path, capsys) -> None:
    use_env(monkeypatch, {**go_env, "GOARCHLAB_HOME": str(tmp_path / "gh")})
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys)
    assert "doctor timing" not in r.err


def _ran_go_help(ctx: context.Context) -> bool:
    return any(t.label.startswith("run go help") for t in ctx.timings)


def test_go_help_is_cached_per_binary_and_invalidated_when_it_changes(go_new, tmp_path) -> None:
    from goarchlab.doctor import gohelp

    go = tmp_path / "bin" / "go"
    go.parent.mkdir()
    shutil.copy2(go_new.go, go)
    env = {"GOARCHLAB_HOME": str(tmp_path / "home"), "HOME": str(tmp_path),
           "PATH": os.environ["PATH"], "GOROOT": str(go_new.goroot)}

    def ask() -> tuple[str | None, bool]:
        ctx = context.Context(env, tmp_path)
        return gohelp.help_text(ctx, go, "build"), _ran_go_help(ctx)

    first, ran = ask()
    assert ran and first is not None and "\t-gcflags" in first
    again, ran = ask()
    assert (again, ran) == (first, False)  # from the cache, no go process
    entries = list((tmp_path / "home" / "cache" / "doctor").iterdir())
    assert len(entries) == 1
    # Another binary at that key (a stale entry naming another path) is not trusted.
    entries[0].write_text("/elsewhere/go\nforged text")
    forged, ran = ask()
    assert (forged, ran) == (first, True)
    # The toolchain changed (reinstalled, upgraded): the binary's mtime moves.
    st = go.stat()
    os.utime(go, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    _, ran = ask()
    assert ran
    assert len(list((tmp_path / "home" / "cache" / "doctor").iterdir())) == 2


def test_go_help_without_a_writable_home_still_answers(go_new, tmp_path) -> None:
    from goarchlab.doctor import gohelp

    blocker = tmp_path / "home"
    blocker.write_text("a file where GOARCHLAB_HOME should be a directory")
    ctx = context.Context({"GOARCHLAB_HOME": str(blocker), "PATH": os.environ["PATH"]},
                          tmp_path)
    text = gohelp.help_text(ctx, go_new.go, "build")
    assert text is not None and "\t-gcflags" in text


def test_doctor_json_makes_no_dataclass_it_does_not_use(go_env, tmp_path) -> None:
    """Each frozen dataclass costs ~0.8 ms of CPU to create on Python 3.11 (six generated
    methods, each compiled by exec). Those that only --list-checks (CheckList), --fix
    (AppliedFix), a set GODEBUG (Known) or -v's timing table (Timing) use are not
    created by a plain ``doctor --json``; they still exist for those paths."""
    probe = ("import dataclasses, sys\nfrom goarchlab.cli import main\n"
             "code = main(['doctor', '--json'])\n"
             "made = sorted(n for m, mod in list(sys.modules.items()) if m.startswith('goarchlab')"
             " for n, v in vars(mod).items() if isinstance(v, type) and v.__module__ == m"
             " and dataclasses.is_dataclass(v))\n"
             "print(repr(made), file=sys.stderr)\n")
    env = {**go_env, "PYTHONPATH": str(SRC), "GOARCHLAB_HOME": str(tmp_path / "gh")}
    env.pop("GODEBUG", None)
    r = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    made = set(ast.literal_eval(r.stderr.strip().splitlines()[-1]))
    assert "Finding" in made and "DoctorReport" in made  # the probe sees the used ones
    assert made.isdisjoint({"CheckList", "AppliedFix", "Known", "Timing"})


def test_the_lazily_made_dataclasses_still_serve_their_paths() -> None:
    from goarchlab.doctor import runner
    from goarchlab.doctor.fixes import AppliedFix
    from goarchlab.doctor.report import DoctorReport

    listed = runner.list_checks()
    assert type(listed).__name__ == "CheckList" and len(listed.checks) == 23
    assert listed.to_json()["checks"][0].keys() == {"id", "area", "summary"}
    assert AppliedFix("go-env-unset", ("GOFLAGS",), True, "go env -u GOFLAGS") == AppliedFix(
        "go-env-unset", ("GOFLAGS",), True, "go env -u GOFLAGS")
    assert "fixes_applied" in DoctorReport.__dataclass_fields__


def test_an_ordinary_goflags_does_not_load_shlex(go_env, tmp_path) -> None:
    """shlex (~0.4 ms of CPU) reads only a GOFLAGS whose quoting broke it; a plain one
    such as -buildvcs=false (common in go env files) is judged without it."""
    probe = ("import sys\nfrom goarchlab.cli import main\ncode = main(['doctor', '--json'])\n"
             "print('shlex' in sys.modules, file=sys.stderr)\n")
    env = {**go_env, "PYTHONPATH": str(SRC), "GOARCHLAB_HOME": str(tmp_path / "gh"),
           "GOFLAGS": "-buildvcs=false"}
    r = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    assert "goenv.goflags" in json.loads(r.stdout)["checks"]
    assert r.stderr.strip().splitlines()[-1] == "False"
