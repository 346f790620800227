"""Activation hook cost per prompt: the helper the hook of
``goarchlab shell-init bash --activate`` runs on every prompt
(GOARCHLAB_HOME/shims/goarchlab-activate bash KEY, with the key the previous
prompt left, so it prints nothing), against a bare spawn of ``true``,
alternated, in a project directory (a module with go.mod whose nested
directory has a .go-version).

Usage: python bench/activate_overhead.py [--home DIR] [--runs N]

HOME defaults to GOARCHLAB_HOME; it must hold an installed toolchain (the
script builds the shims and helper if missing). Both are spawned the same way
(goarchlab.proc: fork/exec from Python, perf_counter around it) and nothing
is subtracted. Also shown, for information: the hook function as bash runs it
(command substitution included), timed inside one bash with EPOCHREALTIME.
The last line is ``hook median X ms``. Goal (issue 16): at most 3 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
from pathlib import Path

from goarchlab import proc
from goarchlab.toolchains import hostplat, resolve, shims
from goarchlab.toolchains.model import goarchlab_home
from goarchlab.toolchains.store import Store


def _spread(xs: list[float]) -> str:
    q = statistics.quantiles(xs, n=10)
    return (f"median {statistics.median(xs):.2f} ms, p10 {q[0]:.2f}, p90 {q[-1]:.2f}, "
            f"min {min(xs):.2f}, max {max(xs):.2f}")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=300)
    a = ap.parse_args()
    home = a.home or goarchlab_home()
    store = Store(home, hostplat.native())
    installed = store.native_installed()
    if not installed:
        raise SystemExit(f"no toolchain in {home}: goarchlab toolchain install latest")
    shims.ensure(store, os.environ, print)
    helper = store.shims / shims.ACTIVATE
    tc = installed[0]
    with tempfile.TemporaryDirectory() as d:
        proj = Path(d) / "mod" / "pkg" / "sub"
        proj.mkdir(parents=True)
        (Path(d) / "mod" / "go.mod").write_text(f"module example.com/m\n\ngo {tc.version.lang}\n")
        (Path(d) / "mod" / "pkg" / ".go-version").write_text(str(tc.version) + "\n")
        choice, got = resolve.resolve(proj, {}, home, installed)
        assert got == tc, (choice, got)
        env = {"PATH": f"{tc.goroot / 'bin'}:{store.shims}:/usr/bin:/bin", "HOME": d,
               "GOARCHLAB_ACTIVE": str(tc.goroot), "GOROOT": str(tc.goroot)}
        first = proc.run([str(helper), "bash", ""], env=env, timeout=30, cwd=proj)
        assert first.ok and f"_goarchlab_key='{tc.goroot}'" in first.stdout, first
        hook = [str(helper), "bash", str(tc.goroot)]
        anchor = ["true"]
        for argv in (hook, anchor):  # warm the page cache
            r = proc.run(argv, env=env, timeout=30, cwd=proj)
            assert r.ok and r.stdout == "" and r.stderr == "", r
        t_hook, t_true = [], []
        for _ in range(a.runs):
            t_true.append(proc.run(anchor, env=env, timeout=30, cwd=proj).wall_s * 1e3)
            t_hook.append(proc.run(hook, env=env, timeout=30, cwd=proj).wall_s * 1e3)
        # The hook function as bash runs it at a prompt: $(...) fork + the helper + test.
        script = (shims.activate_snippet("bash", store.shims)
                  + f"n={a.runs}; t0=$EPOCHREALTIME\n"
                  "for ((i=0; i<n; i++)); do _goarchlab_activate; done\n"
                  "t1=$EPOCHREALTIME; echo \"$t0 $t1 $n\"\n")
        r = proc.run(["bash", "-c", script], env=env, timeout=600, cwd=proj)
        t0, t1, n = r.stdout.split()[-3:]
        in_bash = (float(t1) - float(t0)) * 1e3 / int(n)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{platform.node()} {_cpu()}; nproc {os.cpu_count()}; load average {load}")
    print(f"helper {helper} bash KEY (unchanged: prints nothing); toolchain {tc.version}; "
          f"{a.runs} runs each, alternating")
    print(f"true    {_spread(t_true)}")
    print(f"hook    {_spread(t_hook)}")
    mt, mh = statistics.median(t_true), statistics.median(t_hook)
    print(f"ratio hook/true {mh / mt:.2f}; in bash (hook function, $(...) included, mean of "
          f"{n}): {in_bash:.2f} ms; goal <= 3 ms")
    print(f"hook median {mh:.2f} ms")


if __name__ == "__main__":
    main()
