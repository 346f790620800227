"""The portable JSON form of a bench run: export, import, merge, and run ids.

Kept apart from :mod:`goarchlab.bench.store` (SQLite) because it has no database in
it: a run exported on one machine is read and merged on another, and these functions
are its whole contract (``docs/bench-run.schema.json``). ``store`` re-exports them.
"""

from __future__ import annotations

import datetime as _dt
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from goarchlab.bench.model import RunRecord, Sample, Variant
from goarchlab.errors import UsageError

#: The schema of :func:`run_to_json` documents.
EXPORT_SCHEMA = "goarchlab.bench.run/v1"


def new_run_id(now: _dt.datetime | None = None) -> str:
    """A sortable id unique across machines: ``20261127T142000Z-1a2b3c4d``."""
    now = now or _dt.datetime.now(_dt.UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a ``Z`` suffix, to the second."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_to_json(run: RunRecord) -> dict[str, Any]:
    """A JSON-ready document of ``run``:
    ``{"schema": "goarchlab.bench.run/v1", "run_id": ..., "host": {...}, "variants": [...],
    "samples": [...], ...}``. :func:`run_from_json` reads it back."""
    return {
        "schema": EXPORT_SCHEMA,
        "run_id": run.run_id,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "hostname": run.hostname,
        "goarchlab_version": run.goarchlab_version,
        "host": json.loads(run.host_json) if run.host_json else {},
        "suites": list(run.suites),
        "command_line": list(run.command_line),
        "notes": list(run.notes),
        "complete": run.complete,
        "variants": [
            {
                "name": v.name,
                "toolchain_version": v.toolchain_version,
                "target": v.target,
                "runner_kind": v.runner_kind,
                "runner": v.runner,
                "env": {k: val for k, val in v.env},
                "build_flags": list(v.build_flags),
            }
            for v in run.variants
        ],
        "samples": [
            {
                "variant": s.variant,
                "benchmark": s.benchmark,
                "unit": s.unit,
                "values": list(s.values),
                "iterations": list(s.iterations),
            }
            for s in run.samples
        ],
    }


def run_from_json(doc: Mapping[str, Any]) -> RunRecord:
    """Read a document written by :func:`export_run`; raises :class:`UsageError` when it
    is not one (wrong schema, missing fields)."""
    if doc.get("schema") != EXPORT_SCHEMA:
        raise UsageError(
            f"not a goarchlab bench export (schema {doc.get('schema')!r})",
            f"export runs with: goarchlab bench export RUN (schema {EXPORT_SCHEMA})",
        )
    try:
        variants = tuple(
            Variant(
                v["name"],
                v["toolchain_version"],
                v["target"],
                v["runner_kind"],
                tuple(sorted(v.get("env", {}).items())),
                tuple(v.get("build_flags", ())),
                v.get("runner", ""),
            )
            for v in doc["variants"]
        )
        samples = tuple(
            Sample(
                s["variant"],
                s["benchmark"],
                s["unit"],
                tuple(float(x) for x in s["values"]),
                tuple(int(x) for x in s.get("iterations", ())),
            )
            for s in doc["samples"]
        )
        return RunRecord(
            run_id=doc["run_id"],
            started_at=doc["started_at"],
            ended_at=doc.get("ended_at", ""),
            host_json=json.dumps(doc.get("host", {}), sort_keys=True),
            variants=variants,
            samples=samples,
            suites=tuple(doc.get("suites", ())),
            command_line=tuple(doc.get("command_line", ())),
            notes=tuple(doc.get("notes", ())),
            complete=bool(doc.get("complete", True)),
            hostname=doc.get("hostname", ""),
            goarchlab_version=doc.get("goarchlab_version", ""),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise UsageError(f"malformed goarchlab bench export: {e}", "re-export the run") from e


def merge_runs(docs: Iterable[Mapping[str, Any] | RunRecord], *, label: str = "host") -> RunRecord:
    """Combine runs (export documents or records, e.g. from several machines) into one
    record that the table builder compares.

    Each variant is renamed ``<prefix>:<variant>`` where the prefix is the run's
    hostname (``label="host"``) or run id (``label="run"``), falling back to the run id
    when hostnames repeat, so equal variant names from different machines stay apart.
    The merged run's id is new; its host facts list the inputs' hosts by prefix.
    """
    runs = [d if isinstance(d, RunRecord) else run_from_json(d) for d in docs]
    if not runs:
        raise UsageError("nothing to merge", "pass one or more exported JSON files")
    ids = [r.run_id for r in runs]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup is not None:
        raise UsageError(f"run {dup} is given more than once", "pass each exported run once")
    hosts = [r.hostname for r in runs]
    prefixes = []
    for r in runs:
        use_host = label == "host" and r.hostname and hosts.count(r.hostname) == 1
        prefixes.append(r.hostname if use_host else r.run_id)
    variants: list[Variant] = []
    samples: list[Sample] = []
    host_facts: dict[str, Any] = {}
    for pfx, r in zip(prefixes, runs, strict=True):
        host_facts[pfx] = json.loads(r.host_json) if r.host_json else {}
        for v in r.variants:
            variants.append(
                Variant(
                    f"{pfx}:{v.name}",
                    v.toolchain_version,
                    v.target,
                    v.runner_kind,
                    v.env,
                    v.build_flags,
                    v.runner,
                )
            )
        for s in r.samples:
            samples.append(
                Sample(f"{pfx}:{s.variant}", s.benchmark, s.unit, s.values, s.iterations)
            )
    return RunRecord(
        run_id=new_run_id(),
        started_at=min(r.started_at for r in runs),
        ended_at=max(r.ended_at for r in runs),
        host_json=json.dumps(host_facts, sort_keys=True),
        variants=tuple(variants),
        samples=tuple(samples),
        suites=tuple(dict.fromkeys(s for r in runs for s in r.suites)),
        command_line=(),
        notes=tuple(n for r in runs for n in r.notes),
        complete=all(r.complete for r in runs),
        hostname="+".join(prefixes),
    )
