"""The doctor engine: load the check modules, select checks, run them concurrently.

Checks are I/O bound (a subprocess, a file read) and share their facts through
the memoised Context, so a thread pool brings the run down to roughly its
slowest dependency chain (host detection, then ``go env -json``).
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from goarchlab.doctor import facts
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import REGISTRY, CheckSkipped, CheckSpec, Finding, Fix, Severity
from goarchlab.doctor.report import (
    CompilerSummary,
    DoctorReport,
    GoSummary,
    HostSummary,
    Skipped,
    TranslatorSummary,
    area_key,
    count,
    sort_findings,
)
from goarchlab.errors import GoarchlabError, UsageError

if TYPE_CHECKING:
    from goarchlab.doctor.checklist import CheckList
    from goarchlab.doctor.fixes import AppliedFix

#: Every module under goarchlab.doctor that registers checks (with the ``check``
#: decorator when imported). All are imported; a missing one is an ImportError, never a
#: check that silently disappears (tests/test_registries.py holds the golden list).
CHECK_MODULES: tuple[str, ...] = (
    "checks_host",
    "checks_path",
    "checks_goroot",
    "checks_goenv",
    "checks_gopaths",
    "checks_godebug",
    "checks_cgo",
    "checks_tools",
    "checks_homebrew",
    "checks_project",
    "checks_vscode",
    "checks_toolchains",
)

#: Upper bound on worker threads. Most checks wait on the same few memoised facts
#: (prefetched while the checks are imported) and then run for well under a millisecond;
#: 8 threads still overlap the few subprocess waits left to the checks, and one thread
#: per check (23) cost doctor --json ~2.5 ms more CPU in thread starts and GIL hand-overs
#: (run_checks with warm facts, median of 30).
MAX_WORKERS = 8


def load_checks() -> dict[str, CheckSpec]:
    """Import every module of :data:`CHECK_MODULES`; return the registry (id -> CheckSpec)."""
    for mod in CHECK_MODULES:
        importlib.import_module(f"goarchlab.doctor.{mod}")
    return REGISTRY


def list_checks() -> CheckList:
    """All checks, for ``--list-checks``."""
    from goarchlab.doctor.checklist import CheckList  # not made by a run of the checks

    reg = load_checks()
    return CheckList(tuple(sorted(reg.values(), key=lambda c: (area_key(c.area), c.id))))


def select(only: Sequence[str] | None) -> list[CheckSpec]:
    """The checks to run: all, or those named in ``only`` (a check id or an area name).

    Raises UsageError for a name that is neither.
    """
    reg = load_checks()
    if not only:
        return sorted(reg.values(), key=lambda c: c.id)
    chosen: dict[str, CheckSpec] = {}
    areas = {c.area for c in reg.values()}
    for name in only:
        if name in reg:
            chosen[name] = reg[name]
        elif name in areas:
            chosen.update({c.id: c for c in reg.values() if c.area == name})
        else:
            raise UsageError(f"unknown doctor check {name!r}",
                             "'goarchlab doctor --list-checks' lists the check ids and areas")
    return sorted(chosen.values(), key=lambda c: c.id)


def _run_all(ctx: Context, specs: Sequence[CheckSpec]) -> list[list[Finding] | BaseException]:
    """Each spec's findings, or the exception it raised, in ``specs`` order.

    Plain threads, not concurrent.futures: that module imports logging (~5 ms of
    the start-up doctor --json is measured by). Each worker takes the next spec
    until none is left; each check's wall time is recorded in ``ctx.timings``.
    """
    results: list[list[Finding] | BaseException] = [[] for _ in specs]
    pending = iter(range(len(specs)))
    take = threading.Lock()

    def work() -> None:
        while True:
            with take:
                i = next(pending, None)
            if i is None:
                return
            start = time.perf_counter()
            try:
                results[i] = list(specs[i].fn(ctx))
            except BaseException as e:  # handed to the caller, which re-raises bugs
                results[i] = e
            finally:
                ctx.timed("check", specs[i].id, start)

    threads = [threading.Thread(target=work, name=f"doctor-{n}")
               for n in range(min(MAX_WORKERS, len(specs)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def run_checks(ctx: Context, specs: Sequence[CheckSpec]
               ) -> tuple[list[Finding], list[Skipped]]:
    """Run ``specs`` concurrently; return their findings and the skipped checks.

    A GoarchlabError becomes an error finding of the check that raised it; when
    several checks fail on the same shared fact (the same exception object from
    Context.memo), one finding is made, for the first of them by id, naming the
    others. Any other exception is a bug and propagates.
    """
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    failed: dict[int, tuple[GoarchlabError, list[CheckSpec]]] = {}
    if not specs:
        return findings, skipped
    for spec, result in zip(specs, _run_all(ctx, specs), strict=True):
        if isinstance(result, CheckSkipped):
            skipped.append(Skipped(spec.id, result.reason))
        elif isinstance(result, GoarchlabError):
            failed.setdefault(id(result), (result, []))[1].append(spec)
        elif isinstance(result, BaseException):
            raise result  # a bug (or Ctrl-C in a check): its traceback is kept
        else:
            findings.extend(result)
    for e, group in failed.values():
        # A shared failure belongs to the first check in report order (goenv.go-env
        # for a failing 'go env', not cgo.enabled that also needed it).
        group.sort(key=lambda c: (area_key(c.area), c.id))
        first = group[0]
        detail = ""
        if len(group) > 1:
            detail = "also stopped: " + ", ".join(g.id for g in group[1:])
        findings.append(Finding(first.id, first.area, Severity.ERROR, e.message, detail,
                                Fix(e.hint) if e.hint else None))
    return findings, skipped


def host_summary(ctx: Context) -> HostSummary | None:
    """The host facts in report form; None when host detection failed (a check says why)."""
    try:
        h = ctx.host
    except GoarchlabError:
        return None
    return HostSummary(
        h.os, h.os_version, h.native_arch, h.process_arch, h.translated, h.cpu_model,
        h.cpu_count,
        tuple(TranslatorSummary(t.kind, t.arch, facts.translator_name(t)) for t in h.translators),
        tuple(CompilerSummary(c.name, c.path, c.triple, c.goarch) for c in h.c_compilers),
    )


def go_summary(ctx: Context) -> GoSummary | None:
    """The winning go in report form; None when there is no usable go on PATH."""
    g = ctx.active_go()
    if g is None:
        return None
    try:
        ident = facts.identify(ctx, g)
    except GoarchlabError:
        return GoSummary(str(g.path), None, "?/?", "unknown")
    return GoSummary(str(g.path), ident.version, ident.platform, ident.how)


def diagnose(ctx: Context, only: Sequence[str] | None = None,
             fixes_applied: Sequence[AppliedFix] = (),
             fail_on: Severity = Severity.ERROR) -> DoctorReport:
    """Run the selected checks against ``ctx`` and build the report; its exit code is 1
    when any finding is ``fail_on`` or worse (``--fail-on``), else 0."""
    t0 = time.perf_counter()
    specs = select(only)
    ctx.timed("phase", "import the check modules", t0)
    found, skipped = run_checks(ctx, specs)
    findings = sort_findings(found)
    counts = count(findings)
    return DoctorReport(
        host=host_summary(ctx),
        go=go_summary(ctx),
        project=str(ctx.project) if ctx.project else None,
        checks=tuple(s.id for s in specs),
        findings=findings,
        skipped=tuple(sorted(skipped, key=lambda s: s.id)),
        counts=counts,
        fixes_applied=tuple(fixes_applied),
        exit_code=1 if any(f.severity.rank >= fail_on.rank for f in findings) else 0,
        elapsed_s=round(time.perf_counter() - t0, 4),
    )
