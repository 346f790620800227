"""How long ``goarchlab doctor --json`` takes, against a bare ``go env -json``.

Runs both commands N times, interleaved so machine load affects them alike,
after warm-up runs (warm page cache and Go build cache), and prints the
median wall time of each and their ratio. The goal (issue 2) is a doctor median
of at most 0.5 s with a warm toolchain.

    python bench/doctor_speed.py [-n 21] [--warmup 3] [--go PATH]

The go that wins on PATH is used unless ``--go`` names one (its bin directory is
then put first on PATH for doctor too). The current directory should not be a
Go module, or the project checks are timed as well.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _time(argv: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall seconds of one run; appends its CPU seconds (user+sys, children included)
    to ``cpu``: a figure that other load on the machine barely changes."""
    c0 = _cpu()
    t0 = time.perf_counter()
    r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=120)
    wall = time.perf_counter() - t0
    if cpu is not None:
        cpu.append(_cpu() - c0)
    # doctor exits 1 when it finds errors; that is still a complete run.
    if r.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed (exit {r.returncode}): {r.stderr.decode()[:300]}")
    return wall


def _machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    osname = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    py = platform.python_version()
    return f"{os.cpu_count()} CPUs ({cpu or 'unknown CPU'}), {osname}, Python {py}"


def main() -> None:
    """Parse the options, time both commands, print the medians and their ratio."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=21, help="timed runs of each command (default 21)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    ap.add_argument("--go", type=Path, help="the go binary to use (default: the one on PATH)")
    a = ap.parse_args()
    if a.n < 1 or a.warmup < 0:
        sys.exit("-n must be >= 1 and --warmup >= 0")
    env = dict(os.environ)
    if a.go is not None:
        env["PATH"] = os.pathsep.join([str(a.go.resolve().parent), env.get("PATH", "")])
    go = shutil.which("go", path=env.get("PATH"))
    if go is None:
        sys.exit("no go on PATH: install one (goarchlab toolchain install latest) or pass --go")
    # pip compiles an installed package's bytecode; a source checkout run with
    # PYTHONDONTWRITEBYTECODE=1 (as on this machine) would instead recompile every
    # changed module on every run, and this would measure that.
    import goarchlab

    compileall.compile_dir(Path(goarchlab.__file__).parent, quiet=1)
    doctor = [sys.executable, "-m", "goarchlab", "doctor", "--json"]
    goenv = [go, "env", "-json"]
    for _ in range(a.warmup):
        _time(doctor, env)
        _time(goenv, env)
    d, g, dc, gc = [], [], [], []
    load0 = os.getloadavg()[0]
    for _ in range(a.n):
        d.append(_time(doctor, env, dc))
        g.append(_time(goenv, env, gc))
    load1 = os.getloadavg()[0]
    md, mg = statistics.median(d), statistics.median(g)
    print(f"machine: {_machine()}")
    print(f"go: {go}")
    print(f"goarchlab doctor --json: median {md:.3f} s (min {min(d):.3f}, max {max(d):.3f}, "
          f"n={a.n})")
    print(f"go env -json:            median {mg:.3f} s (min {min(g):.3f}, max {max(g):.3f}, "
          f"n={a.n})")
    print(f"ratio doctor / go env: {md / mg:.1f}x; goal: doctor median <= 0.5 s: "
          f"{'met' if md <= 0.5 else 'NOT met'}")
    print(f"CPU time (user+sys) medians: doctor {statistics.median(dc):.3f} s, go env "
          f"{statistics.median(gc):.3f} s; load average {load0:.1f} -> {load1:.1f} "
          f"on {os.cpu_count()} CPUs (wall times above include waiting for the CPU)")


if __name__ == "__main__":
    main()
