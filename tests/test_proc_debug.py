"""proc's -v log must never break a run: while another thread is still importing
logging (a check's lazy import of a module that imports it), ``sys.modules`` holds
a half-made logging module without getLogger. doctor once died of that with an
AttributeError traceback."""

from __future__ import annotations

import sys
import types

from goarchlab import proc


def test_a_half_imported_logging_module_is_left_alone(monkeypatch):
    half = types.ModuleType("logging")  # as Python leaves it mid-import: no getLogger yet
    monkeypatch.setitem(sys.modules, "logging", half)
    r = proc.run([sys.executable, "-c", "print('ok')"], env=None, timeout=60)
    assert r.ok and r.stdout == "ok\n"
