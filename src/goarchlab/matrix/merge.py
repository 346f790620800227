"""Merge the ``--json`` results of matrix runs on several machines into one grid.

For each Go version x target x step the most informative cell wins: a failure
over a pass over a skip (a test that ran on a real arm64 runner replaces the
"cannot run here" skip of the x86_64 runner; any failure anywhere stays a
failure), and among equals a native run over a translated one.
"""

from __future__ import annotations

import json
from pathlib import Path

from goarchlab.errors import GoarchlabError
from goarchlab.matrix.model import Cell, MatrixReport
from goarchlab.outcome import Status

_RANK = {Status.FAIL: 3, Status.PASS: 2, Status.SKIP: 1}


def load(path: Path) -> MatrixReport:
    """Read one ``goarchlab matrix --json`` file; GoarchlabError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise GoarchlabError(f"{path}: not a readable matrix result ({e})",
                             "each file must be the output of 'goarchlab matrix --json'") from e
    if not isinstance(data, dict) or data.get("schema") not in MatrixReport.READS:
        raise GoarchlabError(f"{path}: schema is {data.get('schema')!r}, "
                             f"not {' or '.join(MatrixReport.READS)}" if isinstance(data, dict)
                             else f"{path}: not a JSON object",
                             "each file must be the output of 'goarchlab matrix --json'")
    try:
        cells = tuple(Cell(**{**c, "status": Status(c["status"])}) for c in data["cells"])
        return MatrixReport(tuple(data["hosts"]), tuple(data["go_versions"]),
                            tuple(data["targets"]), tuple(data["packages"]),
                            tuple(data["test_args"]), cells, float(data["wall_s"]))
    except (KeyError, TypeError, ValueError) as e:
        raise GoarchlabError(f"{path}: malformed matrix result ({e})",
                             "each file must be the output of 'goarchlab matrix --json'") from e


def _better(a: Cell, b: Cell) -> Cell:
    ra, rb = _RANK.get(a.status, 0), _RANK.get(b.status, 0)
    if ra != rb:
        return a if ra > rb else b
    native_a, native_b = a.runner == "native", b.runner == "native"
    return b if native_b and not native_a else a


def _ordered(items):
    seen: dict[str, None] = {}
    for it in items:
        seen.setdefault(it, None)
    return tuple(seen)


def merge(results: list[MatrixReport]) -> MatrixReport:
    """One result from several; raises GoarchlabError for an empty list."""
    if not results:
        raise GoarchlabError("nothing to merge", "give one or more matrix --json files")
    best: dict[tuple[str, str, str], Cell] = {}
    for r in results:
        for c in r.cells:
            k = (c.go, c.target, c.step)
            best[k] = _better(best[k], c) if k in best else c
    gos = _ordered(v for r in results for v in r.go_versions)
    targets = _ordered(t for r in results for t in r.targets)
    steps = ("build", "vet", "test")
    cells = tuple(best[(g, t, s)] for g in gos for t in targets for s in steps
                  if (g, t, s) in best)
    return MatrixReport(_ordered(h for r in results for h in r.hosts), gos, targets,
                        _ordered(p for r in results for p in r.packages),
                        results[0].test_args, cells, max(r.wall_s for r in results))
