"""What an HTTP run leaves besides its samples: profiles, GC views, load details.

During a run each variant's files sit in a staging directory; when the run has
been stored, :func:`keep` moves them to ``GOARCHLAB_HOME/bench/http/<run_id>/
<variant>/`` (``cpu.pb.gz`` and ``heap.pb.gz``, which ``go tool pprof`` opens,
and ``http.json`` with every run's load result and GC view).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from goarchlab.bench.http.job import HttpJob


@dataclass(frozen=True)
class VariantHttp:
    """One variant's HTTP details: ``loads`` (each run's LoadResult as a dict, with
    ``profiled`` true for the run that wrote the profiles), ``gc``
    (the last run's GC view, or None), ``cpu_profile``/``heap_profile`` paths (None
    when the server wrote none), ``benchmark`` name and ``driver``."""

    variant: str
    benchmark: str
    driver: str
    loads: tuple[dict[str, Any], ...]
    gc: dict[str, Any] | None
    cpu_profile: Path | None
    heap_profile: Path | None


    def measured(self) -> tuple[dict[str, Any], ...]:
        """The loads of the runs that were not profiled (all of them if every one was)."""
        return tuple(x for x in self.loads if not x.get("profiled")) or self.loads


@dataclass(frozen=True)
class HttpArtifacts:
    """All variants' HTTP details of one run, kept under ``directory``."""

    directory: Path
    variants: tuple[VariantHttp, ...]


def keep(memo: dict, home: Path, run_id: str) -> HttpArtifacts | None:
    """Move the staged files of this process's http jobs under ``home``/bench/http/
    ``run_id`` and write each variant's ``http.json``; None when no http job ran."""
    jobs: list[HttpJob] = memo.get("http.jobs", [])
    stage: Path | None = memo.get("http.stage")
    if not jobs or stage is None:
        return None
    final = home / "bench" / "http" / run_id
    if stage.exists():
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            shutil.rmtree(final)
        os.replace(stage, final)
    out = []
    for job in jobs:
        d = final / job.stage.name
        shutil.rmtree(d / "run", ignore_errors=True)
        loads = tuple({**asdict(x), "profiled": f}
                      for x, f in zip(job.loads, job.profiled, strict=True))
        gc = job.gc_views[-1] if job.gc_views else None
        doc = {"variant": job.variant, "benchmark": job.benchmark, "driver": job.driver,
               "loads": loads, "gc_views": job.gc_views,
               "partial": asdict(job.partial) if job.partial else None}
        if d.exists():
            (d / "http.json").write_text(json.dumps(doc, indent=1, sort_keys=True))
        cpu, heap = d / "cpu.pb.gz", d / "heap.pb.gz"
        out.append(VariantHttp(job.variant, job.benchmark, job.driver, loads, gc,
                               cpu if cpu.exists() and cpu.stat().st_size else None,
                               heap if heap.exists() and heap.stat().st_size else None))
    return HttpArtifacts(final, tuple(out))
