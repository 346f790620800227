"""The speed scripts under bench/ are not run by the test suite (they take minutes
and their figures go to docs/performance.md), but their imports and argument
parsing are: a script broken by a refactor must fail here, not on the day it is
needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from goarchlab import proc

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(p for p in BENCH.glob("*.py") if "argparse" in p.read_text())


def test_every_script_is_covered():
    # benchmodule is the helper the others import; inline_imports takes no options.
    rest = {p.name for p in BENCH.glob("*.py")} - {p.name for p in SCRIPTS}
    assert rest == {"benchmodule.py", "inline_imports.py"}, rest


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_imports_and_parses_its_options(script):
    r = proc.run([sys.executable, str(script), "--help"], env=dict(os.environ), timeout=120,
                 cwd=BENCH.parent)
    assert r.ok and r.stdout.startswith("usage: "), (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
