"""The bench engine: prepare every (suite, variant), warm up, then N interleaved runs.

Method. Each suite is prepared for each variant (workloads built, runners
checked). One warm-up run of every job is discarded (except the start-up
suite's first exec, kept as ``FirstRun``). Then round after round, each job
of each suite runs once per variant in order A, B, A, B, ... so slow drift of
the machine (heat, other load) spreads over all variants instead of biasing
one. Each run is a separate process with a timeout; :func:`goarchlab.proc.run`
kills its process group on timeout or Ctrl-C.

Failure. The first failing process (crash, hang, no output) ends the run: the
samples finished so far are kept, stored as a partial run, and the result
carries one error message; Ctrl-C does the same and exits 130.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from goarchlab import __version__
from goarchlab.bench import fallback, preflight, report, stats, store
from goarchlab.bench.catalog import get
from goarchlab.bench.jobs import Job
from goarchlab.bench.model import RunRecord, Sample, Table
from goarchlab.bench.suites import SuiteContext
from goarchlab.bench.userpkg import is_package, prepare_package
from goarchlab.bench.variants import Plan
from goarchlab.errors import GoarchlabError, stop_signal
from goarchlab.jsonable import to_jsonable

#: Progress callback the caller passes in: ``(done, total, label)``; total >= 1.
ProgressFn = Callable[[int, int, str], None]

#: Runs per variant by default (benchstat needs >= 6 for a 95% interval, >= 4 for a test).
DEFAULT_RUNS = 10


@dataclass(frozen=True)
class Request:
    """What to run. ``targets``: suite names and package paths in order; ``plans``:
    variants, baseline first; ``runs``: measured runs per variant (>= 1); ``warmup``:
    discarded runs first (>= 0); ``notes``: facts to record (e.g. no translator found).
    What each process does (``benchtime``, the ``bench`` regexp, timeouts) is in the
    suites' :class:`~goarchlab.bench.suites.SuiteContext`."""

    targets: tuple[str, ...]
    plans: tuple[Plan, ...]
    runs: int = DEFAULT_RUNS
    warmup: int = 1
    command_line: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SuiteStatus:
    """How a suite went for one variant: ``ok``, ``skipped`` (``reason`` says why),
    ``failed`` or ``interrupted`` (the job that stopped the run, ``reason`` is the
    error), or ``partial`` (the run stopped early at another job)."""

    suite: str
    variant: str
    status: str
    reason: str = ""


@dataclass(frozen=True)
class BenchReport:
    """A finished (or partial) bench run with its statistics.

    ``run``: the stored record (variants, raw samples, host facts, notes).
    ``tables``: benchstat-like tables per unit, baseline first. ``translation``: the
    native/translated report when the run has both. ``regressions``: significant
    changes for the worse against the baseline. ``error``/``error_code``: the failure
    that ended the run early (the finished samples are kept), else None/0.
    """

    SCHEMA = "goarchlab.bench/v1"

    run: RunRecord
    statuses: tuple[SuiteStatus, ...]
    preflight: tuple[preflight.PreflightWarning, ...]
    tables: tuple[Table, ...]
    translation: report.TranslationReport | None
    regressions: tuple[str, ...]
    cpu: str = ""
    error: str | None = None
    error_hint: str | None = None
    error_code: int = 0

    def to_json(self) -> dict[str, Any]:
        """The goarchlab.bench/v1 document (see docs/bench.schema.json)."""
        doc = store.export_run(self.run)
        doc.pop("schema", None)
        doc.update(
            statuses=to_jsonable(self.statuses),
            preflight=to_jsonable(self.preflight),
            tables=to_jsonable(self.tables),
            translation=to_jsonable(self.translation),
            regressions=list(self.regressions),
            error=self.error,
            error_code=self.error_code,
        )
        return doc


def analyse(run: RunRecord, statuses: Sequence[SuiteStatus] = (),
            warnings: Sequence[preflight.PreflightWarning] = (), cpu: str = "",
            error: GoarchlabError | None = None) -> BenchReport:
    """Statistics of a run record: tables, translation report, regressions."""
    tables = stats.build_tables(run.samples, [v.name for v in run.variants])
    return BenchReport(run, tuple(statuses), tuple(warnings), tables,
                       report.translation_report(run), tuple(report.regressions(tables)), cpu,
                       error.message if error else None, error.hint if error else None,
                       error.code if error else 0)


def _not_stored(run_id: str, saved: fallback.Saved) -> GoarchlabError:
    """The error of a run that was measured completely but could not be stored."""
    p = saved.problem
    assert p is not None
    keep = (f"the run is in {saved.file}; 'goarchlab bench merge {saved.file}' stores it "
            "once the store works" if saved.file
            else "the results printed above are all that is left")
    return GoarchlabError(f"run {run_id} was not stored: {p.message}",
                          f"{p.hint}; {keep}" if p.hint else keep, p.code)


class _Acc:
    """Samples as they arrive, in first-seen order."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str, str], tuple[list[float], list[int]]] = {}

    def add(self, variant: str, ms) -> None:
        for m in ms:
            vals, iters = self.values.setdefault((variant, m.benchmark, m.unit), ([], []))
            vals.append(m.value)
            iters.append(m.iterations)

    def samples(self) -> tuple[Sample, ...]:
        return tuple(Sample(v, b, u, tuple(x), tuple(i))
                     for (v, b, u), (x, i) in self.values.items())


@dataclass
class _Cell:
    suite: str
    plan: Plan
    jobs: list[Job] = field(default_factory=list)


def _prepare(req: Request, ctx: SuiteContext, cells: list[_Cell]
             ) -> tuple[list[SuiteStatus], list[str]]:
    # Fills ``cells`` as it goes, so the caller can clean up after a failure halfway.
    statuses: list[SuiteStatus] = []
    labels: list[str] = []
    for target in req.targets:
        suite = None if is_package(target) else get(target)
        for plan in req.plans:
            if suite is None:
                label, prep = prepare_package(target, plan, ctx)
            else:
                label, prep = suite.name, suite.prepare(plan, ctx)
            if label not in labels:
                labels.append(label)
            if prep.skipped:
                statuses.append(SuiteStatus(label, plan.name, "skipped", prep.skipped))
            cells.append(_Cell(label, plan, list(prep.jobs)))
    return statuses, labels


def run(req: Request, ctx: SuiteContext, *, progress: ProgressFn | None = None,
        store_path: Path | None = None, probe: preflight.Probe | None = None,
        notify: Callable[[str], None] | None = None) -> BenchReport:
    """Run ``req`` and store it (also when cut short); returns the analysed result.

    Raises GoarchlabError for bad input found while preparing (unknown suite, a
    workload that does not build). A failure while measuring does not raise: the
    result's ``error`` says what happened and the finished samples are kept.
    Ctrl-C (or SIGTERM, SIGHUP: see goarchlab.cli) stores the partial run and raises
    GoarchlabError with exit code 128 + the signal's number (130 for Ctrl-C).
    A store that cannot take the run (checked before measuring; ``notify`` hears of
    it then) or fails when saving: the run is kept as JSON (goarchlab.bench.fallback)
    and the result's ``error`` (exit 3) names that file.
    """
    progress = progress or (lambda done, total, what: None)
    started = store.utc_now()
    # The store is checked before measuring: a run it cannot take is kept as JSON, and
    # the user hears so now, not after an hour of measurements.
    db = store_path or store.db_path(ctx.home)
    unusable = store.check(db)
    if unusable is not None and notify is not None:
        notify(f"{unusable.message}; this run will be kept in a JSON file instead")
    warnings = preflight.check(ctx.host.os, probe)
    cells: list[_Cell] = []
    try:
        statuses, labels = _prepare(req, ctx, cells)
        acc = _Acc()
        active = [c for c in cells if c.jobs]
        total = sum(len(c.jobs) for c in active) * (req.warmup + req.runs)
        done = 0
        error: GoarchlabError | None = None
        interrupted: GoarchlabError | None = None
        current: _Cell | None = None
        try:
            for rnd in range(-req.warmup, req.runs):
                for cell in active:
                    current = cell
                    for job in cell.jobs:
                        what = f"{cell.suite} · {cell.plan.name}" + (
                            " · warm-up" if rnd < 0 else f" · run {rnd + 1}/{req.runs}")
                        progress(done, total, what)
                        ms = job.run(first=rnd == -req.warmup)
                        if rnd >= 0 or getattr(job, "keeps_warmup", False):
                            acc.add(cell.plan.name, ms)
                        done += 1
            progress(total, total, "done")
        except GoarchlabError as e:
            error = e
        except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM/SIGHUP (cli's handler)
            name, code = stop_signal(e)
            error = interrupted = GoarchlabError(f"interrupted by {name}", None, code)
        if error is not None and current is not None:
            kind = "interrupted" if error is interrupted else "failed"
            statuses.append(SuiteStatus(current.suite, current.plan.name, kind, error.message))
        for c in active:
            if not any(s.suite == c.suite and s.variant == c.plan.name for s in statuses):
                statuses.append(SuiteStatus(c.suite, c.plan.name,
                                            "ok" if error is None else "partial"))
        notes = list(req.notes) + [f"pre-flight: {w.detail}" for w in warnings]
        notes += [f"{s.suite} skipped for {s.variant}: {s.reason}"
                  for s in statuses if s.status == "skipped"]
        if error is not None:
            notes.append(f"stopped early: {error.message}")
        host = ctx.host
        rec = RunRecord(
            run_id=store.new_run_id(), started_at=started, ended_at=store.utc_now(),
            host_json=json.dumps(to_jsonable(host), sort_keys=True),
            variants=tuple(p.variant for p in req.plans), samples=acc.samples(),
            suites=tuple(labels), command_line=req.command_line, notes=tuple(notes),
            complete=error is None, hostname=platform.node(), goarchlab_version=__version__)
        saved = fallback.save_or_keep(rec, db, unusable)
        where = (f"stored as partial run {rec.run_id}" if saved.stored
                 else f"kept in {saved.file}" if saved.file else "lost: nothing could be written")
        if error is not None and error is interrupted:
            raise GoarchlabError(f"{error.message}; {len(rec.samples)} finished samples {where}",
                                 None, error.code)
        if error is not None:
            error = GoarchlabError(error.message,
                                   (error.hint or "") + f" (finished samples {where})", error.code)
        elif not saved.stored:
            error = _not_stored(rec.run_id, saved)
        return analyse(rec, statuses, warnings, host.cpu_model, error)
    finally:
        for c in cells:
            for job in c.jobs:
                close = getattr(job, "close", None)
                if close:
                    close()
