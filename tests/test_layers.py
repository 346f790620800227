"""The house plan's arrows, enforced: every import of src/goarchlab (module level,
inside functions, under TYPE_CHECKING, relative, and ``importlib.import_module`` of a
literal name) is read with ``ast`` and checked against the layers of docs/DESIGN.

Layers, top to bottom: face (cli, render, __main__) > features (doctor, bench,
xbuild, matrix, deps, api, godebug, inspect) > shared (toolchains, targets) > base
(everything else). No import points up; features do not import each other; a
feature reaches toolchains only through its front door (goarchlab.toolchains,
.api, .model); targets does not import toolchains; and no two modules form a
cycle, not even through an import made inside a function. Agrees with
/work/shared/tools/layers.py, one stricter point: godebug is a feature.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "goarchlab"

FACE = frozenset({"cli", "render", "__main__"})
FEATURES = frozenset({"doctor", "bench", "xbuild", "matrix", "deps", "api", "godebug",
                      "inspect"})
SHARED = frozenset({"toolchains", "targets"})
FRONT_DOOR = frozenset({"goarchlab.toolchains", "goarchlab.toolchains.api",
                        "goarchlab.toolchains.model"})


def layer(top: str) -> int:
    """3 face, 2 feature, 1 shared, 0 base, for a first-level name under goarchlab."""
    if top in FACE:
        return 3
    if top in FEATURES:
        return 2
    if top in SHARED:
        return 1
    return 0


def _modname(root: Path, f: Path) -> str:
    parts = list(f.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([root.name, *parts])


def _imported_names(node: ast.AST, pkg: str) -> list[str]:
    """Dotted names an import statement (or an import_module("...") call) may load."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            up = pkg.split(".")
            up = up[: len(up) - (node.level - 1)]
            base = ".".join([*up, base]) if base else ".".join(up)
        return [base] + [f"{base}.{a.name}" for a in node.names]
    if (isinstance(node, ast.Call) and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                 or (isinstance(node.func, ast.Name) and node.func.id == "import_module"))):
        return [node.args[0].value]
    return []


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of ``root``'s package it imports (anywhere in its code).

    A module and its own package's ``__init__`` (re-exports) are not an edge, as in
    the shared tool."""
    top = root.name
    mods = {_modname(root, f): f for f in root.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        pkg = m if f.name == "__init__.py" else m.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(f.read_text(), str(f))):
            for t in _imported_names(node, pkg):
                if not (t == top or t.startswith(top + ".")):
                    continue
                while t and t not in mods:
                    t = t.rsplit(".", 1)[0] if "." in t else ""
                if not t or t in (m, top):
                    continue
                if m.startswith(t + ".") or (t.startswith(m + ".") and f.name == "__init__.py"):
                    continue
                edges[m].add(t)
    return edges


def arrow_violations(edges: dict[str, set[str]]) -> list[str]:
    """One line per import that breaks a layer rule."""
    bad = []
    for m, ts in sorted(edges.items()):
        a = m.split(".")[1] if "." in m else ""
        for t in sorted(ts):
            b = t.split(".")[1] if "." in t else ""
            if a == b or not a or not b:
                continue
            if layer(b) > layer(a):
                bad.append(f"upward: {m} -> {t}")
            elif layer(a) == layer(b) == 2:
                bad.append(f"feature to feature: {m} -> {t}")
            elif layer(a) == 2 and b == "toolchains" and t not in FRONT_DOOR:
                bad.append(f"past the toolchains front door: {m} -> {t}")
            elif a == "targets" and b == "toolchains":
                bad.append(f"targets above toolchains: {m} -> {t}")
    return bad


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in sorted(edges):
            if v not in index:
                strong(v)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(out)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(SRC)


def test_arrows_point_down(graph):
    bad = arrow_violations(graph)
    assert not bad, "layer violations:\n" + "\n".join(bad)


def test_no_module_cycle(graph):
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_checker_sees_every_kind_of_import(tmp_path):
    """The checker itself: imports inside functions, under TYPE_CHECKING, relative
    ones and import_module("...") all count; a cycle through a function is found."""
    root = tmp_path / "goarchlab"
    files = {
        "__init__.py": "",
        "render/__init__.py": "",
        "bench/__init__.py": "",
        "bench/engine.py": "def f():\n    from goarchlab import render\n",
        "deps/__init__.py": "",
        "deps/check.py": ("from typing import TYPE_CHECKING\n"
                          "if TYPE_CHECKING:\n    from ..matrix import model\n"),
        "matrix/__init__.py": "",
        "matrix/model.py": "import importlib\nimportlib.import_module('goarchlab.xbuild.plan')\n",
        "xbuild/__init__.py": "",
        "xbuild/plan.py": "from goarchlab.toolchains.store import Store\n",
        "toolchains/__init__.py": "",
        "toolchains/store.py": "",
        "targets.py": "from goarchlab.toolchains import model\n",
        "toolchains/model.py": "",
        "host/__init__.py": "",
        "host/facts.py": "def f():\n    from goarchlab.host import native\n",
        "host/native.py": "from . import facts\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    edges = import_graph(root)
    assert arrow_violations(edges) == [
        "upward: goarchlab.bench.engine -> goarchlab.render",
        "feature to feature: goarchlab.deps.check -> goarchlab.matrix",
        "feature to feature: goarchlab.deps.check -> goarchlab.matrix.model",
        "feature to feature: goarchlab.matrix.model -> goarchlab.xbuild.plan",
        "targets above toolchains: goarchlab.targets -> goarchlab.toolchains",
        "targets above toolchains: goarchlab.targets -> goarchlab.toolchains.model",
        "past the toolchains front door: goarchlab.xbuild.plan -> goarchlab.toolchains.store",
    ]
    assert cycles(edges) == [["goarchlab.host.facts", "goarchlab.host.native"]]
