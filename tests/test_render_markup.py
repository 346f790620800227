"""Text from the go command reaches the terminal as written: rich markup in a Go
message (``map[string]int``, ``[/x]``) is escaped, not read as a style tag."""

from __future__ import annotations

from goarchlab import render
from goarchlab.matrix.model import Cell, MatrixReport
from goarchlab.xbuild.model import TargetResult, XbuildReport

GO_ERROR = "./m.go:3:6: cannot use x (variable of type map[string]int) as [/x] value"
#: Rich would print "map[string]int" as "mapint"; "[/x]" raises MarkupError.


def test_xbuild_failure_reason_is_printed_verbatim(capsys):
    t = TargetResult("linux/arm64", "build-failed", GO_ERROR, (GO_ERROR,), "0", 0.4, None, (),
                     None)
    render.emit(XbuildReport("example.com/[b]", "m", "go1.27.3", "/go", "/tmp/[dist]", {}, 2,
                             0.5, (t,), None, None))
    out = " ".join(capsys.readouterr().out.split())  # line wrapping aside
    assert f"build-failed: {GO_ERROR}" in out
    assert "example.com/[b]" in out and "/tmp/[dist]" in out


def test_matrix_failure_detail_is_printed_verbatim(capsys):
    cell = Cell("go1.27.3", "linux/amd64", "build", "fail", GO_ERROR, 0.4, "", "linux/amd64")
    render.emit(MatrixReport(("linux/amd64",), ("go1.27.3",), ("linux/amd64",), ("./...",), (),
                             (cell,), 0.5))
    out = " ".join(capsys.readouterr().out.split())  # line wrapping aside
    assert GO_ERROR in out


def test_progress_line_shows_names_with_brackets(monkeypatch):
    """The progress bar's 'what' column names benchmarks and targets: Parse/[/x]
    raised MarkupError mid-run on a terminal."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    monkeypatch.setattr(render, "console", lambda stderr=False: Console(
        file=buf, force_terminal=True, width=100))
    with render.progress("bench") as update:
        update(1, 3, "BenchmarkParse/[/x]")
        update(2, 3, "BenchmarkParse/[size=1]")
    assert "BenchmarkParse/[size=1]" in buf.getvalue()
