"""``goarchlab bench``: benchmark Go workloads across variants, and the stored history.

    goarchlab bench [SUITE|./PKG ...] [--vs VARIANT ...] [-n RUNS] [--json|--benchfmt|--markdown]
    goarchlab bench history | compare RUN_A RUN_B | export RUN | merge FILE...

The subcommands have parsers of their own (their own options and --help), but
argparse's subparsers cannot share the command with free operands (``bench cpu
alloc``), so the bench parser routes (``route``, see :mod:`goarchlab.cli`): when
its first operand names a subcommand, the words go to that subcommand's parser.
"""

from __future__ import annotations

import json
import os
import sys
from argparse import Namespace
from dataclasses import replace
from pathlib import Path

from goarchlab import redact, render
from goarchlab.cli import seconds
from goarchlab.errors import EXIT_OK, EXIT_PROBLEMS, GoarchlabError, UsageError

#: What each subcommand does (its help line).
_ACTIONS = {
    "history": "list the stored runs, newest first",
    "compare": "compare one variant of two stored runs (RUN_A is the baseline)",
    "export": "print or write one stored run as goarchlab.bench.run/v1 JSON",
    "merge": "combine exported runs or saved --json results into one stored run",
}


def register(subparsers) -> None:
    """Add the ``bench`` parser."""
    from goarchlab.bench import catalog
    p = subparsers.add_parser(
        "bench",
        help="benchmark Go workloads across variants (native vs translated, Go versions, GOGC)",
        description="Run benchmark suites (or your package's go test benchmarks) for each "
        "variant, N interleaved runs, and compare with benchstat's statistics. Without --vs: "
        "native against translated for this host.",
        epilog="stored runs, each subcommand with its own --help: goarchlab bench history | "
        "compare RUN_A RUN_B | export RUN | merge FILE...",
    )
    p.add_argument("targets", nargs="*", metavar="SUITE|./PKG",
                   help="suites (" + ", ".join(catalog.SUITES) + "; default: "
                   + " ".join(catalog.default_suites()) + ") or Go package paths (./internal/x)")
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
    p.add_argument("--timeout", type=seconds, help="seconds per benchmark process "
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
    p.add_argument("--list", action="store_true", help="list the suites and exit")
    p.add_argument("--emit", choices=("github-actions",),
                   help="print a GitHub Actions workflow running this benchmark on macOS arm64, "
                   "Linux arm64 and Linux x86_64 runners, merged into one report, instead")
    p.add_argument("-o", "--output", metavar="FILE", help="--emit: write the workflow to FILE")
    p.add_argument("--goarchlab-spec", metavar="PIP_SPEC",
                   help="--emit: the pip requirement the workflow installs goarchlab with "
                   "(default: a placeholder the repository variable GOARCHLAB_SPEC replaces)")
    for s in catalog.SUITES.values():
        if s.add_arguments is not None:
            s.add_arguments(p.add_argument_group(f"{s.name} suite"))
    p.set_defaults(handler=lambda args: _run(args, p))
    actions = _action_parsers(type(p), p.prog)
    p.route = lambda words: _route(p, actions, words)


def _action_parsers(cls, prog: str) -> dict:
    """The parsers of ``bench history``, ``compare``, ``export`` and ``merge``."""
    parsers = {}
    for name, what in _ACTIONS.items():
        a = parsers[name] = cls(prog=f"{prog} {name}", description=what[0].upper() + what[1:]
                                + ".")
        a.set_defaults(handler=_action, action=name)
    h = parsers["history"]
    h.add_argument("--limit", type=int, default=20, help="how many runs (20)")
    h.add_argument("--json", action="store_true", help="print goarchlab.bench.history/v1")
    c = parsers["compare"]
    c.add_argument("run_a", metavar="RUN_A", help="the baseline run's id (see bench history)")
    c.add_argument("run_b", metavar="RUN_B", help="the other run's id")
    c.add_argument("--variant", help="the variant to compare (default: RUN_A's baseline)")
    e = parsers["export"]
    e.add_argument("run", metavar="RUN", help="the run's id (see bench history)")
    e.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE instead of stdout (its directory must exist)")
    form = e.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true",
                      help="goarchlab.bench.run/v1 JSON (the default)")
    form.add_argument("--benchfmt", action="store_true", help="Go benchmark format instead")
    m = parsers["merge"]
    m.add_argument("files", nargs="+", metavar="FILE",
                   help="goarchlab bench export output (bench export RUN -o FILE) or saved "
                   "goarchlab bench --json output")
    m.add_argument("--report", metavar="FILE",
                   help="also write the merged run as one self-contained HTML report")
    for a in (c, m):
        out = a.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="print goarchlab.bench/v1")
        out.add_argument("--benchfmt", action="store_true", help="print Go benchmark format")
        out.add_argument("--markdown", action="store_true", help="print a Markdown report")
        a.add_argument("--fail-on-regression", action="store_true",
                       help="exit 1 when the second side is significantly worse")
    return parsers


def _route(parser, actions: dict, words: list[str]):
    """(the subcommand's parser, its words) when the first operand in ``words`` names a
    subcommand, else None. Options before the subcommand go to its parser too."""
    i = _first_operand(parser, words)
    if i is None or words[i] not in actions:
        return None
    return actions[words[i]], words[:i] + words[i + 1:]


def _first_operand(parser, words: list[str]) -> int | None:
    """Index of the first word of ``words`` that is neither an option nor an option's
    value (None: none before '--'); values are counted from each option's nargs."""
    # argparse's own table of option strings; also holds the suites' options.
    table = parser._option_string_actions
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--":
            return None
        if not w.startswith("-") or w == "-":
            return i
        i += 1
        if "=" in w or (not w.startswith("--") and len(w) > 2):
            continue  # --opt=value, -n3: the value is in the word
        action = table.get(w)
        if action is None and w.startswith("--"):
            found = [a for k, a in table.items() if k.startswith(w)]
            action = found[0] if len(found) == 1 else None  # argparse's abbreviations
        nargs = 0 if action is None else action.nargs
        if nargs is None:
            i += 1
        elif isinstance(nargs, int):
            i += nargs
        else:  # ?, *, +: the words up to the next option
            while i < len(words) and not words[i].startswith("-"):
                i += 1
                if nargs == "?":
                    break
    return None


def _emit(args, result, *, text_json: bool = True) -> None:
    from goarchlab.render import bench_text
    from goarchlab.render.bench import Text

    if args.json and text_json:
        render.emit(result, as_json=True)
    elif args.benchfmt:
        render.emit(Text(bench_text.benchfmt_text(result.run, result.cpu)))
    elif args.markdown:
        render.emit(Text(bench_text.markdown(result.run, result.tables, result.translation)))
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


def _run(args, parser=None) -> int:
    if args.emit:
        return _emit_workflow(args, parser)
    if args.list:
        from goarchlab.bench import catalog
        from goarchlab.render.bench import SuiteList

        render.emit(SuiteList(tuple((s.name, s.description, s.default)
                                    for s in catalog.SUITES.values())), as_json=args.json)
        return EXIT_OK
    return _bench(args)


def _emit_workflow(args, parser) -> int:
    """``--emit github-actions``: the workflow text (goarchlab.bench.workflow)."""
    from goarchlab.bench import workflow
    from goarchlab.ghactions import DEFAULT_SPEC, replay_argv
    from goarchlab.home import goarchlab_home

    if args.output:
        _output_file(args.output, "-o")
    env = dict(os.environ)
    got = workflow.versions(args.go, args.vs, Path.cwd(), env, goarchlab_home(env), render.note)
    exact = Namespace(**{**vars(args), "go": got.go, "vs": list(got.vs)})
    # What each leg runs: the user's command but for output, report and workflow options.
    words = replay_argv(parser, exact, {"emit", "output", "goarchlab_spec", "report", "json",
                                        "benchfmt", "markdown", "fail_on_regression", "list"})
    text = workflow.github_actions(words, got.install, fail_on_regression=args.fail_on_regression,
                                   pip_spec=args.goarchlab_spec or DEFAULT_SPEC,
                                   resolved=got.notes)
    if args.output:
        _write_atomic(Path(args.output), text)
        render.note(f"wrote {args.output}")
    else:
        from goarchlab.render.bench import Text

        render.emit(Text(text))
    return EXIT_OK


def _bench(args) -> int:
    from goarchlab.bench import catalog, engine, hostfacts, suites, variants
    from goarchlab.home import goarchlab_home

    if args.runs < 1 or args.warmup < 0:
        raise UsageError("--runs must be >= 1 and --warmup >= 0")
    if args.report:  # before the run, not after minutes of measuring
        _output_file(args.report, "--report")
    env = dict(os.environ)
    home = goarchlab_home(env)
    cwd = Path.cwd()
    targets = list(args.targets) or catalog.default_suites()
    from goarchlab.bench.userpkg import is_package

    for t in targets:
        if not is_package(t):
            catalog.get(t)
    from goarchlab.host import detect

    host = detect()
    plans, note = variants.plans_from_args(host, args.vs, args.go)
    if note:
        render.note(note)
    ctx = suites.SuiteContext(host, env, home, hostfacts.default_toolchains(env, cwd, home,
                                                                      render.note),
                         benchtime=args.benchtime, bench=args.bench, timeout=args.timeout,
                         cwd=cwd, options=vars(args))
    req = engine.Request(tuple(targets), tuple(plans), runs=args.runs, warmup=args.warmup,
                         command_line=("goarchlab", *sys.argv[1:]),
                         notes=(note,) if note else ())
    with render.progress("bench") as prog:
        result = engine.run(req, ctx, progress=prog, notify=render.note)
    # Issue 5: the http suite's profiles are kept with the stored run.
    from goarchlab.bench.http import artifacts

    arts = artifacts.keep(ctx._memo, ctx.home, result.run.run_id)
    if arts is not None:
        render.note(f"http profiles and GC views: {arts.directory} "
                    f"(go tool pprof -top {arts.directory}/<variant>/cpu.pb.gz)")
    if args.report:
        from goarchlab.render import bench_html

        bench_html.write_report(Path(args.report), result, arts)
        render.note(f"wrote {args.report}")
    return _finish(args, result)


def _action(args) -> int:
    from goarchlab.bench import engine, store
    from goarchlab.render import bench_text
    from goarchlab.render.bench import History, Text

    action = args.action
    if action == "history":
        if args.limit < 1:
            raise UsageError(f"--limit {args.limit}", "use 1 or more")
        render.emit(History(store.list_runs(limit=args.limit)), as_json=args.json)
        return EXIT_OK
    if action == "compare":
        a, b = store.load_run(args.run_a), store.load_run(args.run_b)
        return _finish(args, engine.analyse(_pair(a, b, args.variant)))
    if action == "export":
        if args.output:
            _output_file(args.output, "-o")
        run = store.load_run(args.run)
        cpu = json.loads(run.host_json or "{}").get("cpu_model", "") if run.host_json else ""
        # Redacted here, as data (the JSON) or text: the file is for sharing too.
        text = (redact.text(bench_text.benchfmt_text(run, cpu)) if args.benchfmt
                else json.dumps(redact.tree(store.export_run(run)), sort_keys=True,
                                indent=2) + "\n")
        if args.output:
            _write_atomic(Path(args.output), text)
            render.note(f"wrote run {run.run_id} to {args.output}")
        else:
            render.emit(Text(text))
        return EXIT_OK
    # merge
    if args.report:
        _output_file(args.report, "--report")
    docs = []
    for f in args.files:
        doc = _read_export(f)
        if doc.get("schema") == engine.BenchReport.SCHEMA:  # a --json result: same fields
            doc = {**doc, "schema": store.EXPORT_SCHEMA}
        docs.append(doc)
    merged = store.merge(docs)
    store.save_run(merged)
    result = engine.analyse(merged)
    if args.report:
        from goarchlab.render import bench_html

        bench_html.write_report(Path(args.report), result)
        render.note(f"wrote {args.report}")
    return _finish(args, result)


def _read_export(f: str) -> dict:
    """The JSON object in file ``f``; UsageError naming ``f`` for what cannot be one."""
    hint = "merge reads goarchlab bench export RUN -o FILE (or goarchlab bench --json) output"
    try:
        doc = json.loads(Path(f).read_bytes().decode("utf-8"))
    except OSError as e:
        raise UsageError(f"cannot read {f}: {e.strerror}", hint) from e
    except UnicodeDecodeError as e:
        raise UsageError(f"{f}: not UTF-8 (byte 0x{e.object[e.start]:02x} at offset "
                         f"{e.start}), so not an export", hint) from None
    except json.JSONDecodeError as e:
        raise UsageError(f"{f}: not JSON ({e})", hint) from None
    if not isinstance(doc, dict):
        raise UsageError(f"{f}: not a goarchlab.bench.run/v1 document (a JSON "
                         f"{type(doc).__name__})", hint)
    return doc


def _pair(a, b, variant: str | None):
    """A record comparing one variant of run ``a`` (baseline) with the same one of ``b``."""
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


def _output_file(value: str, flag: str) -> Path:
    """``value`` as a file goarchlab may write: not a directory, in a directory that
    exists. Missing directories are not created (a typo would make a tree
    somewhere); raises UsageError naming the path."""
    path = Path(value)
    if path.is_dir():
        raise UsageError(f"{flag} {value} is a directory", f"give {flag} a file name in it")
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise UsageError(f"{flag} {value}: the directory {parent} {what}",
                         "create the directory first, or choose a file in an existing one")
    return path


def _write_atomic(path: Path, text: str) -> None:
    """Write a file the user named (an export, a workflow), whole or not at all."""
    from goarchlab.atomicfile import write_text
    from goarchlab.oserrors import disk_error

    try:
        write_text(path, text)
    except OSError as e:
        raise disk_error(e, path, "write") from e
