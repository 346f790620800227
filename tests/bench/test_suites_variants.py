"""Variants from --vs text, the default pair per host, the build suite, a toolchain
variant, and the user-package path (go test -c per variant, run under the runner)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from goarchlab.bench import catalog, engine, suites, variants
from goarchlab.errors import UsageError
from goarchlab.host.model import Host, Translator

QEMU = Path("/usr/bin/qemu-aarch64")


def _host(translators=(), os_="linux", arch="amd64") -> Host:
    return Host(os_, "test", "6.1", arch, arch, False, "cpu", 2, tuple(translators), ())


QEMU_T = Translator("qemu", "arm64", ("/usr/bin/qemu-aarch64",), "/usr/bin/qemu-aarch64", "PATH")
ROSETTA = Translator("rosetta", "amd64", ("arch", "-x86_64"), "oah", "sysctl")


def test_vs_syntax_toolchain_env_flags_target_and_combinations():
    h = _host([QEMU_T])
    base = variants.base_plan(h)
    go = variants.apply(base, "go1.22.10", h)
    assert (go.name, go.version, go.variant.toolchain_version) == ("go1.22.10", "go1.22.10",
                                                                  "go1.22.10")
    gc = variants.apply(base, "GOGC=50", h)
    assert gc.variant.env == (("GOGC", "50"),) and gc.run_env() == {"GOGC": "50"}
    assert "GOGC" not in gc.build_env()  # run time only
    strip = variants.apply(base, "ldflags=-s -w", h)
    assert strip.variant.build_flags == ("-ldflags=-s -w",) and strip.name == "ldflags=-s-w"
    arm = variants.apply(base, "linux/arm64", h)
    assert (arm.name, arm.runner.kind, arm.variant.runner, arm.variant.target) == (
        "qemu-arm64", "qemu", "qemu-aarch64", "linux/arm64")
    assert arm.build_env() == {"GOOS": "linux", "GOARCH": "arm64"}
    v3 = variants.apply(base, "linux/amd64/v3", h)
    assert v3.runner.kind == "native" and v3.build_env()["GOAMD64"] == "v3"
    combo = variants.apply(base, "linux/arm64+GOGC=50", h)
    assert combo.runner.kind == "qemu" and dict(combo.variant.env) == {"GOGC": "50"}
    assert combo.name == "linux/arm64+GOGC=50"
    custom = variants.apply(base, f"linux/arm64+runner={sys.executable} -X", h)
    assert (custom.runner.kind, custom.runner.command) == ("custom", (sys.executable, "-X"))
    assert custom.variant.runner == f"{sys.executable} -X"
    # A build-flag value keeps its '+' and spaces.
    x = variants.apply(base, "GOGC=off+ldflags=-X main.v=1+2", h)
    assert x.variant.build_flags == ("-ldflags=-X main.v=1+2",)
    assert dict(x.variant.env) == {"GOGC": "off"}


def test_vs_bad_input_is_a_usage_error():
    h = _host([QEMU_T])
    base = variants.base_plan(h)
    with pytest.raises(UsageError, match="unknown variant 'banana'"):
        variants.apply(base, "banana", h)
    with pytest.raises(UsageError, match="not a target"):
        variants.apply(base, "linux/Arm64", h)
    with pytest.raises(UsageError, match="v7"):
        variants.apply(base, "linux/amd64/v7", h)
    with pytest.raises(UsageError, match="no way to run linux/riscv64") as e:
        variants.apply(base, "linux/riscv64", h)
    assert "apt-get install qemu-user" in e.value.hint
    with pytest.raises(UsageError, match="no way to run windows/amd64"):
        variants.apply(base, "windows/amd64", h)
    with pytest.raises(UsageError, match="both named"):
        variants.plans_from_args(h, ["GOGC=50", "GOGC=50"])
    with pytest.raises(UsageError, match="unknown suite 'nope'"):
        catalog.get("nope")


def test_default_pair_per_host_and_without_translator():
    plans, note = variants.default_plans(_host([QEMU_T]))
    assert [p.name for p in plans] == ["native", "qemu-arm64"] and note is None
    plans, note = variants.default_plans(_host())
    assert [p.name for p in plans] == ["native"]
    assert "no translator for linux/arm64" in note and "apt-get install qemu-user" in note
    mac = _host([ROSETTA], "darwin", "arm64")
    plans, note = variants.default_plans(mac)
    assert [(p.name, p.variant.target, p.runner.command) for p in plans] == [
        ("native", "darwin/arm64", ()), ("rosetta-amd64", "darwin/amd64", ("arch", "-x86_64"))]
    plans, note = variants.default_plans(_host((), "darwin", "arm64"))
    assert len(plans) == 1 and "softwareupdate --install-rosetta" in note
    arm_linux = _host([Translator("binfmt", "amd64", (), "/usr/libexec/qemu-binfmt/x86_64-binfmt-P",
                                  "/proc/sys/fs/binfmt_misc/qemu-x86_64")], "linux", "arm64")
    plans, _ = variants.default_plans(arm_linux)
    assert plans[1].variant.target == "linux/amd64" and plans[1].runner.kind == "binfmt"
    assert plans[1].runner.command == ()  # the kernel applies the handler on exec
    assert plans[1].name == "qemu-amd64"
    assert plans[1].variant.runner == "qemu-x86_64 via binfmt"


def test_toolchain_variant_builds_with_that_go(bench_ctx, tmp_path, go_old):
    plans, _ = variants.plans_from_args(bench_ctx.host, ["go1.22.10"])
    ctx = dataclasses.replace(bench_ctx, bench="SHA256/64B$", _memo={})
    req = engine.Request(("cpu",), tuple(plans), runs=2, warmup=0)
    res = engine.run(req, ctx, store_path=tmp_path / "r.db")
    assert res.error is None
    names = {(s.variant, s.benchmark) for s in res.run.samples if s.unit == "ns/op"}
    assert {v for v, _ in names} == {"native", "go1.22.10"}
    assert len({b for _, b in names}) == 1 and next(iter(names))[1].startswith("cpu/SHA256/64B")
    assert res.run.variants[1].toolchain_version == "go1.22.10"
    assert len(res.tables[0].rows) == 1 and res.tables[0].columns == ("native", "go1.22.10")


@pytest.mark.skipif(not QEMU.exists(), reason="needs qemu-aarch64 (apt-get install qemu-user)")
def test_build_suite_warm_native_and_translated_cold_native(bench_ctx, tmp_path,
                                                           install_toolchain):
    install_toolchain("1.27.3", "linux", "arm64")  # the translated variant's own go
    plans, _ = variants.default_plans(bench_ctx.host)
    ctx = dataclasses.replace(bench_ctx, bench="cache=warm", _memo={})
    req = engine.Request(("build",), tuple(plans), runs=1, warmup=1)
    res = engine.run(req, ctx, store_path=tmp_path / "r.db")
    assert res.error is None, res.error
    size = {(s.variant, s.benchmark): s.values[0] for s in res.run.samples
            if s.unit == "binary-B"}
    for v in ("native", "qemu-arm64"):
        assert size[(v, "build/cache=warm/strip=true")] < size[(v, "build/cache=warm/strip=false")]
    secs = {(s.variant, s.benchmark): s.values[0] for s in res.run.samples if s.unit == "ns/op"}
    assert len(secs) == 4 and all(x > 0 for x in secs.values())
    ctx = dataclasses.replace(bench_ctx, bench="cache=cold/strip=false", _memo={})
    cold = engine.run(engine.Request(("build",), (plans[0],), runs=1, warmup=0), ctx,
                      store_path=tmp_path / "r.db")
    assert cold.error is None
    (c,) = [s.values[0] for s in cold.run.samples if s.unit == "ns/op"]
    # A cold GOCACHE compiles the runtime and every imported package again.
    assert c > secs[("native", "build/cache=warm/strip=false")]


_CODEC_MOD = "module example.com/app\n\ngo 1.22\n"
_CODEC_TEST = '''package codec

import (
	"encoding/base64"
	"testing"
)

var data = make([]byte, 512)

func BenchmarkEncode(b *testing.B) {
	for i := 0; i < b.N; i++ {
		base64.StdEncoding.EncodeToString(data)
	}
}

func BenchmarkDecode(b *testing.B) {
	s := base64.StdEncoding.EncodeToString(data)
	for i := 0; i < b.N; i++ {
		base64.StdEncoding.DecodeString(s)
	}
}
'''


def make_codec_module(root: Path) -> Path:
    """A small module with ./internal/codec holding two benchmarks."""
    (root / "internal" / "codec").mkdir(parents=True)
    (root / "go.mod").write_text(_CODEC_MOD)
    (root / "internal" / "codec" / "codec_test.go").write_text(_CODEC_TEST)
    return root


@pytest.mark.skipif(not QEMU.exists(), reason="needs qemu-aarch64 (apt-get install qemu-user)")
def test_user_package_benchmarks_per_variant(bench_ctx, tmp_path):
    mod = make_codec_module(tmp_path / "app")
    # CGO_ENABLED=0: the session's GOCACHE then already holds the standard library.
    ctx = dataclasses.replace(bench_ctx, cwd=mod, bench="Encode", benchtime="3x", _memo={},
                              env={**bench_ctx.env, "CGO_ENABLED": "0"})
    plans, _ = variants.default_plans(ctx.host)
    req = engine.Request(("./internal/codec",), tuple(plans), runs=2, warmup=1)
    res = engine.run(req, ctx, store_path=tmp_path / "r.db")
    assert res.error is None, res.error
    assert res.run.suites == ("codec",)
    got = {(s.variant, s.benchmark, s.unit): s.values for s in res.run.samples}
    for v in ("native", "qemu-arm64"):
        assert len(got[(v, "codec/Encode-2", "ns/op")]) == 2
        assert (v, "codec/Encode-2", "B/op") in got  # -test.benchmem
    assert not any("Decode" in b for _, b, _ in got)
    assert res.translation is not None and res.translation.suites[0].suite == "codec"


def test_user_package_without_benchmarks_is_a_clear_error(bench_ctx, tmp_path):
    mod = make_codec_module(tmp_path / "app")
    ctx = dataclasses.replace(bench_ctx, cwd=mod, bench="NoSuchBench", _memo={},
                              env={**bench_ctx.env, "CGO_ENABLED": "0"})
    req = engine.Request(("./internal/codec",), (variants.base_plan(ctx.host),), runs=2)
    res = engine.run(req, ctx, store_path=tmp_path / "r.db")
    assert "printed no benchmark results" in res.error
    with pytest.raises(UsageError, match=r"go list \./nope"):
        engine.run(engine.Request(("./nope",), (variants.base_plan(ctx.host),), runs=1), ctx,
                   store_path=tmp_path / "r.db")


def test_build_time_env_reaches_go_build(bench_ctx, go_env):
    """A --vs GOFIPS140=latest variant is built in FIPS mode, not only run with the
    variable set (go version -m shows the build setting)."""
    from goarchlab.proc import run

    plan = variants.apply(variants.base_plan(bench_ctx.host), "GOFIPS140=latest", bench_ctx.host)
    assert plan.build_env()["GOFIPS140"] == "latest"
    binary = suites.build_workload("startup", plan, bench_ctx)
    info = run(["go", "version", "-m", str(binary)], env=go_env, timeout=60)
    assert info.ok, info.stderr
    assert "\tbuild\tGOFIPS140=latest\n" in info.stdout


def test_race_variant_builds_with_cgo(bench_ctx, go_env):
    """-race needs cgo on Linux; the workloads are built with CGO_ENABLED=0 unless a
    variant needs it, so a --vs -race variant gets the host's C compiler."""
    from goarchlab.proc import run

    plan = variants.apply(variants.base_plan(bench_ctx.host), "-race", bench_ctx.host)
    binary = suites.build_workload("startup", plan, bench_ctx)
    info = run(["go", "version", "-m", str(binary)], env=go_env, timeout=60)
    assert info.ok, info.stderr
    assert "\tbuild\t-race=true\n" in info.stdout and "\tbuild\tCGO_ENABLED=1\n" in info.stdout
