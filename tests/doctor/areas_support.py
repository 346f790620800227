"""Support for the tools/homebrew/project doctor tests: contexts (this Linux machine, or a
recorded Apple Silicon Mac) and tiny Go programs built with the real toolchains.
"""

from __future__ import annotations

import os
from pathlib import Path

from goarchlab import proc
from goarchlab.doctor.context import Context
from goarchlab.host import RecordedProbe

RECORDED = Path(__file__).parent / "recorded"


def linux_context(env: dict[str, str], cwd: Path, project: Path | None = None) -> Context:
    """A Context over the real machine (host facts from goarchlab.host.detect)."""
    return Context(env, cwd, project=project, timeout=60)


def apple_silicon_context(env: dict[str, str], cwd: Path, project: Path | None = None,
                          root: Path | None = None) -> Context:
    """A Context whose host facts are detected from the recorded Apple Silicon Mac
    (``recorded/macos-apple-silicon.json``) through the host layer's RecordedProbe.

    ``root``: a directory standing for the Mac's "/" (the Homebrew check reads the Mac's
    files under ``probe.root``).
    """
    probe = RecordedProbe.from_file(RECORDED / "macos-apple-silicon.json")
    probe.root = root
    return Context(env, cwd, project=project, timeout=60, probe=probe)


def build_go(toolchain, src: str, out: Path, caches: dict[str, str], goos: str | None = None,
             goarch: str | None = None) -> Path:
    """Build the one-file program ``src`` with ``toolchain`` (for goos/goarch) into ``out``."""
    d = out.parent / f"src-{out.name}-{goos or 'host'}-{goarch or 'host'}"
    d.mkdir(parents=True, exist_ok=True)
    (d / "main.go").write_text(src)
    (d / "go.mod").write_text("module example.com/fake\n\ngo 1.22\n")
    env = {"PATH": f"{toolchain.goroot / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "HOME": str(d), "GOTOOLCHAIN": "local", "CGO_ENABLED": "0", **caches}
    if goos:
        env["GOOS"] = goos
    if goarch:
        env["GOARCH"] = goarch
    r = proc.run(["go", "build", "-o", str(out), "."], env=env, cwd=d, timeout=300)
    assert r.ok, r.stderr
    return out
