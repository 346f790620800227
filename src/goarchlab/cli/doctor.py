"""``goarchlab doctor``: audit this Go environment and say how to fix each problem."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from goarchlab import render
from goarchlab.cli import seconds
from goarchlab.errors import EXIT_FAILED, UsageError

#: Seconds allowed for each go subprocess by default; a translated go (QEMU)
#: starts 10-50x slower than a native one, so this is generous.
DEFAULT_TIMEOUT = 20.0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``doctor`` command."""
    p = subparsers.add_parser(
        "doctor",
        help="audit the Go environment: arch, toolchains, env vars, editor, project files",
        description="Audit this Go environment: every go on PATH and how it runs here "
        "(natively, under Rosetta 2 or QEMU), GOROOT, go env settings and where they come "
        "from, GODEBUG, cgo, tools and the project. Exit status 1 when a check finds an error "
        "(or, with --fail-on warning, a warning).",
    )
    p.add_argument("--json", action="store_true", help="print goarchlab.doctor/v1 JSON")
    p.add_argument("--project", metavar="PATH", type=Path,
                   help="also check the Go module at PATH (default: the current directory "
                   "when it has a go.mod)")
    p.add_argument("--only", nargs="+", metavar="ID",
                   help="run only these checks: check ids or area names (see --list-checks)")
    p.add_argument("--list-checks", action="store_true", help="list the checks and exit")
    p.add_argument("--fix", action="store_true",
                   help="show the safe automatic fixes (go env -u/-w), apply them after "
                   "confirmation, then check again")
    p.add_argument("--yes", "-y", action="store_true", help="with --fix: apply without asking")
    p.add_argument("--fail-on", choices=("error", "warning", "warn"), default="error",
                   help="exit 1 when any finding has this severity or a worse one (default "
                   "error; 'warning' for CI jobs that must stay clean)")
    p.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"time allowed for each go subprocess (default {DEFAULT_TIMEOUT:g})")
    # No cyclic garbage collection in the console script's process (cli.run): a run
    # makes a few thousand objects, almost all of them module and class objects of
    # the checks it imports, and the collector would only walk them (~40 young and 3
    # older collections per run, CPU that doctor --json's 0.1 s budget cannot spare).
    p.set_defaults(handler=run, collect=False)


def _project(arg: Path | None, cwd: Path) -> Path | None:
    if arg is not None:
        path = (cwd / arg).resolve() if not arg.is_absolute() else arg
        if not path.is_dir():
            raise UsageError(f"--project {arg}: no such directory",
                             "give the directory that holds the module's go.mod")
        return path
    return cwd if (cwd / "go.mod").is_file() else None


def run(args: argparse.Namespace) -> int:
    """Run doctor; returns 0, 1 when errors were found, 3 when a fix failed."""
    from goarchlab.doctor.context import Context

    if args.list_checks:
        from goarchlab.doctor import runner

        render.emit(runner.list_checks(), as_json=args.json)
        return 0
    if args.yes and not args.fix:
        raise UsageError("--yes only applies to --fix", "use 'goarchlab doctor --fix --yes'")
    only = [x for item in (args.only or []) for x in item.split(",") if x]
    if args.only is not None and not only:
        raise UsageError("--only needs at least one check id",
                         "'goarchlab doctor --list-checks' lists them")
    cwd = Path.cwd()
    project = _project(args.project, cwd)

    def context() -> Context:
        return Context(os.environ, cwd, project, timeout=args.timeout)

    ctx = context()
    ctx.prefetch()  # host detection and go env run while the checks are imported
    from goarchlab.doctor import runner
    from goarchlab.doctor.model import Severity

    fail_on = Severity.ERROR if args.fail_on == "error" else Severity.WARN
    report = runner.diagnose(ctx, only or None, fail_on=fail_on)
    failed = False
    if args.fix:
        from goarchlab.doctor import fixes
        from goarchlab.render import doctor as show  # rich tables: only when shown

        planned = fixes.plan(report.findings)
        if not planned:
            show.nothing_to_fix()
        else:
            show.show_plan(planned)
            if not args.yes:
                if not sys.stdin.isatty():
                    raise UsageError("--fix needs a confirmation, but stdin is not a terminal",
                                     "re-run with --fix --yes to apply the fixes listed above")
                if not show.confirm("Apply these fixes?"):
                    render.note("doctor: no changes made")
                    render.emit(report, as_json=args.json)
                    return report.exit_code
            applied = fixes.apply(ctx, planned)
            failed = not all(a.ok for a in applied)
            # Check again from scratch: the fixes changed what go reports.
            ctx = context()
            report = runner.diagnose(ctx, only or None, applied, fail_on=fail_on)
    render.emit(report, as_json=args.json)
    if args.verbose:
        from goarchlab.render.doctor_timing import show_timing

        show_timing(ctx.timings, time.perf_counter() - ctx.t0)
    return EXIT_FAILED if failed else report.exit_code
