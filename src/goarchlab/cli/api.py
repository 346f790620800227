"""``goarchlab api OLD NEW``: exported-API compatibility between two versions."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from goarchlab import render
from goarchlab.errors import EXIT_OK, EXIT_PROBLEMS


def register(subparsers) -> None:
    """Add the ``api`` parser."""
    p = subparsers.add_parser(
        "api",
        help="exported-API compatibility between two versions (apidiff)",
        description="Compare the exported API of this module at two git refs (or '.' for "
        "the working tree), or of two module versions (module@v1 module@v2) through the "
        "Go module proxy, with apidiff (installed into GOARCHLAB_HOME on first use). "
        "Exit 1 when the changes need a bigger semver step than taken (or a new major).",
    )
    p.add_argument("old", help="git ref (v1.4.0, HEAD~3), '.', or module@version")
    p.add_argument("new", help="git ref, '.', or module@version")
    p.add_argument("--json", action="store_true", help="print goarchlab.api/v1")
    p.add_argument("--go", metavar="VERSION",
                   help="Go version to use, installed if missing (default: the directory's "
                   "toolchain, else the go on PATH)")
    p.add_argument("--install-missing", action="store_true",
                   help="install a pinned Go version (.go-version, go.mod toolchain line ...) "
                   "that is not installed, instead of stopping (also: GOARCHLAB_INSTALL_MISSING=1)")
    p.set_defaults(handler=_run)


def _run(args) -> int:
    from goarchlab.api import diff, tool
    from goarchlab.gocmd.env import go_version
    from goarchlab.home import goarchlab_home
    from goarchlab.toolchains.api import install_missing_from, select_go

    cwd = Path.cwd()
    env = dict(os.environ)
    run = select_go(args.go, cwd, env, render.note,
                    install_missing=install_missing_from(env, args.install_missing))
    go, genv = run.go, run.env
    ver = go_version(go, genv).version
    exe = tool.ensure_apidiff(go, ver, genv, goarchlab_home(env), render.note)
    with render.progress("api", enabled=not args.json) as prog:
        step = iter(range(5))
        report = diff.run(args.old, args.new, cwd=cwd, go=go, env=genv, apidiff=exe,
                          progress=lambda what: prog(next(step, 4), 5, what))

    report = dataclasses.replace(report, toolchain=run)
    if not args.json:
        render.note(run.line())
    render.emit(report, as_json=args.json)
    return EXIT_OK if report.ok else EXIT_PROBLEMS
