"""How long ``goarchlab.host.detect()`` takes, against one bare ``gcc -dumpmachine``.

detect() runs inside doctor's 0.5 s budget, so it must stay well under 100 ms.
Both are timed N times, interleaved, after warm-up; the script prints the
median of each and their ratio (the anchor is the cheapest subprocess detect
itself needs, so the ratio says how many such spawns detect() costs).

    python bench/host_detect.py [-n 31] [--warmup 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time

from goarchlab import proc
from goarchlab.host import detect


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=31)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        sys.stderr.write("no gcc/cc on PATH: nothing to anchor against\n")
        return 3
    env = dict(os.environ)

    def anchor() -> float:
        t = time.perf_counter()
        proc.run([cc, "-dumpmachine"], env=env, timeout=10)
        return time.perf_counter() - t

    def det() -> float:
        t = time.perf_counter()
        detect()
        return time.perf_counter() - t

    for _ in range(a.warmup):
        anchor(), det()
    da, dd = [], []
    for _ in range(a.n):
        da.append(anchor())
        dd.append(det())
    ma, md = statistics.median(da), statistics.median(dd)
    cpu = detect().cpu_model or platform.processor()
    sys.stdout.write(
        f"machine: {os.cpu_count()} CPUs, {cpu}, {platform.platform()}\n"
        f"gcc -dumpmachine  median {ma * 1000:7.2f} ms  (n={a.n})\n"
        f"host.detect()     median {md * 1000:7.2f} ms  (n={a.n})\n"
        f"ratio detect/anchor: {md / ma:.2f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
