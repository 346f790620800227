"""Session fixtures of the binary tests: a small Go module built once per session
in every configuration the tests inspect, with the real toolchain."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from goarchlab import proc
from goarchlab.toolchains.model import Toolchain

GO_MOD = """module example.com/hello

go 1.22

require example.com/greet v0.1.0

replace example.com/greet => ./greet
"""
GREET_MOD = "module example.com/greet\n\ngo 1.22\n"
GREET = 'package greet\n\nfunc Hello() string { return "hello" }\n'
# No fmt: each configuration then compiles little more than the runtime, which
# keeps a cold session (eight targets and levels) short.
HELLO = """package main

import "example.com/greet"

func main() { println(greet.Hello()) }
"""
HELLO_CGO = """package main

/*
int answer(void) { return 42; }
*/
import "C"

func main() { println(int(C.answer())) }
"""


@dataclass(frozen=True)
class Build:
    """One artifact: its path, the env overrides and flags it was built with."""

    name: str
    path: Path
    env: dict[str, str]
    flags: tuple[str, ...]


#: name -> (package, env overrides, extra go build flags)
BUILDS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "default": ("./cmd/hello", {"CGO_ENABLED": "0"}, ()),
    "stripped": ("./cmd/hello", {"CGO_ENABLED": "0"}, ("-ldflags=-s -w",)),
    # -trimpath and GOAMD64=v3 each recompile the standard library: one build
    # covers both, which keeps a cold test session a few minutes shorter.
    "amd64v3": (
        "./cmd/hello",
        {"CGO_ENABLED": "0", "GOARCH": "amd64", "GOAMD64": "v3"},
        ("-trimpath",),
    ),
    "arm64": ("./cmd/hello", {"GOOS": "linux", "GOARCH": "arm64", "GOARM64": "v8.2"}, ()),
    "cgo": ("./cmd/hellocgo", {"CGO_ENABLED": "1", "CC": "gcc"}, ()),
    "windows": ("./cmd/hello", {"GOOS": "windows", "GOARCH": "amd64"}, ()),
    "darwin": ("./cmd/hello", {"GOOS": "darwin", "GOARCH": "arm64"}, ()),
    "darwin-stripped": ("./cmd/hello", {"GOOS": "darwin", "GOARCH": "arm64"}, ("-ldflags=-s",)),
    # Quotes, a tab, a non-ASCII letter and a control byte: Go's strconv.Quote at work.
    "quoted": ("./cmd/hello", {"CGO_ENABLED": "0"}, ("-ldflags=-X 'main.msg=a\tb \"q\" é\x01'",)),
    "windows-stripped": ("./cmd/hello", {"GOOS": "windows", "GOARCH": "amd64"}, ("-ldflags=-s",)),
}


@pytest.fixture(scope="session")
def session_go_env(go_new: Toolchain, make_go_env, tmp_path_factory) -> dict[str, str]:
    """go_env for session-scoped fixtures (go_env itself is per test)."""
    return make_go_env(go_new, tmp_path_factory.mktemp("binary-home"))


@pytest.fixture(scope="session")
def hello_module(tmp_path_factory) -> Path:
    """The source tree of example.com/hello (a replaced local dependency, a cgo main)."""
    root = tmp_path_factory.mktemp("hello")
    (root / "go.mod").write_text(GO_MOD)
    (root / "greet").mkdir()
    (root / "greet" / "go.mod").write_text(GREET_MOD)
    (root / "greet" / "greet.go").write_text(GREET)
    for pkg, src in (("hello", HELLO), ("hellocgo", HELLO_CGO)):
        (root / "cmd" / pkg).mkdir(parents=True)
        (root / "cmd" / pkg / "main.go").write_text(src)
    return root


@pytest.fixture(scope="session")
def builds(go_new: Toolchain, session_go_env, hello_module: Path, tmp_path_factory):
    """Every BUILDS artifact, built once per session by the real go_new toolchain."""
    assert shutil.which("gcc"), "the cgo build needs gcc (installed by .ci/run)"
    out = tmp_path_factory.mktemp("builds")

    def build(name: str) -> Build:
        pkg, env, flags = BUILDS[name]
        dest = out / name
        r = proc.run(
            [go_new.go, "build", *flags, "-o", str(dest), pkg],
            env={**session_go_env, **env},
            cwd=hello_module,
            timeout=600,
        )
        assert r.ok, f"go build {name}: {r.stderr}"
        return Build(name, dest, env, flags)

    # Two at a time: compiling the runtime is mostly one package after another.
    with ThreadPoolExecutor(2) as ex:
        return {b.name: b for b in ex.map(build, BUILDS)}
