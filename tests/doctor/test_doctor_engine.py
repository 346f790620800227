"""The doctor engine: check selection, concurrency, failures as findings, fix planning."""

from __future__ import annotations

import contextlib
import os
import threading

import pytest
from doctor_cli import doctor, use_env

from goarchlab import proc
from goarchlab.doctor import fixes, runner
from goarchlab.doctor.checks_gopaths import QuoteError, split_quoted
from goarchlab.doctor.context import Context
from goarchlab.doctor.facts import env_file_path, parse_env_file
from goarchlab.doctor.model import CheckSkipped, CheckSpec, Finding, Fix, Severity
from goarchlab.errors import GoarchlabError, UsageError


def _spec(id_: str, fn) -> CheckSpec:
    return CheckSpec(id_, id_.split(".")[0], "test check", fn)


def test_failures_become_findings_and_shared_ones_are_reported_once(tmp_path) -> None:
    ctx = Context({}, tmp_path)
    shared = GoarchlabError("go env failed", "run go env by hand")

    def needs_env(ctx):
        raise shared

    def skipped(ctx):
        raise CheckSkipped("no go")

    def fine(ctx):
        yield Finding("goenv.fine", "goenv", Severity.OK, "fine")

    specs = [_spec("cgo.enabled", needs_env), _spec("goenv.go-env", needs_env),
             _spec("goenv.skip", skipped), _spec("goenv.fine", fine)]
    found, skip = runner.run_checks(ctx, specs)
    errors = [f for f in found if f.severity is Severity.ERROR]
    assert len(errors) == 1
    # The failure belongs to the goenv check (report order), naming the other one.
    assert errors[0].id == "goenv.go-env" and errors[0].detail == "also stopped: cgo.enabled"
    assert errors[0].fix == Fix("run go env by hand")
    assert [s.id for s in skip] == ["goenv.skip"]
    assert any(f.id == "goenv.fine" for f in found)


def test_a_bug_in_a_check_propagates(tmp_path) -> None:
    def broken(ctx):
        raise KeyError("bug")

    with pytest.raises(KeyError):
        runner.run_checks(Context({}, tmp_path), [_spec("goenv.broken", broken)])


def test_checks_run_concurrently(tmp_path) -> None:
    # Two checks that each wait for the other can only finish when run at the same time.
    barrier = threading.Barrier(2, timeout=10)

    def waits(ctx):
        barrier.wait()
        return []

    runner.run_checks(Context({}, tmp_path), [_spec("a.one", waits), _spec("a.two", waits)])


def test_checks_share_a_few_workers_that_still_overlap_their_waits(tmp_path) -> None:
    # 23 threads for 23 checks cost doctor --json CPU (thread starts, GIL hand-overs)
    # that 8 do not; 8 still overlap the subprocess waits that the shared facts do not
    # already cover (a slow go help, go list, a C compiler), as this barrier proves.
    barrier = threading.Barrier(8, timeout=10)
    names: set[str] = set()

    def waits(ctx):
        names.add(threading.current_thread().name)
        barrier.wait()
        return []

    specs = [_spec(f"a.c{i:02}", waits) for i in range(24)]
    runner.run_checks(Context({}, tmp_path), specs)
    assert len(names) == 8


def test_memo_computes_once_across_threads(tmp_path) -> None:
    ctx = Context({}, tmp_path)
    calls = []

    def compute():
        calls.append(1)
        return 42

    def check(ctx):
        assert ctx.memo("k", compute) == 42
        return []

    runner.run_checks(ctx, [_spec(f"a.c{i}", check) for i in range(8)])
    assert calls == [1]


def test_select_by_id_and_area_and_unknown() -> None:
    assert [c.id for c in runner.select(["goroot.env"])] == ["goroot.env"]
    ids = {c.id for c in runner.select(["path"])}
    assert {"path.go", "path.go-arch"} <= ids and all(i.startswith("path.") for i in ids)
    with pytest.raises(UsageError, match="unknown doctor check 'nope'"):
        runner.select(["nope"])


def test_every_check_module_loads() -> None:
    reg = runner.load_checks()
    for id_ in ("path.go", "path.go-arch", "goroot.env", "goenv.go-env", "goenv.goarch",
                "goenv.toolchain", "goenv.goflags", "goenv.paths", "goenv.proxy",
                "goenv.godebug", "cgo.enabled"):
        assert id_ in reg, id_


def test_cli_list_checks_and_usage_errors(go_env, monkeypatch, tmp_path, capsys) -> None:
    use_env(monkeypatch, go_env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--list-checks")
    assert r.code == 0 and r.report["schema"] == "goarchlab.doctor.checks/v1"
    assert {"path.go", "goenv.godebug"} <= {c["id"] for c in r.report["checks"]}
    r = doctor(capsys, "--only", "nope")
    assert r.code == 2 and "--list-checks" in r.err
    assert r.report["schema"] == "goarchlab.error/v1" and r.report["exit_code"] == 2
    r = doctor(capsys, "--yes")
    assert r.code == 2 and "--fix" in r.err
    r = doctor(capsys, "--project", str(tmp_path / "missing"))
    assert r.code == 2 and "no such directory" in " ".join(r.err.split())


def test_fix_plan_merges_and_prefers_writes() -> None:
    f = [Finding("a", "goenv", Severity.WARN, "t", fix=Fix("x", "go-env-unset", ("GOARCH",))),
         Finding("b", "goenv", Severity.WARN, "t", fix=Fix("x", "go-env-unset",
                                                              ("GOARM", "GOFLAGS"))),
         Finding("c", "goenv", Severity.WARN, "t", fix=Fix("x", "go-env-write",
                                                              ("GOFLAGS=-mod=mod",))),
         Finding("d", "goenv", Severity.WARN, "t", fix=Fix("only text"))]
    plan = fixes.plan(f)
    assert [p.command() for p in plan] == [("go", "env", "-u", "GOARCH", "GOARM"),
                                          ("go", "env", "-w", "GOFLAGS=-mod=mod")]
    assert plan[0].findings == ("a", "b")


def test_split_quoted_like_cmd_internal_quoted() -> None:
    assert split_quoted("-a  '-gcflags=-l -m' \"-x=y z\"") == ["-a", "-gcflags=-l -m", "-x=y z"]
    assert split_quoted("-gcflags='-l -m'") == ["-gcflags='-l", "-m'"]
    with pytest.raises(QuoteError):
        split_quoted("'-a")


def test_env_file_rules() -> None:
    text = "# comment\nGOARCH=arm64\nlower=x\nGOARCH=amd64\nNOEQUALS\n\nGOFLAGS=-a=b\n"
    assert parse_env_file(text) == {"GOARCH": "amd64", "GOFLAGS": "-a=b"}
    assert env_file_path({"GOENV": "off"}) is None
    assert str(env_file_path({"GOENV": "/x/env"})) == "/x/env"


def test_env_file_path_agrees_with_go_env(go_new, go_env, tmp_path) -> None:
    """Where the real go command says its env file is (``go env GOENV``), including a
    relative XDG_CONFIG_HOME, which makes go read no env file at all."""
    for xdg in (str(tmp_path / "cfg"), "", "relative/cfg"):
        env = {**go_env, "HOME": str(tmp_path), "XDG_CONFIG_HOME": xdg}
        env.pop("GOENV", None)
        r = proc.run([str(go_new.go), "env", "GOENV"], env=env, timeout=60)
        assert r.ok, r.stderr
        mine = env_file_path(env)
        assert (str(mine) if mine else "") == r.stdout.strip()


@pytest.mark.parametrize("recording", ["macos-m1-rosetta", "macos-m1-native"])
def test_translated_python_on_recorded_macs(recording, tmp_path) -> None:
    """Recorded real sysctl outputs of an M1 (tests/host/recorded, via RecordedProbe)."""
    from pathlib import Path

    from goarchlab.host import RecordedProbe

    probe = RecordedProbe.from_file(Path(__file__).parents[1] / "host" / "recorded" /
                                    f"{recording}.json")
    ctx = Context({"PATH": str(tmp_path)}, tmp_path, probe=probe)
    rep = runner.diagnose(ctx, ["host"])
    warn = [f for f in rep.findings if f.id == "host.python"]
    if recording.endswith("rosetta"):
        assert warn and warn[0].title == ("goarchlab's Python runs as amd64 under translation "
                                          "on this arm64 machine")
        ok = [f for f in rep.findings if f.id == "host.facts"]
        assert "Rosetta 2 for amd64" in ok[0].detail
    else:
        assert warn == []
    assert rep.host is not None and rep.host.native_arch == "arm64"


def test_env_file_parser_agrees_with_go(go_new, go_env, tmp_path) -> None:
    """parse_env_file against the real go command on generated go env files."""
    import json

    from hypothesis import HealthCheck, assume, given, settings
    from hypothesis import strategies as st

    from goarchlab import proc

    keys = ["GOPRIVATE", "GOINSECURE", "GOFLAGS", "goprivate", "#GOPRIVATE", " GOPRIVATE"]
    value = st.text(alphabet="ab=/ .*,-#'\"", max_size=12)
    line = st.one_of(st.tuples(st.sampled_from(keys), st.sampled_from(["=", ""]), value)
                     .map("".join), st.just(""), st.just("# comment"))
    env_file = tmp_path / "goenv"

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(line, max_size=6))
    def agree(lines: list[str]) -> None:
        text = "\n".join(lines)
        # A GOFLAGS with an empty field (GOFLAGS='') crashes go env itself in go1.22 and
        # go1.27 (base.SetFromGOFLAGS: slice bounds out of range); the checks_gopaths
        # test covers that case. Everything else must parse as go parses it.
        with contextlib.suppress(QuoteError):
            assume("" not in split_quoted(parse_env_file(text).get("GOFLAGS", "")))
        env_file.write_text(text)
        env = {k: v for k, v in go_env.items() if k != "GOFLAGS"}
        r = proc.run([str(go_new.go), "env", "-json", "GOPRIVATE", "GOINSECURE", "GOFLAGS"],
                     env={**env, "GOENV": str(env_file)}, timeout=60)
        assert r.ok, r.stderr
        got = json.loads(r.stdout)
        mine = parse_env_file(text)
        for k in ("GOPRIVATE", "GOINSECURE", "GOFLAGS"):
            assert got[k] == mine.get(k, ""), (k, text)

    agree()


def test_host_facts_name_an_explicit_qemu_without_binfmt(tmp_path) -> None:
    """qemu-aarch64 on PATH but no binfmt handler: a plain exec of an arm64 binary fails,
    but it runs through the emulator called explicitly (bench and matrix do), so doctor
    must not say nothing can run it. The seam hides this machine's binfmt_misc entries
    (unregistering them needs root); qemu-aarch64 and everything else are real."""
    import shutil

    from goarchlab.doctor.checks_host import check_host
    from goarchlab.host.binfmt import BINFMT_DIR
    from goarchlab.host.probe import RealProbe

    if shutil.which("qemu-aarch64") is None:
        pytest.skip("needs qemu-aarch64 on PATH")

    class NoBinfmt(RealProbe):
        def listdir(self, path: str):
            return [] if path.startswith(BINFMT_DIR) else super().listdir(path)

        def read_text(self, path: str):
            return None if path.startswith(BINFMT_DIR) else super().read_text(path)

        def exists(self, path: str) -> bool:
            return False if path.startswith(BINFMT_DIR) else super().exists(path)

    ctx = Context(dict(os.environ), tmp_path, probe=NoBinfmt())
    if ctx.host.native_arch == "arm64":
        pytest.skip("needs a non-arm64 host")
    assert not [t for t in ctx.host.translators if t.kind == "binfmt"]
    (f,) = [f for f in check_host(ctx) if f.id == "host.facts"]
    assert "cannot start" not in f.detail and "nothing" not in f.detail
    assert "qemu-aarch64" in f.detail and "explicitly" in f.detail


def test_gollvm_is_experimental_not_unofficial() -> None:
    """gollvm lives at go.googlesource.com/gollvm, hosted by the Go project."""
    from goarchlab.doctor.claims import CLAIMS

    c = CLAIMS["llvm-backend"]
    assert "unofficial" not in c.truth and "experimental" in c.truth
    assert "https://go.googlesource.com/gollvm" in c.refs
