"""Fixtures for the xbuild tests: a session Go environment and sample modules.

Every module is written into a temporary directory (not the repository, whose
git state would otherwise be stamped into the binaries), and every build shares
the session GOCACHE, so the standard library is compiled once per target.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from goarchlab import proc


@pytest.fixture(scope="session")
def xenv(go_new, make_go_env, tmp_path_factory) -> dict[str, str]:
    """A session-wide explicit environment running go_new (GOTOOLCHAIN=local)."""
    user_home = tmp_path_factory.mktemp("xbuild-home")
    return {**make_go_env(go_new, user_home), "GOARCHLAB_HOME": str(user_home / "goarchlab")}


def write_module(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text, dedented) under ``root``; return root."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip())
    return root


UUID_VERSION = "v1.6.0"


@pytest.fixture(scope="session")
def module_writer():
    """:func:`write_module` as a fixture (test modules cannot import conftest)."""
    return write_module


@pytest.fixture(scope="session")
def uuid_module(tmp_path_factory, xenv, go_new) -> Path:
    """A command using github.com/google/uuid (fetched through the Go module proxy)."""
    root = write_module(tmp_path_factory.mktemp("uuidmod") / "uuidtool", {
        "go.mod": f"""
            module example.com/uuidtool

            go 1.22

            require github.com/google/uuid {UUID_VERSION}
            """,
        "main.go": """
            package main

            import (
                "fmt"

                "github.com/google/uuid"
            )

            var version = "dev"

            func main() { fmt.Println(version, uuid.NewSHA1(uuid.NameSpaceURL, []byte("x"))) }
            """,
    })
    r = proc.run([str(go_new.go), "mod", "tidy"], env=xenv, timeout=300, cwd=root)
    assert r.ok, r.stderr
    return root
