#!/usr/bin/env python3
"""Imports made inside functions in src/goarchlab, and which of them buy nothing.

An import inside a function is a start-up trick: the module is loaded only when
the function runs. It buys nothing when importing the enclosing module already
loads the target (measured: each module imported alone by ``python -S`` with the
checkout and site-packages on sys.path, no .pth hooks). Prints the count and
the ones that buy nothing (docs/development.md, "Start-up tricks and why").

Usage: python3 bench/inline_imports.py
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "goarchlab"

#: Run per module in a fresh ``python -S``: prints the modules loaded by importing argv[1].
CHILD = """
import sys, sysconfig
sys.path[:0] = [sys.argv[2], sysconfig.get_paths()["purelib"]]
import importlib
importlib.import_module(sys.argv[1])
mods = sorted(sys.modules)
import json
print(json.dumps(mods))
"""


def modname(f: Path) -> str:
    parts = list(f.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def inline_imports() -> list[tuple[str, str, int, str]]:
    """(module, file, line, imported module) of every import inside a function."""
    rows = []
    for f in sorted(ROOT.rglob("*.py")):
        m = modname(f)
        pkg = m if f.name == "__init__.py" else m.rsplit(".", 1)[0]
        for fn in ast.walk(ast.parse(f.read_text())):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                        base = ".".join([*up, base]) if base else ".".join(up)
                    for a in node.names:
                        sub = ROOT.parent.joinpath(*f"{base}.{a.name}".split("."))
                        is_mod = sub.with_suffix(".py").exists() or sub.is_dir()
                        names.append(f"{base}.{a.name}" if is_mod else base)
                rows += [(m, str(f.relative_to(ROOT.parents[1])), node.lineno, n) for n in names]
    return rows


def main() -> int:
    rows = inline_imports()
    loaded: dict[str, set[str]] = {}
    for m in sorted({r[0] for r in rows}):
        if m.endswith("__main__"):
            continue
        r = subprocess.run([sys.executable, "-S", "-c", CHILD, m, str(ROOT.parent)],
                           capture_output=True, text=True, timeout=60)
        if r.returncode == 0:
            loaded[m] = set(json.loads(r.stdout))
    print(len({(f, line) for _, f, line, _ in rows}), "import statements inside functions")
    useless = [r for r in rows if r[3] in loaded.get(r[0], ())]
    print(len(useless), "of them load what the module's own import already loaded:")
    for _, f, line, n in useless:
        print(f"  {f}:{line}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
