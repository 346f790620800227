"""Shim overhead: `go version` through GOARCHLAB_HOME/shims/go against the same
toolchain's bin/go, run alternately in one project directory.

Usage: python bench/shim_overhead.py [--home DIR] [--runs N]

HOME defaults to GOARCHLAB_HOME; it must hold an installed toolchain (the
script builds the shims if missing). The project directory is a temp dir with
a go.mod whose go line and a nested .go-version make the shim read files as
it would in a real module. Prints both medians, the difference and the ratio.
Goal (issue 3): difference <= 5 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from benchmodule import shim_home

from goarchlab import proc
from goarchlab.toolchains import resolve


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=200)
    a = ap.parse_args()
    store, installed, state = shim_home(a.home)
    home, tc = store.home, installed[0]
    with tempfile.TemporaryDirectory() as d:
        proj = Path(d) / "mod" / "pkg" / "sub"
        proj.mkdir(parents=True)
        (Path(d) / "mod" / "go.mod").write_text(f"module example.com/m\n\ngo {tc.version.lang}\n")
        (Path(d) / "mod" / "pkg" / ".go-version").write_text(str(tc.version) + "\n")
        choice, got = resolve.resolve(proj, {}, home, installed)
        assert got == tc, (choice, got)
        env = {"PATH": "/usr/bin:/bin", "HOME": d, "GOTOOLCHAIN": "local"}
        direct = [str(tc.go), "version"]
        shim = [str(store.shims / "go"), "version"]
        for argv in (direct, shim):  # warm the page cache
            r = proc.run(argv, env=env, timeout=30, cwd=proj)
            assert r.ok and str(tc.version) in r.stdout, r
        t_direct, t_shim = [], []
        for _ in range(a.runs):
            t_direct.append(proc.run(direct, env=env, timeout=30, cwd=proj).wall_s)
            t_shim.append(proc.run(shim, env=env, timeout=30, cwd=proj).wall_s)
    md, ms = statistics.median(t_direct) * 1e3, statistics.median(t_shim) * 1e3
    print(f"shim kind: {state.kind}; toolchain {tc.version}; {a.runs} runs each, alternating; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"direct  {tc.go} version: median {md:.2f} ms")
    print(f"shim    {store.shims / 'go'} version: median {ms:.2f} ms")
    print(f"overhead {ms - md:+.2f} ms (ratio {ms / md:.3f}); goal <= 5 ms")


if __name__ == "__main__":
    main()
