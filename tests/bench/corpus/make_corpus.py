"""Regenerate the benchstat truth-test corpus from real `go test -bench` runs.

Run once by hand (the files are committed; the tests only read them):

    GOARCHLAB_TEST_HOME=/root/.cache/goarchlab-tests python tests/bench/corpus/make_corpus.py

(``--sizes-only`` rewrites just the exact_sizes case, which needs builds but no runs.)

It builds src/ (small stdlib benchmarks) with go1.27.3 for linux/amd64 and linux/arm64
and with go1.22.10 for linux/amd64, runs the amd64 binaries natively and the arm64
binary under qemu-aarch64, and writes one directory per case with its input files in
column order (01-*.txt is benchstat's baseline). Raw output is kept as printed,
including `go test` noise lines, so the reader's tolerance is exercised too.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

from goarchlab.proc import run
from goarchlab.toolchains.install import install_pypi

HERE = Path(__file__).resolve().parent
HOME = Path(os.environ.get("GOARCHLAB_TEST_HOME", tempfile.mkdtemp(prefix="corpus-home-")))
NATIVE = ("linux", {"x86_64": "amd64", "aarch64": "arm64"}[platform.machine()])
QEMU = "/usr/bin/qemu-aarch64"


def build(version: str, goarch: str, out: Path, *flags: str) -> Path:
    tc = install_pypi(version, home=HOME, goos="linux", goarch=goarch, native=NATIVE)
    env = {
        "PATH": f"{tc.goroot / 'bin'}:/usr/bin:/bin",
        "HOME": str(out.parent),
        "GOCACHE": str(HOME / "gocache"),
        "GOMODCACHE": str(HOME / "gomodcache"),
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-modcacherw",
        "GOOS": "linux",
        "GOARCH": goarch,
        "CGO_ENABLED": "0",
    }
    argv = ["go", "test", "-c", *flags, "-o", str(out), "."]
    res = run(argv, env=env, cwd=HERE / "src", timeout=300)
    if res.returncode != 0:
        sys.exit(res.stderr)
    return out


def bench(binary: Path, *flags: str, qemu: bool = False) -> str:
    argv = [str(binary), "-test.run", "^$", *flags]
    if qemu:
        argv = [QEMU, *argv]
    res = run(argv, env={"PATH": "/usr/bin:/bin", "GOMAXPROCS": "2"}, timeout=600)
    if res.returncode != 0:
        sys.exit(res.stdout + res.stderr)
    return res.stdout


def sizes_case(binaries: dict[str, list[Path]]) -> None:
    """Binary sizes (an exact measurement, ``Unit B assume=exact``): one file per
    toolchain/target, one line per build; a second build with -ldflags=-s -w is listed
    under the same name in the last file so the exact-assumption warning fires."""
    d = HERE / "exact_sizes"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    for i, (label, paths) in enumerate(binaries.items(), 1):
        lines = ["Unit B assume=exact", "goos: linux", "pkg: example.com/corpus"]
        lines += [f"BenchmarkTestBinary 1 {p.stat().st_size} B" for p in paths]
        (d / f"{i:02d}-{label}.txt").write_text("\n".join(lines) + "\n")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="corpus-"))
    new_amd = build("1.27.3", "amd64", tmp / "new-amd64.test")
    old_amd = build("1.22.10", "amd64", tmp / "old-amd64.test")
    new_arm = build("1.27.3", "arm64", tmp / "new-arm64.test")
    stripped = build("1.27.3", "amd64", tmp / "stripped-amd64.test", "-ldflags=-s -w")
    sizes_case(
        {
            "go1.22": [old_amd],
            "go1.27": [new_amd],
            "arm64": [new_arm, new_arm],
            "mixed": [new_amd, stripped, new_amd],
        }
    )
    if "--sizes-only" in sys.argv:
        return

    def b(binary: Path, count: int, benchtime: str, pattern: str = ".", *extra: str) -> str:
        return bench(
            binary,
            "-test.bench",
            pattern,
            "-test.count",
            str(count),
            "-test.benchtime",
            benchtime,
            *extra,
            qemu=binary == new_arm,
        )

    quick = "SortInts|MapFill|Builder"
    cases: dict[str, list[tuple[str, str]]] = {
        # translated against native: large, certain differences
        "native_vs_qemu": [
            ("native", b(new_amd, 10, "2000x")),
            ("qemu", b(new_arm, 10, "2000x")),
        ],
        # the same binary twice: mostly no significant difference
        "same_binary": [("a", b(new_amd, 10, "3000x")), ("b", b(new_amd, 10, "3000x"))],
        # two toolchains
        "go122_vs_go127": [("go1.22", b(old_amd, 8, "3000x")), ("go1.27", b(new_amd, 8, "3000x"))],
        # too few samples for a test (n < 4) and for a confidence interval (n < 6)
        "n3": [("a", b(new_amd, 3, "2000x")), ("b", b(new_amd, 3, "2000x"))],
        "n5": [("a", b(new_amd, 5, "2000x")), ("b", b(new_arm, 5, "1000x"))],
        # unequal sample sizes
        "uneven": [("a", b(new_amd, 7, "2000x")), ("b", b(new_amd, 12, "2000x"))],
        # n > 25 with ties and n > 30: the normal approximations
        "n35": [("a", b(new_amd, 35, "500x", quick)), ("b", b(new_amd, 35, "500x", quick))],
        "n60": [("a", b(new_amd, 60, "200x", quick)), ("b", b(old_amd, 55, "200x", quick))],
        # GOMAXPROCS suffixes (-cpu 1,2)
        "cpu_procs": [
            ("a", b(new_amd, 6, "2000x", "SHA256|BigMul", "-test.cpu", "1,2")),
            ("b", b(new_amd, 6, "2000x", "SHA256|BigMul", "-test.cpu", "1,2")),
        ],
        # coarse values (one iteration per run) give ties in ns/op
        "coarse_1x": [("a", b(new_amd, 12, "1x", quick)), ("b", b(old_amd, 12, "1x", quick))],
        # three columns: every later column is compared with the first
        "three_way": [
            ("native", b(new_amd, 6, "2000x")),
            ("go1.22", b(old_amd, 6, "2000x")),
            ("qemu", b(new_arm, 6, "1000x")),
        ],
    }
    for case, files in cases.items():
        d = HERE / case
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        for i, (label, text) in enumerate(files, 1):
            (d / f"{i:02d}-{label}.txt").write_text(text)
        print(case, [len(t.splitlines()) for _, t in files])
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
