"""Level variables: goarchlab's rules, and what the real go1.22.10 and go1.27.3 do.

``go build -n`` runs cmd/go's whole configuration check (internal/buildcfg)
without compiling, so each case costs well under a second.
"""

from __future__ import annotations

import os

import pytest

from goarchlab import proc
from goarchlab.gocmd.levels import VARS, applies_to, irrelevant, level_var, validate_level
from goarchlab.gocmd.version import GoVersion

NEW, OLD = GoVersion.parse("1.27.3"), GoVersion.parse("1.22.10")


def test_level_var_per_goarch():
    assert {a: level_var(a) for a in ("amd64", "arm64", "arm", "386", "mipsle", "mips64",
                                       "ppc64le", "riscv64", "wasm", "s390x", "loong64")} == {
        "amd64": "GOAMD64", "arm64": "GOARM64", "arm": "GOARM", "386": "GO386",
        "mipsle": "GOMIPS", "mips64": "GOMIPS64", "ppc64le": "GOPPC64", "riscv64": "GORISCV64",
        "wasm": "GOWASM", "s390x": None, "loong64": None}
    assert applies_to("GOARM") == ("arm",) and applies_to("GOMIPS64") == ("mips64", "mips64le")


def test_goarm_is_not_for_arm64():
    msg = irrelevant("GOARM", "arm64")
    assert msg == "GOARM applies only to GOARCH=arm; GOARCH=arm64 reads GOARM64"
    assert irrelevant("GOARM64", "arm64") is None
    assert "arm64 has GOARM64" in validate_level("GOARM", "8", NEW)


@pytest.mark.parametrize(("var", "value", "new_ok", "old_ok"), [
    ("GOARM64", "v8.2,lse", True, False),
    ("GOARM64", "v9.5,crypto,lse", True, False),
    ("GOARM64", "v8.0,lse,crypto,lse", True, False),
    ("GOARM64", "v9.6", False, False),
    ("GOARM64", "v8.2,sve", False, False),
    ("GOAMD64", "v3", True, True),
    ("GOAMD64", "v5", False, False),
    ("GOARM", "7", True, True),
    ("GOARM", "5,hardfloat", True, True),
    ("GOARM", "8", False, False),
    ("GOARM", "7,softfloat,hardfloat", False, False),
    ("GO386", "softfloat", True, True),
    ("GO386", "387", False, False),
    ("GORISCV64", "rva23u64", True, False),
    ("GOPPC64", "power10", True, True),
    ("GOPPC64", "power11", False, False),
    ("GOMIPS", "softfloat", True, True),
    ("GOWASM", "satconv,signext", True, True),
    ("GOWASM", "simd", False, False),
])
def test_rules(var, value, new_ok, old_ok):
    assert (validate_level(var, value, NEW) is None) is new_ok
    assert (validate_level(var, value, OLD) is None) is old_ok


def test_version_gates_and_messages():
    assert "not read by go1.22.10" in validate_level("GOARM64", "v8.2", OLD)
    assert "needs go1.25" in validate_level("GORISCV64", "rva23u64", GoVersion.parse("1.24.5"))
    assert validate_level("GORISCV64", "rva22u64", GoVersion.parse("1.23.0")) is None
    assert "needs go1.20" in validate_level("GOPPC64", "power10", GoVersion.parse("1.19.13"))
    assert "need go1.22" in validate_level("GOARM", "7,softfloat", GoVersion.parse("1.21.13"))
    assert "removed in Go 1.16" in validate_level("GO386", "387", NEW)
    assert "not a Go level variable" in validate_level("GOARM8", "1", NEW)


def _go_build_n(tc, env, tmp_path, goarch, var, value):
    (tmp_path / "go.mod").write_text("module lv\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n")
    goos = "js" if goarch == "wasm" else "linux"
    e = {**env, "GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": "0", var: value}
    return proc.run([str(tc.go), "build", "-n", "-o", os.devnull, "."], env=e, cwd=tmp_path,
                    timeout=120)


# (var, value, accepted by go1.27.3, accepted by go1.22.10) as the real toolchains behave.
REAL = [
    ("GOARM64", "v9.6", False, True),       # 1.22 does not read GOARM64 at all
    ("GOARM64", "v8.2,lse", True, True),    # ... so 1.22 "accepts" anything
    ("GOAMD64", "v5", True, False),         # 1.27: GOARM64's parse erases the error
    ("GOARM", "8", True, False),            # same erasure, for GOARCH=arm
    ("GORISCV64", "rva99u64", False, True),  # 1.22 does not read GORISCV64
    ("GOPPC64", "power11", False, False),
    ("GOAMD64", "v4", True, True),
    ("GOARM", "6,softfloat", True, True),
]


@pytest.mark.parametrize(("var", "value", "new_ok", "old_ok"), REAL)
def test_real_toolchains(var, value, new_ok, old_ok, go_new, go_old, go_env, tmp_path):
    goarch = VARS[var].goarchs[0]
    new = _go_build_n(go_new, go_env, tmp_path, goarch, var, value)
    old = _go_build_n(go_old, go_env, tmp_path, goarch, var, value)
    assert (new.ok, old.ok) == (new_ok, old_ok), (new.stderr[-300:], old.stderr[-300:])
    if not new.ok:
        assert f"invalid {var}" in new.stderr
    # goarchlab's verdict follows the documented values, including where a real
    # toolchain silently accepts an invalid one (and says when a var is ignored).
    assert (validate_level(var, value, NEW) is None) == (
        new_ok and (var, value) not in {("GOAMD64", "v5"), ("GOARM", "8")})
    if var in ("GOARM64", "GORISCV64"):
        assert "not read by go1.22.10" in validate_level(var, value, OLD)


def test_go_env_knows_goarm64_only_from_1_23(go_new, go_old, go_env):
    env = {**go_env, "GOARCH": "arm64"}
    new = proc.run([str(go_new.go), "env", "GOARM64"], env=env, timeout=60)
    old = proc.run([str(go_old.go), "env", "GOARM64"], env=env, timeout=60)
    assert new.stdout.strip() == VARS["GOARM64"].default == "v8.0"
    assert old.ok and old.stdout.strip() == ""


def test_help_environment_lists_the_same_values(go_new, go_env):
    text = proc.run([str(go_new.go), "help", "environment"], env=go_env, timeout=60).stdout
    assert "Valid values are v8.0 (default), v8.{1-9}, v9.{0-5}." in text
    assert "Valid values are rva20u64 (default), rva22u64, rva23u64." in text
    assert "Valid values are power8 (default), power9, power10." in text
    assert "Valid values are v1 (default), v2, v3, v4." in text
    assert "Valid values are sse2 (default), softfloat." in text
