"""How long ``goarchlab doctor --json`` takes, against its floors.

Measured: ``python -m goarchlab doctor --json`` as a whole process (interpreter
start and imports included), run by a fresh virtual environment's interpreter
that imports goarchlab from this checkout and its dependencies from this
interpreter's site-packages (path lines in a .pth file, as bench/deps_overhead.py
does): what a ``pipx install`` runs, without this machine's own site hooks (a
.pth that imports certifi, ~0.065 s a start here, which is neither goarchlab's
nor in a user's venv).

Anchors, timed in the same interleaved rounds: ``go env -json`` (the one go
command doctor always needs), the base interpreter's ``-c pass`` (site hooks
included) and ``-I -S -c pass`` (no site at all), and the venv interpreter's
``-c pass`` (the floor under the measured figure). The goal (issue 16) is a
doctor median of at most 0.10 s; issue 2's was 0.5 s.

    python bench/doctor_speed.py [-n 21] [--warmup 3] [--go PATH] [--goal 0.10]
                                 [--baseline SRC]

``--baseline SRC`` also times doctor from another source tree (its ``src``
directory, e.g. ``git archive OLD src | tar -x -C /tmp/old`` then
``--baseline /tmp/old/src``) in the same rounds: on a loaded machine, where
every wall time stretches, the two can still be compared.

The go that wins on PATH is used unless ``--go`` names one (its bin directory is
then put first on PATH for doctor too). Run it from a directory that is not a Go
module, or the project checks are timed as well. Every check runs (nothing is
skipped); the report's check count is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmodule import user_interpreter


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


def machine() -> str:
    """CPUs, CPU model, OS and Python version of this machine, on one line."""
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
    return (f"{os.cpu_count()} CPUs ({cpu or 'unknown CPU'}), {osname}, "
            f"Python {platform.python_version()}")


def _line(name: str, xs: list[float]) -> str:
    return (f"{name:<34} median {statistics.median(xs):.3f} s (min {min(xs):.3f}, "
            f"max {max(xs):.3f}, n={len(xs)})")


def main() -> None:
    """Parse the options, time doctor and the anchors, print the medians."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=21, help="timed runs of each command (default 21)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    ap.add_argument("--go", type=Path, help="the go binary to use (default: the one on PATH)")
    ap.add_argument("--goal", type=float, default=0.10, help="goal for doctor's median, s")
    ap.add_argument("--baseline", type=Path, metavar="SRC",
                    help="also time doctor from this source tree (a directory holding goarchlab/)")
    a = ap.parse_args()
    if a.n < 1 or a.warmup < 0:
        sys.exit("-n must be >= 1 and --warmup >= 0")
    env = dict(os.environ)
    if a.go is not None:
        env["PATH"] = os.pathsep.join([str(a.go.resolve().parent), env.get("PATH", "")])
    go = shutil.which("go", path=env.get("PATH"))
    if go is None:
        sys.exit("no go on PATH: install one (goarchlab toolchain install latest) or pass --go")
    if a.baseline is not None and not (a.baseline / "goarchlab").is_dir():
        sys.exit(f"--baseline {a.baseline}: no goarchlab package there")
    base = os.path.realpath(sys.executable)
    with tempfile.TemporaryDirectory(prefix="doctor-speed-") as tmp:
        py = user_interpreter(Path(tmp) / "venv")
        doctor = [py, "-m", "goarchlab", "doctor", "--json"]
        out = subprocess.run(doctor, env=env, capture_output=True, text=True, timeout=120)
        checks = len(json.loads(out.stdout)["checks"])
        skipped = len(json.loads(out.stdout)["skipped"])
        runs = {
            "goarchlab doctor --json": doctor,
            "go env -json": [go, "env", "-json"],
            "venv python -c pass": [py, "-c", "pass"],
            "python3 -c pass (site hooks)": [base, "-c", "pass"],
            "python3 -I -S -c pass": [base, "-I", "-S", "-c", "pass"],
        }
        if a.baseline is not None:
            old = user_interpreter(Path(tmp) / "baseline", a.baseline.resolve())
            runs["baseline doctor --json"] = [old, "-m", "goarchlab", "doctor", "--json"]
        for _ in range(a.warmup):
            for argv in runs.values():
                _time(argv, env)
        wall: dict[str, list[float]] = {k: [] for k in runs}
        cpu: dict[str, list[float]] = {k: [] for k in runs}
        load0 = os.getloadavg()
        for _ in range(a.n):
            for k, argv in runs.items():
                wall[k].append(_time(argv, env, cpu[k]))
        load1 = os.getloadavg()
    md = statistics.median(wall["goarchlab doctor --json"])
    print(f"date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"machine: {machine()}")
    print(f"go: {go}; doctor ran {checks} checks ({skipped} skipped)")
    for k in runs:
        print(_line(k + ":", wall[k]))
    print(f"goal: doctor median <= {a.goal:.2f} s: {'met' if md <= a.goal else 'NOT met'}")
    print("CPU (user+sys, children included) medians: " + ", ".join(
        f"{k} {statistics.median(v):.3f} s" for k, v in cpu.items() if k in (
            "goarchlab doctor --json", "baseline doctor --json", "go env -json",
            "venv python -c pass")))
    print(f"load average (1/5/15 min) {load0[0]:.1f}/{load0[1]:.1f}/{load0[2]:.1f} -> "
          f"{load1[0]:.1f}/{load1[1]:.1f}/{load1[2]:.1f} on {os.cpu_count()} CPUs "
          "(wall times include waiting for a CPU)")


if __name__ == "__main__":
    main()
