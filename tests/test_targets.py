"""Target syntax, and Runner: real linux/arm64 Go binaries run here through binfmt,
qemu-aarch64 and go test -exec."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.host import RecordedProbe, detect
from goarchlab.targets import (
    Runner,
    Target,
    parse_list,
    quote_exec,
    runner_for,
    split_exec,
)

GO_NEW = "1.27.3"
RECORDED = Path(__file__).parent / "host" / "recorded"


@pytest.mark.parametrize(("text", "env"), [
    ("linux/arm64", {"GOOS": "linux", "GOARCH": "arm64"}),
    ("linux/amd64/v3", {"GOOS": "linux", "GOARCH": "amd64", "GOAMD64": "v3"}),
    ("linux/arm64/v8.2,lse", {"GOOS": "linux", "GOARCH": "arm64", "GOARM64": "v8.2,lse"}),
    ("linux/arm/7", {"GOOS": "linux", "GOARCH": "arm", "GOARM": "7"}),
    ("linux/arm/6,softfloat", {"GOOS": "linux", "GOARCH": "arm", "GOARM": "6,softfloat"}),
    ("linux/riscv64/rva23u64", {"GOOS": "linux", "GOARCH": "riscv64", "GORISCV64": "rva23u64"}),
])
def test_parse_print_env(text, env):
    t = Target.parse(text)
    assert str(t) == text and t.env() == env and Target.parse(str(t)) == t


@pytest.mark.parametrize(("text", "why"), [
    ("linux", "not a target"), ("Linux/amd64", "not a target"), ("linux/", "not a target"),
    ("linux/s390x/z15", "no level variable"), ("linux/amd64/v5", "invalid GOAMD64"),
    ("linux/arm64/8", "invalid GOARM64"), ("linux/arm64/v9.6", "invalid GOARM64"),
])
def test_parse_rejects(text, why):
    with pytest.raises(UsageError, match=why):
        Target.parse(text)


def test_target_list_keeps_commas_inside_levels():
    """--targets is comma-separated, and so are GOARM64/GOARM levels: a piece
    without a slash belongs to the level before it."""
    got = parse_list(" linux/amd64 , linux/arm64/v8.2,lse,crypto,linux/arm/7,softfloat,,"
                     "windows/amd64")
    assert [str(t) for t in got] == ["linux/amd64", "linux/arm64/v8.2,lse,crypto",
                                     "linux/arm/7,softfloat", "windows/amd64"]
    assert got[1].env() == {"GOOS": "linux", "GOARCH": "arm64", "GOARM64": "v8.2,lse,crypto"}
    assert parse_list("") == []
    with pytest.raises(UsageError, match="'lse' is not a target"):
        parse_list("lse,linux/amd64")
    with pytest.raises(UsageError, match="invalid GOARM64"):
        parse_list("linux/arm64/v8.2,nonsense")


def test_exec_quoting_round_trips_like_cmd_go():
    for argv in (["qemu-aarch64"], ["qemu-aarch64", "-cpu", "max"], ["a b", "c'd", 'e"f', ""]):
        assert split_exec(quote_exec(argv)) == argv
    assert split_exec(" a  'b c'\t\"d'e\" ") == ["a", "b c", "d'e"]
    assert quote_exec(["x'y\"z"]) is None
    with pytest.raises(UsageError):
        split_exec("qemu 'unterminated")


@pytest.fixture(scope="module")
def host():
    return detect()


@pytest.fixture(scope="module")
def go_arm64(install_toolchain):
    return install_toolchain(GO_NEW, "linux", "arm64")


def test_runner_choice_on_this_host(host):
    assert runner_for(Target("linux", "amd64"), host).kind == "native"
    assert runner_for(Target("linux", "386"), host).kind == "native"
    r = runner_for(Target.parse("linux/arm64/v8.2,lse"), host)
    assert (r.kind, r.command, r.go_test_exec(), r.translated) == ("binfmt", (), None, True)
    r = runner_for(Target("linux", "riscv64"), host)
    assert r.kind == "qemu" and r.label == "qemu-riscv64"
    with pytest.raises(GoarchlabError, match="cannot run on this linux machine"):
        runner_for(Target("darwin", "arm64"), host)
    with pytest.raises(GoarchlabError, match="not found"):
        runner_for(Target("linux", "arm64"), host, custom="no-such-emulator-xyz")


def test_no_translator_gives_the_qemu_hint():
    data = json.loads((RECORDED / "linux-amd64-debian12.json").read_text())
    data["which"] = {k: v for k, v in data["which"].items() if not k.startswith("qemu-")}
    data["dirs"]["/proc/sys/fs/binfmt_misc"] = ["register", "status"]
    h = detect(RecordedProbe.from_dict(data))
    with pytest.raises(GoarchlabError) as e:
        runner_for(Target("linux", "arm64"), h)
    assert "apt-get install qemu-user" in e.value.hint


@pytest.mark.parametrize("kind", ["binfmt", "qemu", "custom"])
def test_arm64_go_runs_through_each_runner(kind, host, go_arm64):
    t = Target("linux", "arm64")
    if kind == "binfmt":
        r = runner_for(t, host)
    elif kind == "qemu":
        r = Runner("qemu", next(x.command for x in host.translators
                                if x.kind == "qemu" and x.arch == "arm64"), t)
    else:
        r = runner_for(t, host, custom="qemu-aarch64 -cpu max")
    assert r.kind == kind
    out = proc.run(r.argv(go_arm64.go, "version"), env={"PATH": os.environ["PATH"]}, timeout=120)
    assert out.ok and out.stdout.strip().endswith("linux/arm64"), out


TEST_PKG = {
    "go.mod": "module execcheck\n\ngo 1.22\n",
    "x_test.go": '''package execcheck

import (
	"os"
	"runtime"
	"testing"
)

func TestArch(t *testing.T) {
	if runtime.GOARCH != "arm64" {
		t.Fatal(runtime.GOARCH)
	}
	if want := os.Getenv("WANT_X"); want != "" && os.Getenv("X") != want {
		t.Fatalf("X=%q", os.Getenv("X"))
	}
}
''',
}


@pytest.mark.parametrize("custom", [
    None,                                  # binfmt: no -exec at all
    "qemu-aarch64 -cpu max",               # multi-word: cmd/go splits it itself
    "env X=a'b\"c qemu-aarch64",           # both quotes: needs the wrapper script
])
def test_go_test_exec(custom, host, go_env, tmp_path, home):
    for name, text in TEST_PKG.items():
        (tmp_path / name).write_text(text)
    r = runner_for(Target("linux", "arm64"), host, custom=custom)
    exec_value = r.go_test_exec(home)
    env = {**go_env, "GOARCH": "arm64", "CGO_ENABLED": "0"}
    argv = ["go", "test", "-count=1"]
    if custom and "X=" in custom:
        assert Path(exec_value).parent == home / "cache" / "exec"
        env["WANT_X"] = "a'b\"c"
    if exec_value is not None:
        argv += ["-exec", exec_value]
    else:
        assert custom is None
    argv.append(".")
    out = proc.run([os.path.join(go_env["PATH"].split(os.pathsep)[0], argv[0]), *argv[1:]],
                   env=env, cwd=tmp_path, timeout=300)
    assert out.ok, out.stdout + out.stderr
    assert out.stdout.startswith("ok")
