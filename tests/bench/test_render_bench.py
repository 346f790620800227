"""The human bench output keeps names that look like rich markup as they are."""

from __future__ import annotations

import pytest

from goarchlab import render
from goarchlab.bench.engine import SuiteStatus, analyse
from goarchlab.bench.model import RunRecord, Sample, Variant


def test_bracketed_names_are_printed_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    # Go sub-benchmark names keep brackets; rich would take "[size=1]" for a style
    # tag (and drop it) and raise on "[/usr]" as a closing tag.
    variants = (Variant("native", "", "linux/amd64", "native"),
                Variant("GOFLAGS=[x]", "", "linux/amd64", "native", (("GOFLAGS", "[x]"),)))
    samples = tuple(
        Sample(v.name, name, "ns/op", tuple(float(i + 100 * k) for i in range(10)))
        for k, v in enumerate(variants)
        for name in ("p/[size=1]-2", "p/[/usr]-2")
    )
    run = RunRecord("r1", "2026-11-27T10:00:00Z", "{}", variants, samples)
    res = analyse(run, [SuiteStatus("p", "GOFLAGS=[x]", "skipped", "no [red]C[/red]")])
    render.emit(res)
    out = capsys.readouterr().out
    for text in ("p/[size=1]-2", "p/[/usr]-2", "GOFLAGS=[x]", "no [red]C[/red]"):
        assert text in out, (text, out)


def test_a_row_shares_one_scale(capsys: pytest.CaptureFixture[str]) -> None:
    """As benchstat and the Markdown/HTML tables: the row's smallest value picks the
    prefix, so 2004.5 ns next to 904.5 ns prints as 2004.5n, not 2.005µ."""
    variants = (Variant("a", "", "linux/amd64", "native"),
                Variant("b", "", "linux/amd64", "native"))
    samples = (Sample("a", "X", "ns/op", tuple(900.0 + i for i in range(10))),
               Sample("b", "X", "ns/op", tuple(2000.0 + i for i in range(10))))
    render.emit(analyse(RunRecord("r1", "2026-11-27T10:00:00Z", "{}", variants, samples)))
    out = capsys.readouterr().out
    assert "904.5n ± 0%" in out and "2004.5n ± 0%" in out, out
