"""The registries (doctor checks, bench suites, human renderers) cannot lose a member.

Each is an explicit table; here a FRESH interpreter (nothing imported by other
tests can fill a registry for it) lists what is registered, and the lists must
equal tests/golden/registries.json. A deleted check module, a lost ``@check`` or
``@render.human`` registration, or a suite dropped from the catalog fails this
test. Adding a member is a deliberate change: update the golden file with
``python tests/test_registries.py --update``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "registries.json"
SRC = Path(__file__).resolve().parents[1] / "src"

#: Run in a fresh interpreter: prints the three registries as JSON.
DUMP = """
import json
from goarchlab import render
from goarchlab.bench import catalog
from goarchlab.doctor import runner
checks = runner.list_checks().checks
print(json.dumps({
    "doctor_checks": sorted([c.id, c.area] for c in checks),
    "bench_suites": list(catalog.SUITES),
    "renderers": render.renderers(),
}, indent=1, sort_keys=True))
"""


def dump(src: Path = SRC) -> subprocess.CompletedProcess[str]:
    """The registries as a fresh ``python -I`` sees them with ``src`` first on sys.path."""
    # -I: no user site, no PYTHONPATH from the caller; sys.path is set by the code itself.
    code = f"import sys; sys.path.insert(0, {str(src)!r})\n" + DUMP
    return subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                          timeout=120, env={"PATH": os.environ.get("PATH", "")})


def test_registries_equal_the_golden_list():
    r = dump()
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == json.loads(GOLDEN.read_text())


def test_a_deleted_check_module_is_an_import_error_not_a_shorter_list(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(SRC / "goarchlab", copy / "goarchlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "goarchlab" / "doctor" / "checks_vscode.py").unlink()
    r = dump(copy)
    assert r.returncode != 0
    assert "ModuleNotFoundError: No module named 'goarchlab.doctor.checks_vscode'" in r.stderr


def test_a_deleted_renderer_module_is_an_import_error(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(SRC / "goarchlab", copy / "goarchlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "goarchlab" / "render" / "xbuild.py").unlink()
    r = dump(copy)
    assert r.returncode != 0
    assert "No module named 'goarchlab.render.xbuild'" in r.stderr


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    out = dump()
    if out.returncode:
        sys.exit(out.stderr)
    GOLDEN.write_text(out.stdout)
