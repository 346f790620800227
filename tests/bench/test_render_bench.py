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
