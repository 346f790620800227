"""The Go benchmark format reader and writer, on real `go test -bench` output."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goarchlab.bench import benchfmt
from goarchlab.bench.model import Sample
from goarchlab.render.bench_text import format_results

CORPUS = Path(__file__).parent / "corpus"


def test_reads_real_qemu_output_with_noise() -> None:
    text = (CORPUS / "native_vs_qemu" / "02-qemu.txt").read_text()
    assert "PASS" in text  # go test's trailer is part of the recorded output
    parsed = benchfmt.parse(text)
    assert not parsed.errors
    first = parsed.results[0]
    assert first.name == "SHA256/size=64-2"
    assert first.config_value("goarch") == "arm64"
    assert first.config_value("cpu").startswith("Intel")
    assert first.config_value("pkg") == "example.com/corpus"
    assert [u for _, u in first.values] == ["ns/op", "MB/s"]
    samples = {(s.benchmark, s.unit): s for s in parsed.samples(variant="qemu")}
    assert len(samples[("SHA256/size=64-2", "ns/op")].values) == 10
    builder = {u for (b, u) in samples if b == "Builder-2"}
    assert builder == {"ns/op", "writes/op", "B/op", "allocs/op"}
    assert samples[("Builder-2", "allocs/op")].iterations == (2000,) * 10


def test_procs_suffixes_are_part_of_the_name() -> None:
    parsed = benchfmt.parse((CORPUS / "cpu_procs" / "01-a.txt").read_text())
    names = {r.name for r in parsed.results}
    assert {"BigMul", "BigMul-2", "SHA256/size=64", "SHA256/size=64-2"} <= names


def test_tolerates_go_test_noise_and_reports_malformed_lines() -> None:
    text = "\n".join(
        [
            "goos: linux",
            "goarch: amd64",
            "=== RUN   TestNothing",
            "BenchmarkVerbose",  # go test -v progress line: skipped
            "BenchmarkA-8   \t 1000\t  12.5 ns/op\t  3 B/op\t 1 allocs/op",
            "    some_test.go:12: log output",
            "--- BENCH: BenchmarkA-8",
            "BenchmarkBad-8 abc 1 ns/op",
            "BenchmarkNoUnit-8 10 5",
            "BenchmarkNoValues-8 10",
            "Unit B/op assume=exact better=lower",
            "key:novalue-without-space",
            "goarch:",  # empty value deletes the key
            "BenchmarkA-8 1000 13 ns/op 3 B/op 1 allocs/op",
            "PASS",
            "ok  \texample.com/x\t1.234s",
        ]
    )
    p = benchfmt.parse(text)
    assert [r.name for r in p.results] == ["A-8", "A-8"]
    assert p.results[0].values == ((12.5, "ns/op"), (3.0, "B/op"), (1.0, "allocs/op"))
    assert p.results[0].config == (("goos", "linux"), ("goarch", "amd64"))
    assert p.results[1].config == (("goos", "linux"),)
    assert [e.line for e in p.errors] == [8, 9, 10]
    assert "iteration count" in p.errors[0].message
    assert p.errors[1].message == "missing units"
    assert p.errors[2].message == "missing measurements"
    assert p.unit_metadata == {("B/op", "assume"): "exact", ("B/op", "better"): "lower"}


def test_unit_tidying_matches_benchstat() -> None:
    assert benchfmt.tidy_unit("ns/op") == ("sec/op", 1e-9)
    assert benchfmt.tidy_unit("MB/s") == ("B/s", 1e6)
    assert benchfmt.tidy_unit("B/op") == ("B/op", 1.0)
    assert benchfmt.tidy_unit("ns/GC") == ("sec/GC", 1e-9)
    assert benchfmt.tidy_unit("op/ns") == ("op/ns", 1.0)  # denominators are left alone
    assert benchfmt.tidy_unit("writes/op") == ("writes/op", 1.0)
    # benchunit's TestTidy cases: '-' separates tokens, '*' returns to the numerator.
    assert benchfmt.tidy_unit("x-ns/op") == ("x-sec/op", 1e-9)
    assert benchfmt.tidy_unit("x-MB/s") == ("x-B/s", 1e6)
    assert benchfmt.tidy_unit("x-B/op") == ("x-B/op", 1.0)
    assert benchfmt.tidy_unit("x-allocs/op") == ("x-allocs/op", 1.0)
    assert benchfmt.tidy_unit("MB*MB/s") == ("B*B/s", 1e6 * 1e6)
    assert benchfmt.tidy_unit("MB/MB") == ("B/MB", 1e6)
    assert benchfmt.tidy_unit("op/ns*ns") == ("op/ns*sec", 1e-9)


def test_writer_groups_units_per_line_and_sets_config_once() -> None:
    samples = [
        Sample("native", "Sha/size=64-2", "ns/op", (100.0, 101.5), (5000, 5000)),
        Sample("native", "Sha/size=64-2", "B/op", (0.0, 0.0), (5000, 5000)),
        Sample("qemu", "Sha/size=64-2", "ns/op", (1900.0,)),
    ]
    cfg = {
        "native": {"goos": "linux", "goarch": "amd64", "cpu": "Xeon"},
        "qemu": {"goos": "linux", "goarch": "arm64", "runner": "qemu-aarch64"},
    }
    text = format_results(samples, cfg, unit_metadata={("B/op", "assume"): "exact"})
    assert text.splitlines() == [
        "Unit B/op assume=exact",
        "goos: linux",
        "goarch: amd64",
        "cpu: Xeon",
        "variant: native",
        "BenchmarkSha/size=64-2\t5000\t100 ns/op 0 B/op",
        "BenchmarkSha/size=64-2\t5000\t101.5 ns/op 0 B/op",
        "cpu:",
        "goarch: arm64",
        "runner: qemu-aarch64",
        "variant: qemu",
        "BenchmarkSha/size=64-2\t1\t1900 ns/op",
    ]
    back = benchfmt.parse(text)
    qemu = Sample("qemu", "Sha/size=64-2", "ns/op", (1900.0,), (1,))
    assert back.samples() == (*samples[:2], qemu)
    assert back.unit_metadata == {("B/op", "assume"): "exact"}
    assert back.results[-1].config_value("cpu") == ""


def test_writer_rejects_multiline_config() -> None:
    with pytest.raises(ValueError):
        format_results([Sample("a", "X", "ns/op", (1.0,))], {"cpu": "a\nb"})


names = st.from_regex(r"[A-Z][A-Za-z0-9_/=.]{0,12}(-[1-9])?", fullmatch=True)
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


rows_st = st.lists(
    st.tuples(
        names, st.sampled_from(["ns/op", "B/op", "x/s"]), st.lists(finite, min_size=1, max_size=5)
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(rows_st)
def test_round_trip(rows: list[tuple[str, str, list[float]]]) -> None:
    """Whatever the writer emits, the reader gives back (values exactly)."""
    samples: dict[tuple[str, str], Sample] = {}
    for name, unit, vals in rows:
        samples.setdefault((name, unit), Sample("v", name, unit, tuple(vals)))
    text = format_results(list(samples.values()), {"goos": "linux"})
    back = {(s.benchmark, s.unit): s.values for s in benchfmt.parse(text).samples()}
    assert back == {k: s.values for k, s in samples.items()}


def test_special_values_as_parsefloat_reads_them() -> None:
    """Infinities and NaN: the writer does not crash on them and the reader takes
    ParseFloat's spellings ([+-]inf, [+-]infinity, nan in any case), nothing else."""
    text = format_results([Sample("a", "X", "x", (math.inf, -math.inf, math.nan))])
    got = [r.values[0][0] for r in benchfmt.parse(text).results]
    assert got[:2] == [math.inf, -math.inf] and math.isnan(got[2])
    p = benchfmt.parse("BenchmarkX 1 +Infinity a -INF b NaN c\nBenchmarkY 1 +nan a\n"
                       "BenchmarkZ 1 infin a\n")
    assert p.results[0].values[:2] == ((math.inf, "a"), (-math.inf, "b"))
    assert math.isnan(p.results[0].values[2][0])
    assert [e.line for e in p.errors] == [2, 3]
