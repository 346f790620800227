"""How close ``goarchlab xbuild`` gets to ideal parallelism over the first-class ports.

Measured in one run, on a warm GOCACHE (one untimed xbuild first):

* single:  each first-class target built alone with ``go build`` (same flags),
           summed over the eight targets;
* ideal:   single / cores, the figure issue 6 names. A warm ``go build`` is itself
           parallel (the go command and the linker keep ~1.3 cores busy), so no
           scheduler can reach it: it counts that parallelism twice. The script
           prints the floor: the single builds' CPU seconds / cores (the floor of
           any scheduler that runs each go build as it is, default GOMAXPROCS);
* ideal-1: each target built alone pinned to one core (``taskset -c 0``), summed,
           divided by the cores: the time of perfect parallelism over the cores,
           each core building one target at a time;
* loop:    a sequential shell loop of ``GOOS=.. GOARCH=.. go build`` (what teams hand-roll);
* xbuild:  ``goarchlab xbuild --first-class`` as a user runs it (a new Python process
           of a venv, as pipx installs it: benchmodule.user_interpreter; including target
           selection, cgo decisions, verification, hashing and manifest).

Each figure is the median of ``--rounds`` rounds, rounds interleaved so drift
hits all of them alike. Goals: xbuild < loop, and xbuild <= 1.10 x the floor
(issue 16; it replaces issue 6's 1.15 x ideal, which counted the go command's own
parallelism twice). bench/xbuild_vs_goreleaser.py compares xbuild with a real peer.

    python bench/xbuild_parallel.py [--go 1.27.3] [--rounds 5]
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmodule import FLAGS, cpu_model, timed, user_interpreter, write_module

from goarchlab import toolchains
from goarchlab.gocmd.distlist import dist_list


def _timed(argv, env, cwd, fresh: Path | None = None) -> tuple[float, float]:
    """:func:`benchmodule.timed`, into an emptied ``fresh`` directory when given."""
    # cmd/go skips the link when the -o file is already up to date (its build ID
    # matches), so every measured build writes into an emptied directory.
    if fresh is not None:
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
    return timed(argv, env, cwd)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--go", default=None, help="Go version (default: the newest installed)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    tc = toolchains.ensure(args.go or "latest", install_missing=True)
    work = Path(tempfile.mkdtemp(prefix="xbuild-bench-"))
    # Also on sys.exit from a failed build (_timed): no work tree left behind.
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    mod = write_module(work)
    env = toolchains.go_environ(tc, dict(os.environ))
    targets = [d for d in dist_list(tc.go, env) if d.first_class]
    cores = os.cpu_count() or 1
    py = user_interpreter(work / "venv")
    xb = [py, "-m", "goarchlab", "xbuild", "--first-class", "--trimpath", "--ldflags",
          FLAGS[2], "--go", str(tc.version).removeprefix("go"), "--json",
          "-o", str(work / "dist")]
    print(f"warming the cache ({len(targets)} targets, {tc.version}) ...", file=sys.stderr)
    _timed(xb, env, mod)
    shutil.rmtree(work / "dist")
    loop_script = "set -e\n" + "".join(
        f"GOOS={d.goos} GOARCH={d.goarch} {shlex.quote(str(tc.go))} build "
        f"{' '.join(shlex.quote(f) for f in FLAGS)} -o {work}/loop/s_{d.goos}_{d.goarch} .\n"
        for d in targets)
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    single, single1, loop, xbuild = [], [], [], []
    cpu_single, cpu_loop, cpu_xbuild = [], [], []
    for i in range(args.rounds):
        s = c = 0.0
        for d in targets:
            w, u = _timed([str(tc.go), "build", *FLAGS, "-o", str(work / "one" / "s"), "."],
                          {**env, "GOOS": d.goos, "GOARCH": d.goarch}, mod, work / "one")
            s, c = s + w, c + u
        single.append(s)
        cpu_single.append(c)
        s1 = 0.0
        for d in targets:
            w, _ = _timed([*pin, str(tc.go), "build", *FLAGS, "-o", str(work / "one" / "s"),
                           "."], {**env, "GOOS": d.goos, "GOARCH": d.goarch}, mod, work / "one")
            s1 += w
        single1.append(s1)
        w, u = _timed(["sh", "-c", loop_script], env, mod, work / "loop")
        loop.append(w)
        cpu_loop.append(u)
        w, u = _timed(xb, env, mod, work / "dist")
        xbuild.append(w)
        cpu_xbuild.append(u)
        print(f"round {i + 1}: single-sum {s:.2f} s, loop {loop[-1]:.2f} s, "
              f"xbuild {xbuild[-1]:.2f} s (ratio to ideal {xbuild[-1] / (s / cores):.3f})",
              file=sys.stderr)
    med = statistics.median
    ideal = med(single) / cores
    cpu = cpu_model()
    print(f"machine: {cores} cores, {cpu}, {platform.system()} {platform.release()}")
    print(f"toolchain: {tc.version}; {len(targets)} first-class targets; {args.rounds} rounds "
          "(medians)")
    print(f"sum of single-target go build times: {med(single):.2f} s")
    print(f"ideal parallel time (sum / {cores} cores): {ideal:.2f} s")
    if pin:
        print(f"sum of single-target builds on one core: {med(single1):.2f} s; "
              f"ideal-1 (/ {cores} cores): {med(single1) / cores:.2f} s")
    print(f"sequential shell loop of go build:   {med(loop):.2f} s")
    print(f"goarchlab xbuild --first-class:       {med(xbuild):.2f} s")
    print(f"xbuild / ideal = {med(xbuild) / ideal:.3f}  (issue 6's goal, replaced: see floor)")
    if pin:
        print(f"xbuild / ideal-1 = {med(xbuild) / (med(single1) / cores):.3f}  "
              "(one core per build)")
    print(f"xbuild / loop  = {med(xbuild) / med(loop):.3f}  (goal < 1)")
    floor = med(cpu_single) / cores
    # The floor of a scheduler that runs each go build as it is; one that makes the
    # builds cheaper (xbuild's GOMAXPROCS share) can go under it.
    print(f"floor: CPU of the single builds / {cores} cores = {floor:.2f} s "
          f"= {floor / ideal:.3f} x ideal (each go build keeps "
          f"{med(cpu_single) / med(single):.2f} cores busy on its own)")
    print(f"xbuild / floor = {med(xbuild) / floor:.3f}  (goal <= 1.10)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (a busy machine inflates "
          "the parallel figures: cores are not free)")
    print(f"CPU seconds (user+sys, medians): single-sum {med(cpu_single):.2f}, loop "
          f"{med(cpu_loop):.2f}, xbuild {med(cpu_xbuild):.2f} "
          f"(xbuild's own work: {med(cpu_xbuild) / med(cpu_single):.3f} x the go builds)")


if __name__ == "__main__":
    main()
