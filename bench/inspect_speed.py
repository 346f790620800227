"""inspect() time against the anchor of reading the same file once.

Usage: python bench/inspect_speed.py [--runs N] [FILE ...]

Without FILE, measures the go and gofmt binaries of every toolchain installed
under GOARCHLAB_HOME (or GOARCHLAB_TEST_HOME, where the tests keep theirs),
plus a universal Mach-O assembled from the darwin ones when both are there.
Both measurements run alternately, page cache warm, in this process; each
figure is the median over N runs. ``ratio`` = inspect / read: below 1 means
inspect costs less than merely reading the file into Python.
Goal (issue 2): well under 50 ms for a 15 MB go binary.
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

from goarchlab.binary import inspect
from goarchlab.toolchains.model import goarchlab_home


def _read(path: Path) -> None:
    with open(path, "rb") as f:
        f.read()


def _median_ms(fn, path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(path)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def _toolchain_binaries() -> list[Path]:
    home = Path(os.environ.get("GOARCHLAB_TEST_HOME") or goarchlab_home())
    found = sorted(home.glob("toolchains/*/bin/go*"))
    return [p for p in found if p.name in ("go", "gofmt", "go.exe", "gofmt.exe")]


def _universal(files: list[Path], tmp: Path) -> Path | None:
    arm = next((p for p in files if "darwin-arm64" in str(p) and p.name == "go"), None)
    amd = next((p for p in files if "darwin-amd64" in str(p) and p.name == "go"), None)
    if not (arm and amd):
        return None
    # Same layout as tests/binary/binary_helpers.make_universal (lipo's alignment).
    slices = [(0x0100000C, 0, arm, 14), (0x01000007, 3, amd, 12)]
    dest = tmp / "go-universal"
    off, archs = 16384, []
    for cpu, sub, p, align in slices:
        off = (off + (1 << align) - 1) & ~((1 << align) - 1)
        archs.append((cpu, sub, off, p.stat().st_size, align, p))
        off += p.stat().st_size
    with open(dest, "wb") as f:
        f.write(struct.pack(">II", 0xCAFEBABE, len(archs)))
        for cpu, sub, o, n, align, _p in archs:
            f.write(struct.pack(">iiIII", cpu, sub, o, n, align))
        for _cpu, _sub, o, _n, _align, p in archs:
            f.seek(o)
            f.write(p.read_bytes())
    return dest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("files", nargs="*", type=Path)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        files = a.files or _toolchain_binaries()
        if not a.files and (u := _universal(files, Path(d))):
            files.append(u)
        if not files:
            sys.exit("no files: pass FILE arguments or install a toolchain")
        print(f"{'file':60} {'MB':>6} {'inspect ms':>11} {'read ms':>8} {'ratio':>6}")
        ratios = []
        for p in files:
            inspect(p)
            _read(p)  # warm the page cache for both
            t_inspect = _median_ms(inspect, p, a.runs)
            t_read = _median_ms(_read, p, a.runs)
            ratios.append(t_inspect / t_read)
            label = str(p) if len(str(p)) <= 60 else "…" + str(p)[-59:]
            print(
                f"{label:60} {p.stat().st_size / 1e6:6.1f} {t_inspect:11.2f} "
                f"{t_read:8.2f} {t_inspect / t_read:6.2f}"
            )
        print(f"median ratio inspect/read: {statistics.median(ratios):.2f} over {len(files)} files")


if __name__ == "__main__":
    main()
