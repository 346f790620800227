"""``goarchlab bench``: benchmark Go workloads across variants, and the stored history.

    goarchlab bench [SUITE|./PKG ...] [--vs VARIANT ...] [-n RUNS] [--json|--benchfmt|--markdown]
    goarchlab bench history | compare RUN_A RUN_B | export RUN | merge FILE...
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from goarchlab import render
from goarchlab.errors import EXIT_OK, EXIT_PROBLEMS, GoarchlabError, UsageError

_ACTIONS = ("history", "compare", "export", "merge")


def register(subparsers) -> None:
    """Add the ``bench`` parser."""
    from goarchlab.bench import suites

    suites.load_plugins()
    p = subparsers.add_parser(
        "bench",
        help="benchmark Go workloads across variants (native vs translated, Go versions, GOGC)",
        description="Run benchmark suites (or your package's go test benchmarks) for each "
        "variant, N interleaved runs, and compare with benchstat's statistics. Without --vs: "
        "native against translated for this host. Also: 'bench history', 'bench compare RUN_A "
        "RUN_B', 'bench export RUN', 'bench merge FILE...'.",
    )
    p.add_argument("targets", nargs="*", metavar="SUITE|./PKG",
                   help="suites (" + ", ".join(suites.SUITES) + "; default: "
                   + " ".join(suites.default_suites()) + ") or Go package paths (./internal/x)")
    p.add_argument("--vs", action="append", default=[], metavar="VARIANT",
                   help="a variant against the native baseline: go1.22.10, linux/arm64, "
                   "GOGC=50, 'ldflags=-s -w', runner=CMD; combine with + (repeatable)")
    p.add_argument("--go", metavar="VERSION", help="the baseline's Go version (default: the "
                   "directory's toolchain, else the go on PATH)")
    p.add_argument("-n", "--runs", type=int, default=10, help="measured runs per variant (10)")
    p.add_argument("--warmup", type=int, default=1, help="discarded runs first (1)")
    p.add_argument("--benchtime", default="100ms",
                   help="time (default 100ms) or iterations (50x) per benchmark per run")
    p.add_argument("--bench", default=".", metavar="REGEXP",
                   help="only benchmarks whose name matches (default: all)")
    p.add_argument("--timeout", type=float, help="seconds per benchmark process "
                   "(default: 120; startup 60; build 900)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print goarchlab.bench/v1")
    out.add_argument("--benchfmt", action="store_true",
                     help="print Go benchmark format (compare variants with "
                     "benchstat -col variant -ignore goarch,runner,go)")
    out.add_argument("--markdown", action="store_true", help="print a Markdown report")
    p.add_argument("--report", metavar="FILE", help="also write one self-contained HTML report "
                   "(tables, charts, flame graphs of the http suite's profiles)")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="exit 1 when a variant is significantly worse than the baseline")
    p.add_argument("--variant", help="compare: the variant to compare (default: the baseline)")
    p.add_argument("--limit", type=int, default=20, help="history: how many runs (20)")
    p.add_argument("-o", "--output", metavar="FILE", help="export: write to FILE")
    p.add_argument("--list", action="store_true", help="list the suites and exit")
    for s in suites.SUITES.values():
        if s.add_arguments is not None:
            s.add_arguments(p.add_argument_group(f"{s.name} suite"))
    p.set_defaults(handler=_run)


def _emit(args, result, *, text_json: bool = True) -> None:
    from goarchlab.bench import report
    from goarchlab.render.bench import Text

    if args.json and text_json:
        render.emit(result, as_json=True)
    elif args.benchfmt:
        render.emit(Text(report.benchfmt_text(result.run, result.cpu)))
    elif args.markdown:
        render.emit(Text(report.markdown(result.run, result.tables, result.translation)))
    else:
        render.emit(result)


def _finish(args, result) -> int:
    _emit(args, result)
    if result.error:
        raise GoarchlabError(result.error, result.error_hint, result.error_code)
    if args.fail_on_regression and result.regressions:
        render.note(f"{len(result.regressions)} significant regression(s) against the baseline")
        return EXIT_PROBLEMS
    return EXIT_OK


def _run(args) -> int:
    if args.list:
        from goarchlab.bench import suites
        from goarchlab.render.bench import SuiteList

        render.emit(SuiteList(tuple((s.name, s.description, s.default)
                                    for s in suites.SUITES.values())), as_json=args.json)
        return EXIT_OK
    if args.targets and args.targets[0] in _ACTIONS:
        return _action(args, args.targets[0], args.targets[1:])
    return _bench(args)


def _bench(args) -> int:
    from goarchlab.bench import engine, hostfacts, suites, variants
    from goarchlab.toolchains.model import goarchlab_home

    if args.runs < 1 or args.warmup < 0:
        raise UsageError("--runs must be >= 1 and --warmup >= 0")
    env = dict(os.environ)
    home = goarchlab_home(env)
    cwd = Path.cwd()
    targets = list(args.targets) or suites.default_suites()
    from goarchlab.bench.userpkg import is_package

    for t in targets:
        if not is_package(t):
            suites.get(t)
    from goarchlab.host import detect

    host = detect()
    plans, note = variants.plans_from_args(host, args.vs, args.go)
    if note:
        render.note(note)
    ctx = suites.Context(host, env, home, hostfacts.default_toolchains(env, cwd, home,
                                                                      render.note),
                         benchtime=args.benchtime, bench=args.bench, timeout=args.timeout,
                         cwd=cwd, options=vars(args))
    req = engine.Request(tuple(targets), tuple(plans), runs=args.runs, warmup=args.warmup,
                         command_line=("goarchlab", *sys.argv[1:]),
                         notes=(note,) if note else ())
    with render.progress("bench") as prog:
        result = engine.run(req, ctx, progress=prog, notify=render.note)
    from goarchlab.bench import html  # issue 5: keeps http profiles, writes --report

    for line in html.after_run(ctx, result, args.report):
        render.note(line)
    return _finish(args, result)


def _action(args, action: str, rest: list[str]) -> int:
    from goarchlab.bench import engine, report, store
    from goarchlab.render.bench import History, Text

    if action == "history":
        if rest:
            raise UsageError("bench history takes no arguments")
        render.emit(History(store.list_runs(limit=args.limit)), as_json=args.json)
        return EXIT_OK
    if action == "compare":
        if len(rest) != 2:
            raise UsageError("bench compare needs two run ids", "see: goarchlab bench history")
        a, b = store.load_run(rest[0]), store.load_run(rest[1])
        return _finish(args, engine.analyse(_pair(a, b, args.variant)))
    if action == "export":
        if len(rest) != 1:
            raise UsageError("bench export needs one run id", "see: goarchlab bench history")
        run = store.load_run(rest[0])
        cpu = json.loads(run.host_json or "{}").get("cpu_model", "") if run.host_json else ""
        from goarchlab import redact

        # Redacted here, as data (the JSON) or text: the file is for sharing too.
        text = (redact.text(report.benchfmt_text(run, cpu)) if args.benchfmt
                else json.dumps(redact.tree(store.export_run(run)), sort_keys=True,
                                indent=2) + "\n")
        if args.output:
            _write_atomic(Path(args.output), text)
            render.note(f"wrote run {run.run_id} to {args.output}")
        else:
            render.emit(Text(text))
        return EXIT_OK
    # merge
    if not rest:
        raise UsageError("bench merge needs JSON files", "export runs with: goarchlab bench "
                         "export RUN -o FILE (or save goarchlab bench --json output)")
    docs = []
    for f in rest:
        try:
            doc = json.loads(Path(f).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise UsageError(f"cannot read {f}: {e}") from e
        if doc.get("schema") == engine.BenchResult.SCHEMA:  # a --json result: same fields
            doc = {**doc, "schema": store.EXPORT_SCHEMA}
        docs.append(doc)
    merged = store.merge(docs)
    store.save_run(merged)
    return _finish(args, engine.analyse(merged))


def _pair(a, b, variant: str | None):
    """A record comparing one variant of run ``a`` (baseline) with the same one of ``b``."""
    from dataclasses import replace

    from goarchlab.bench.model import RunRecord

    name = variant or a.variants[0].name
    va = next((v for v in a.variants if v.name == name), None)
    vb = next((v for v in b.variants if v.name == name), None)
    if va is None or vb is None:
        raise UsageError(f"variant {name!r} is not in both runs",
                         "choose one with --variant; their variants: "
                         + ", ".join(v.name for v in a.variants) + " / "
                         + ", ".join(v.name for v in b.variants))
    na, nb = a.run_id, b.run_id
    if na == nb:
        raise UsageError("compare needs two different runs")
    samples = tuple(replace(s, variant=na) for s in a.samples if s.variant == name) + tuple(
        replace(s, variant=nb) for s in b.samples if s.variant == name)
    return RunRecord(run_id=f"{na}..{nb}", started_at=a.started_at, ended_at=b.ended_at,
                     host_json=a.host_json,
                     variants=(replace(va, name=na), replace(vb, name=nb)), samples=samples,
                     suites=tuple(dict.fromkeys((*a.suites, *b.suites))),
                     notes=(f"variant {name}: run {na} against run {nb}",),
                     complete=a.complete and b.complete, hostname=a.hostname)


def _write_atomic(path: Path, text: str) -> None:
    from goarchlab.oserrors import disk_error

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise disk_error(e, path.parent, "write in") from e
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise disk_error(e, path, "write") from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
