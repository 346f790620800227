"""``goarchlab godebug``: GODEBUG defaults by go line (diff) and per main package (show)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from goarchlab import render
from goarchlab.errors import EXIT_OK, UsageError


def register(subparsers) -> None:
    """Add the ``godebug`` parser and its ``diff`` and ``show`` subcommands."""
    p = subparsers.add_parser(
        "godebug",
        help="GODEBUG defaults a go line changes (diff), where a main package's come from (show)",
        description="Answers from the chosen toolchain's own internal/godebugs/table.go and "
        "go list (docs/godebug.md).",
    )
    sub = p.add_subparsers(dest="godebug_command", metavar="SUBCOMMAND", required=True)
    common = {"metavar": "VERSION",
              "help": "Go toolchain to ask, installed if missing (default: the directory's "
              "toolchain, else the go on PATH)"}
    d = sub.add_parser("diff", help="settings whose default changes when the go line moves "
                       "from OLD to NEW",
                       description="List the GODEBUG settings whose default changes when a "
                       "module's go line moves from OLD to NEW (1.21, go1.21, 1.21.5), with the "
                       "value that restores the old behaviour; settings the toolchain removed are "
                       "listed apart. NEW must not be newer than the toolchain (exit 3).")
    d.add_argument("old", metavar="OLD", help="the go line now (1.21, go1.21, 1.21.5)")
    d.add_argument("new", metavar="NEW", help="the go line to move to")
    d.add_argument("--go", **common)
    d.add_argument("--json", action="store_true", help="print the goarchlab.godebug/v1 JSON")
    d.set_defaults(handler=_diff)
    s = sub.add_parser("show", help="the main package's DefaultGODEBUG and each entry's origin",
                       description="Print go list's DefaultGODEBUG of the main package in DIR "
                       "and where each entry comes from: the go line, a godebug line of go.mod "
                       "or go.work, a //go:debug directive (file:line), or GOFIPS140.")
    s.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                   help="directory of a main package (default: .)")
    s.add_argument("--go", **common)
    s.add_argument("--json", action="store_true", help="print the goarchlab.godebug/v1 JSON")
    s.set_defaults(handler=_show)


def _select(args, cwd: Path):
    from goarchlab.godebug.diff import go_facts
    from goarchlab.toolchains.api import install_missing_from, select_go

    env = dict(os.environ)
    run = select_go(args.go, cwd, env, render.note, install_missing=install_missing_from(env))
    return run, go_facts(run.go, run.env, cwd)


def _emit(report, run, as_json: bool) -> int:
    report = dataclasses.replace(report, toolchain=run.to_json())
    if not as_json:
        render.note(run.line())
    render.emit(report, as_json=as_json)
    return EXIT_OK


def _diff(args) -> int:
    from goarchlab.godebug.diff import diff, language

    # Bad versions are usage errors before any toolchain is looked for.
    language(args.old, "OLD")
    language(args.new, "NEW")
    run, facts = _select(args, Path.cwd())
    return _emit(diff(facts, args.old, args.new), run, args.json)


def _show(args) -> int:
    from goarchlab.godebug.show import show

    d = args.dir.resolve()
    if not d.is_dir():
        raise UsageError(f"{args.dir} is not a directory", "pass the directory of a main package")
    run, facts = _select(args, d)
    return _emit(show(run.go, run.env, d, facts), run, args.json)
