"""The CI-facing forms of a deps report: SARIF 2.1.0, GitHub Actions workflow
commands, Mermaid and Graphviz DOT. Pure functions: they build text that
:func:`goarchlab.render.deps.text` prints. (Moved from deps/outputs.py: output
formats live in render, which may import features; features never import render.)"""

from __future__ import annotations

import json
from pathlib import Path

from goarchlab import __version__
from goarchlab.deps.model import RULES, DepsReport
from goarchlab.deps.rules import major_base

SARIF_SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                "sarif-schema-2.1.0.json")


def sarif(report: DepsReport) -> dict:
    """The report as one SARIF 2.1.0 run: a rule per rule id, a result per violation,
    locations relative to ``%SRCROOT%`` (the report root)."""
    ids = sorted({v.rule for v in report.violations} | {c.rule for c in report.checks})
    rules = [{
        "id": r,
        "name": "".join(w.capitalize() for w in r.split("-")),
        "shortDescription": {"text": RULES.get(r, r)},
        "help": {"text": f"goarchlab docs/deps.md, rule '{r}'"},
        "defaultConfiguration": {"level": "error"},
    } for r in ids]
    index = {r: i for i, r in enumerate(ids)}
    results = []
    for v in report.violations:
        results.append({
            "ruleId": v.rule,
            "ruleIndex": index[v.rule],
            "level": "error",
            "message": {"text": f"{v.message}: {v.why}" if v.why else v.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": v.file, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": v.line, "startColumn": v.column},
            }}],
            "properties": {k: val for k, val in (
                ("policyEntry", v.name), ("importer", v.importer), ("imported", v.imported),
                ("module", v.module)) if val},
        })
    root_uri = Path(report.root).resolve().as_uri() + "/"
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "goarchlab-deps", "version": __version__,
                                "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "results": results,
        }],
    }


def sarif_text(report: DepsReport) -> str:
    """:func:`sarif` as indented JSON text."""
    return json.dumps(sarif(report), indent=2, sort_keys=True)


def _esc_data(s: str) -> str:
    # The runner's escaping for a workflow command's message (toolkit/core command.ts).
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(s: str) -> str:
    return _esc_data(s).replace(":", "%3A").replace(",", "%2C")


def github(report: DepsReport, prefix: str = "") -> str:
    """One ``::error file=...,line=...,col=...,title=...::message`` line per violation.

    ``prefix`` is prepended to file paths (the root relative to the repository
    checkout, when they differ)."""
    out = []
    for v in report.violations:
        file = f"{prefix.rstrip('/')}/{v.file}" if prefix else v.file
        props = f"file={_esc_prop(file)},line={v.line},col={v.column}," \
                f"title={_esc_prop(f'goarchlab deps: {v.rule} ({v.name})')}"
        out.append(f"::error {props}::{_esc_data(f'{v.message}: {v.why}')}")
    return "\n".join(out)


def _flagged(report: DepsReport) -> tuple[set[str], dict[tuple[str, str], str]]:
    """Modules to highlight, and extra (main, module) edges labelled by rule."""
    bad: set[str] = set()
    extra: dict[tuple[str, str], str] = {}
    mains = set(report.main_modules)
    for v in report.violations:
        if v.module:
            mod = v.module.split("@", 1)[0]
            bad.add(mod)
            if v.importer:
                src = next((m for m in mains if v.importer == m
                            or v.importer.startswith(m + "/")), None)
                if src:
                    extra[(src, mod)] = v.rule
    return bad, extra


def _nodes(report: DepsReport) -> list[str]:
    nodes = set(report.main_modules)
    for a, b in report.edges:
        nodes.update((a, b))
    nodes.update(_flagged(report)[0])
    return sorted(nodes)


def _highlighted(report: DepsReport) -> set[str]:
    """Flagged modules plus every major of a single-major violation's module."""
    bad = _flagged(report)[0]
    bases = {v.module for v in report.violations if v.rule == "single-major"}
    return bad | {n for n in _nodes(report) if major_base(n)[0] in bases}


def mermaid(report: DepsReport) -> str:
    """A Mermaid flowchart of the module graph; violating modules and import edges in red."""
    extra = _flagged(report)[1]
    bad = _highlighted(report)
    ids = {n: f"m{i}" for i, n in enumerate(_nodes(report))}
    lines = ["flowchart LR"]
    for n, i in ids.items():
        shape = f'{i}[["{n}"]]' if n in report.main_modules else f'{i}["{n}"]'
        lines.append(f"  {shape}")
    edges = [(a, b) for a, b in report.edges if (a, b) not in extra]
    for a, b in edges:
        lines.append(f"  {ids[a]} --> {ids[b]}")
    red = []
    for k, ((a, b), rule) in enumerate(sorted(extra.items())):
        lines.append(f"  {ids[a]} -. {rule} .-> {ids[b]}")
        red.append(len(edges) + k)
    lines.append("  classDef violation fill:#fdd,stroke:#c00,stroke-width:2px,color:#600")
    for n in sorted(bad & set(ids)):
        lines.append(f"  class {ids[n]} violation")
    if red:
        lines.append(f"  linkStyle {','.join(map(str, red))} stroke:#c00,stroke-width:2px")
    return "\n".join(lines)


def _dq(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(report: DepsReport) -> str:
    """A Graphviz digraph of the module graph; violating modules and import edges in red."""
    extra = _flagged(report)[1]
    bad = _highlighted(report)
    lines = ["digraph deps {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    for n in _nodes(report):
        attrs = []
        if n in report.main_modules:
            attrs.append("peripheries=2")
        if n in bad:
            attrs += ['color="#cc0000"', 'style=filled', 'fillcolor="#ffdddd"']
        lines.append(f"  {_dq(n)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    for a, b in report.edges:
        if (a, b) not in extra:
            lines.append(f"  {_dq(a)} -> {_dq(b)};")
    for (a, b), rule in sorted(extra.items()):
        lines.append(f'  {_dq(a)} -> {_dq(b)} [color="#cc0000", style=dashed, '
                     f"label={_dq(rule)}];")
    lines.append("}")
    return "\n".join(lines)
