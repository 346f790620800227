"""Fixtures for the matrix tests: a module whose tests fail only on arm64 (actionlint:
tests/conftest.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ARCHCHECK = {
    "go.mod": "module example.com/archcheck\n\ngo 1.22\n",
    "arch.go": """
        package archcheck

        import "runtime"

        // WordBits is the size of a pointer in bits.
        func WordBits() int { return 32 << (^uintptr(0) >> 63) }

        // Arch reports the GOARCH the code runs as.
        func Arch() string { return runtime.GOARCH }
        """,
    "arch_test.go": """
        package archcheck

        import "testing"

        func TestWordBits(t *testing.T) {
            if WordBits() != 64 {
                t.Fatalf("WordBits() = %d, want 64", WordBits())
            }
        }

        // TestNotArm64 passes on amd64 and fails only on arm64: the matrix must catch it.
        func TestNotArm64(t *testing.T) {
            if Arch() == "arm64" {
                t.Fatalf("running as %s", Arch())
            }
        }
        """,
}


@pytest.fixture(scope="session")
def menv(go_new, make_go_env, session_home, tmp_path_factory) -> dict[str, str]:
    """Session environment: go_new first on PATH, GOARCHLAB_HOME = the session home
    (so toolchains.ensure finds go_old and go_new installed), shared Go caches."""
    env = make_go_env(go_new, tmp_path_factory.mktemp("matrix-home"))
    return {**env, "GOARCHLAB_HOME": str(session_home)}


@pytest.fixture(scope="session")
def archcheck(tmp_path_factory) -> Path:
    """The sample module, written outside the repository."""
    root = tmp_path_factory.mktemp("archcheck") / "archcheck"
    for rel, text in ARCHCHECK.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip())
    return root
