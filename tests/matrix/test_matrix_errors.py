"""A matrix cell's detail keeps the lines of a multi-line go error that explain it."""

from __future__ import annotations

import json
import sys

from goarchlab import proc
from goarchlab.matrix.run import _first_error


def test_go_mod_syntax_error_detail_says_what_and_where(tmp_path, menv):
    mod = tmp_path / "m"
    mod.mkdir()
    (mod / "go.mod").write_text("module example.com/m\n\ngo 1.22\n\nrequire (\n")
    (mod / "m.go").write_text("package m\n")
    r = proc.run([sys.executable, "-m", "goarchlab", "matrix", "--json"], env=menv,
                 timeout=600, cwd=mod)
    assert r.returncode == 1, r.stderr
    cells = {c["step"]: c for c in json.loads(r.stdout)["cells"]}
    detail = cells["build"]["detail"]
    assert detail.startswith("go: errors parsing go.mod:")
    assert "go.mod:6: syntax error (unterminated block" in detail


def test_first_error_keeps_the_compiler_message_and_bounds_the_rest():
    assert _first_error("# example.com/m\n./a.go:3:9: undefined: x\n") == \
        "./a.go:3:9: undefined: x"
    text = "go: something failed:\n" + "".join(f"\tline {i}\n" for i in range(40))
    d = _first_error(text)
    assert d.startswith("go: something failed: line 0") and "line 3" in d  # 5 lines
    assert "line 4" not in d and "(+36 more lines)" in d
    assert _first_error("# p\nflag provided but not defined: -x\nusage: link [options]\n"
                        "  -B note\n") == "flag provided but not defined: -x"
