"""The HTML report from a real ``goarchlab bench http cpu --report`` run, opened in
headless Chromium: it renders, shows the tables and flame graphs, logs nothing to
the console and makes no network request."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from chromium_probe import load

from goarchlab import proc


@pytest.mark.slow  # a real Chromium
def test_the_probe_sees_console_errors_and_requests(tmp_path):
    """The checks below can fail: a page that logs and fetches is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>console.error('boom'); fetch('http://127.0.0.1:9/x')"
                    ".catch(function(){}); new Image().src='https://example.invalid/a.png';"
                    "</script></body></html>")
    got = load(page, tmp_path)
    assert any("boom" in c for c in got.console)
    assert "http://127.0.0.1:9/x" in got.page_requests
    assert "https://example.invalid/a.png" in got.page_requests


@pytest.fixture(scope="module")
def report_run(tmp_path_factory, http_home, session_go_env, built):
    """``goarchlab bench http cpu --report`` end to end (native against qemu-arm64)."""
    d = tmp_path_factory.mktemp("report")
    home = d / "home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / "bench").symlink_to(http_home / "cache" / "bench")
    env = {**session_go_env, "GOARCHLAB_HOME": str(home), "COLUMNS": "200"}
    report = d / "r.html"
    argv = [sys.executable, "-m", "goarchlab", "bench", "http", "cpu", "-n", "2",
            "--duration", "1s", "--connections", "8", "--benchtime", "2x", "--bench",
            "SHA256/64B|BigMul", "--report", str(report), "--json"]
    r = proc.run(argv, env=env, timeout=600, cwd=d)
    assert r.returncode == 0, r.stderr
    return d, report, json.loads(r.stdout), r.stderr, home


def test_cli_stores_the_run_and_keeps_profiles(report_run):
    _, report, doc, stderr, home = report_run
    assert doc["schema"] == "goarchlab.bench/v1"
    names = {v["name"] for v in doc["variants"]}
    assert names == {"native", "qemu-arm64"}
    units = {t["unit"] for t in doc["tables"]}
    assert {"req/s", "p99-us", "sec/op", "gc-cycles"} <= units
    run_dir = home / "bench" / "http" / doc["run_id"]
    assert f"http profiles and GC views: {run_dir}" in " ".join(stderr.split())
    for v in ("native", "qemu-arm64"):
        assert (run_dir / v / "cpu.pb.gz").stat().st_size > 0
        kept = json.loads((run_dir / v / "http.json").read_text())
        assert [x["profiled"] for x in kept["loads"]] == [True, False, False]
        assert kept["gc_views"]
    assert not list((home / "bench" / "http").glob(".staging-*"))
    hist = proc.run([sys.executable, "-m", "goarchlab", "bench", "history", "--json"],
                    env={**os.environ, "GOARCHLAB_HOME": str(home)}, timeout=60)
    assert doc["run_id"] in hist.stdout
    assert oct(report.stat().st_mode & 0o777) != oct(0o600)


def test_report_renders_in_chromium_without_network(report_run, tmp_path):
    report = report_run[1]
    html = report.read_text()
    # self-contained: no src/href pointing anywhere
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:|//)""", html)
    # A screenshot (a second Chromium run) only when someone will look at it.
    shot = os.environ.get("GOARCHLAB_REPORT_SHOT")
    got = load(report, tmp_path, screenshot=Path(shot) if shot else None)
    assert got.console == ()
    assert got.page_requests == ()
    dom = got.dom
    assert 'data-rendered="yes"' in dom
    # the summary verdict, comparison tables and charts
    assert ("slower under qemu" in dom or "faster" in dom or "No measurable" in dom
            or "too few for a 95% interval" in dom)
    assert dom.count("<table class=\"cmp\"") >= 5
    assert "http/nethttp/ping/c=8" in dom and "cpu/SHA256/64B" in dom
    assert 'id="http-table"' in dom and 'id="gc-table"' in dom
    assert dom.count('<svg class="chart"') >= 4
    # flame graphs: d3-flame-graph drew frames for CPU per variant, heap, differential
    for fid in ("cpu-0", "cpu-1", "diff"):
        m = re.search(rf'<div id="{fid}" class="flame[^"]*"[^>]*>(.*?)</svg>', dom, re.S)
        assert m, fid
        assert m.group(1).count("<rect") > 20
    assert "net/http" in dom


def test_flame_graph_search_from_the_url(report_run, tmp_path):
    report = report_run[1]
    plain = load(report, tmp_path / "a")
    found = load(report, tmp_path / "b", fragment="search=net/http")
    bad = load(report, tmp_path / "c", fragment="search=(")
    lit = re.compile(r'fill="(#e600e6|rgb\(230, 0, 230\))"', re.I)
    assert not lit.search(plain.dom)
    # matching frames are highlighted and the details line counts them
    assert len(lit.findall(found.dom)) > 3
    assert "search:" in found.dom
    # a broken regexp marks the box instead of throwing
    assert bad.console == () and "outline: red" not in bad.dom
    assert "2px solid" in bad.dom


def test_verdict_counts_regressions_only_without_a_translation_verdict():
    """Against a translated variant every slower benchmark is a significant
    "regression"; the summary gives the translation verdict instead, as the terminal
    output does. Without one, the regressions are counted."""
    from types import SimpleNamespace

    from goarchlab.bench import report
    from goarchlab.render import bench_html as html

    tr = report.TranslationReport("native", "qemu-arm64", "qemu-aarch64", (), None, None,
                                  None, "Translated linux/arm64 code runs 5.0x slower")
    regs = ("cpu/SHA256/64B (sec/op, qemu-arm64) +400.00% (p=0.000 n=10)",)
    translated = html._verdict(SimpleNamespace(translation=tr, regressions=regs, error=None),
                               None)
    plain = html._verdict(SimpleNamespace(translation=None, regressions=regs, error=None), None)
    assert "5.0x slower" in translated and "regression" not in translated
    assert "1 significant regression(s) against the baseline" in plain
