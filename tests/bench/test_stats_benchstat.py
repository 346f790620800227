"""goarchlab's statistics against the real benchstat (golang.org/x/perf/cmd/benchstat).

benchstat is installed once per session with the session toolchain through the Go
module proxy at a pinned version. Every table row of every corpus case must agree:
centre, CI text, verdict (delta), p within 0.001, n, warnings, the geomean row.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from goarchlab.bench import benchfmt, stats
from goarchlab.bench.model import Sample
from goarchlab.proc import run
from goarchlab.render import to_jsonable
from goarchlab.render.bench_text import format_results

sys.path.insert(0, str(Path(__file__).parent))
from benchstat_oracle import PERF_VERSION, benchstat_csv, mismatches

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and list(p.glob("*.txt")))
GOLDEN = CORPUS / "golden"


@pytest.fixture(scope="session")
def benchstat(go_new, go_caches, session_home: Path) -> Path:
    """The benchstat binary at PERF_VERSION, built by the session's Go."""
    gobin = session_home / "gobin" / f"perf-{PERF_VERSION}"
    exe = gobin / "benchstat"
    if not exe.exists():
        gobin.mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": f"{go_new.goroot / 'bin'}:/usr/bin:/bin",
            "HOME": str(session_home),
            "GOBIN": str(gobin),
            "GOTOOLCHAIN": "local",
            "GOFLAGS": "-modcacherw",
            "CGO_ENABLED": "0",
            **go_caches,
        }
        res = run(
            ["go", "install", f"golang.org/x/perf/cmd/benchstat@{PERF_VERSION}"],
            env=env,
            timeout=600,
        )
        assert res.returncode == 0, res.stderr
    return exe


def case_files(case: str) -> list[Path]:
    return sorted((CORPUS / case).glob("*.txt"))


def my_tables(files: list[Path], **kw):
    labels = [f.name for f in files]
    samples: list[Sample] = []
    units: dict[tuple[str, str], str] = {}
    for f, label in zip(files, labels, strict=True):
        parsed = benchfmt.parse(f.read_text())
        samples += parsed.samples(variant=label)
        units.update(parsed.unit_metadata)
    assume = {u: v for (u, k), v in units.items() if k == "assume"}
    return stats.build_tables(samples, labels, assume=assume, **kw)


def assert_agree(bs_tables, mine) -> None:
    by_unit = {t.unit: t for t in mine}
    assert sorted(by_unit) == sorted(t.unit for t in bs_tables)
    problems = []
    for bt in bs_tables:
        # benchstat labels columns by file path; ours are the file names.
        problems += mismatches(bt, by_unit[bt.unit])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES)
def test_corpus_matches_benchstat(benchstat: Path, case: str) -> None:
    files = case_files(case)
    bs = benchstat_csv(benchstat, files)
    mine = my_tables(files)
    assert_agree(bs, mine)
    # The corpus must exercise what it claims to: rows were compared, not zero.
    assert sum(len(t.rows) for t in bs) >= 1 and len(bs[0].columns) >= 2


@pytest.mark.parametrize(
    ("case", "alpha", "confidence"),
    [("same_binary", 0.2, 0.9), ("n60", 0.01, 0.99), ("uneven", 0.1, 0.5), ("n35", 0.05, 0.8)],
)
def test_corpus_other_levels(benchstat: Path, case: str, alpha: float, confidence: float) -> None:
    files = case_files(case)
    bs = benchstat_csv(benchstat, files, alpha=alpha, confidence=confidence)
    assert_agree(bs, my_tables(files, alpha=alpha, confidence=confidence))


def test_corpus_covers_the_hard_cases(benchstat: Path) -> None:
    """The corpus holds significant and non-significant rows, ties, n<4 and n<6."""
    verdicts, warnings = [], set()
    for case in CASES:
        for t in my_tables(case_files(case)):
            for r in t.rows:
                for c in r.cells[1:]:
                    if c and c.comparison:
                        verdicts.append(c.comparison.verdict)
            warnings.update(t.footnotes)
    assert any(v == "~" for v in verdicts)
    assert any(v.endswith("%") for v in verdicts)
    assert "all samples are equal" in warnings
    assert "need >= 6 samples for confidence interval at level 0.95" in warnings
    assert "need >= 4 samples to detect a difference at alpha level 0.05" in warnings
    assert "exact distribution expected, but values range from 3.248288e+06 to 4.844694e+06" in (
        warnings
    )


def _random_samples(seed: int, rows: int) -> list[Sample]:
    # Shapes chosen to hit every branch: continuous values, heavy ties, coarse
    # integers, shifted pairs; sizes 1..60 cross every exact/approximate limit.
    rnd = random.Random(seed)
    out = []
    for b in range(rows):
        n1, n2 = rnd.randint(1, 60), rnd.randint(1, 60)
        mode = rnd.choice(["cont", "ties", "coarse", "shift"])
        shift = rnd.choice([0, 0, 1, 3, 10])

        def gen(n: int, s: float, mode: str = mode) -> tuple[float, ...]:
            if mode == "cont":
                return tuple(round(rnd.gauss(100 + s, 5), 3) for _ in range(n))
            if mode == "ties":
                return tuple(float(rnd.randint(1, 4) + s) for _ in range(n))
            if mode == "coarse":
                return tuple(float(rnd.randint(90, 110) + s) for _ in range(n))
            return tuple(round(rnd.gauss(100 + s, 3), 1) for _ in range(n))

        out.append(Sample("old", f"R{b}", "x/op", gen(n1, 0)))
        out.append(Sample("new", f"R{b}", "x/op", gen(n2, shift)))
    return out


@pytest.mark.parametrize(
    ("seed", "alpha", "confidence"), [(1, 0.05, 0.95), (2, 0.01, 0.99), (3, 0.1, 0.9)]
)
def test_random_samples_match_benchstat(
    benchstat: Path, tmp_path: Path, seed: int, alpha: float, confidence: float
) -> None:
    """Seeded random samples written by our benchfmt writer: benchstat reads them and
    agrees with us on every row (also checks the writer's output is benchstat-readable)."""
    samples = _random_samples(seed, 150)
    files = []
    for v in ("old", "new"):
        p = tmp_path / f"{v}.txt"
        mine_v = [s for s in samples if s.variant == v]
        p.write_text(format_results(mine_v, {"goos": "linux"}, variant_key=None))
        files.append(p)
    bs = benchstat_csv(benchstat, files, alpha=alpha, confidence=confidence)
    assert len(bs) == 1 and len(bs[0].rows) == 150
    assert_agree(
        bs, stats.build_tables(samples, ["old", "new"], alpha=alpha, confidence=confidence)
    )


def test_writer_blocks_compare_with_col_variant(benchstat: Path, tmp_path: Path) -> None:
    """One file with both variants (config per variant, runner line): benchstat
    -col variant compares them like two files."""
    samples = [s for s in _random_samples(7, 20)]
    cfg = {
        "old": {"goos": "linux", "goarch": "amd64", "runner": "native"},
        "new": {"goos": "linux", "goarch": "arm64", "runner": "qemu-aarch64"},
    }
    f = tmp_path / "both.txt"
    f.write_text(format_results(samples, cfg))
    res = run(
        [str(benchstat), "-format", "csv", "-table", "", "-col", "variant", str(f)],
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert res.returncode == 0 and not any("syntax" in ln for ln in res.stderr.splitlines())
    # The flags goarchlab suggests for such a file (bench --format help) put both
    # variants in one table.
    args = ["-col", "variant", "-ignore", "goarch,runner,go"]
    plain = run([str(benchstat), *args, str(f)], env={"PATH": "/usr/bin:/bin"}, timeout=60)
    assert plain.stdout.count("vs base") == 1, plain.stdout  # one table, compared
    from benchstat_oracle import parse_csv

    bs = parse_csv(res.stdout, res.stderr)
    assert bs[0].columns == ["old", "new"]
    assert_agree(bs, stats.build_tables(samples, ["old", "new"]))


@pytest.mark.parametrize("case", CASES)
def test_golden_tables(case: str, request: pytest.FixtureRequest) -> None:
    """The table data the renderers receive, frozen per corpus case (regenerate with
    GOARCHLAB_UPDATE_GOLDEN=1 after an intended change)."""
    import os

    files = case_files(case)
    got = json.dumps(to_jsonable(my_tables(files)), indent=1, sort_keys=True) + "\n"
    path = GOLDEN / f"{case}.json"
    if os.environ.get("GOARCHLAB_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got)
    assert path.exists(), f"missing golden file {path}"
    assert got == path.read_text()


def test_custom_units_are_tidied_as_benchstat(benchstat: Path, tmp_path: Path) -> None:
    """Units with ``ns``/``MB`` tokens after a '-' (the alloc and sched workloads'
    ``gc-pause-p50-ns``) land in benchstat's tables under benchstat's tidied names."""
    rnd = random.Random(11)
    units = ("ns/op", "gc-pause-p50-ns", "peak-MB", "op/ns", "MB*MB/s")
    samples = [
        Sample(v, "Alloc-2", u, tuple(float(rnd.randint(100, 120) + shift) for _ in range(8)))
        for v, shift in (("old", 0), ("new", 30))
        for u in units
    ]
    files = []
    for v in ("old", "new"):
        p = tmp_path / f"{v}.txt"
        p.write_text(format_results([s for s in samples if s.variant == v],
                                             {"goos": "linux"}, variant_key=None))
        files.append(p)
    bs = benchstat_csv(benchstat, files)
    mine = stats.build_tables(samples, ["old", "new"])
    assert {t.unit for t in mine} == {"sec/op", "gc-pause-p50-sec", "peak-B", "op/ns", "B*B/s"}
    assert_agree(bs, mine)
