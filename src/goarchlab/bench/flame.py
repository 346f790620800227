"""Flame graphs from pprof profiles: folded stacks, trees, and a differential tree.

A folded stack is Brendan Gregg's format: frames root-first joined by ``;`` and
a value. The trees are the JSON shape d3-flame-graph draws (``name``,
``value``, ``children``; a differential tree adds ``delta``).

Differential method: the baseline's values are scaled to the new profile's
total first (so a profile that simply ran longer is not "hotter"), then each
node's ``delta`` is its own new value minus its scaled baseline value, in the
profile's unit; d3-flame-graph sums children's deltas into their parents.
Frames only in the baseline appear with value 0 (kept visible with a small
minimum width by the report).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goarchlab.bench.pprof import Profile

Folded = dict[tuple[str, ...], int]


def folded(profile: Profile, sample_type: str = "") -> Folded:
    """Root-first stacks -> summed values of ``sample_type`` (default: the type
    ``go tool pprof`` shows by default, :meth:`Profile.default_index`: ``cpu`` for a
    CPU profile, ``alloc_space`` for Go's ``allocs`` profile, ``inuse_space`` for
    ``heap``)."""
    idx = profile.index_of(sample_type) if sample_type else profile.default_index()
    out: Folded = {}
    for s in profile.samples:
        if idx < len(s.values) and s.values[idx]:
            key = tuple(reversed(s.stack))
            out[key] = out.get(key, 0) + s.values[idx]
    return out


def _add(top: dict[str, Any], stack: tuple[str, ...], v: float) -> dict[str, Any]:
    """Add ``v`` to ``top`` and to every node down ``stack`` (created as needed, with a
    ``delta`` of 0 when ``top`` has one); returns the stack's last node."""
    node = top
    node["value"] += v
    for frame in stack:
        kids = node["children"]
        if frame not in kids:
            kids[frame] = {"name": frame, "value": 0, "children": {}}
            if "delta" in top:
                kids[frame]["delta"] = 0.0
        node = kids[frame]
        node["value"] += v
    return node


def tree(stacks: Mapping[tuple[str, ...], float], root: str = "all") -> dict[str, Any]:
    """The d3-flame-graph tree of folded stacks; each node's value is inclusive, in
    the stacks' unit (ns of CPU, bytes...)."""
    top: dict[str, Any] = {"name": root, "value": 0, "children": {}}
    for stack, v in stacks.items():
        _add(top, stack, v)
    return _listify(top)


def _listify(node: dict[str, Any]) -> dict[str, Any]:
    kids = [_listify(c) for c in node["children"].values()]
    kids.sort(key=lambda c: -c["value"])
    out = {"name": node["name"], "value": node["value"], "children": kids}
    if "delta" in node:
        out["delta"] = node["delta"]
    return out


def diff_tree(base: Mapping[tuple[str, ...], int], new: Mapping[tuple[str, ...], int],
              root: str = "all") -> dict[str, Any]:
    """A differential tree: ``new``'s values; ``delta`` = own new value minus own scaled
    baseline value per node (see the module docstring)."""
    tb, tn = sum(base.values()), sum(new.values())
    scale = tn / tb if tb else 0.0
    top: dict[str, Any] = {"name": root, "value": 0, "children": {}, "delta": 0.0}
    for stack, v in new.items():
        _add(top, stack, v)["delta"] += v
    for stack, v in base.items():
        _add(top, stack, 0)["delta"] -= v * scale
    return _listify(top)
