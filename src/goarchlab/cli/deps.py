"""``goarchlab deps``: check the dependency graph against goarchlab.toml."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from goarchlab import render
from goarchlab.errors import EXIT_OK, EXIT_PROBLEMS, UsageError


def register(subparsers) -> None:
    """Add the ``deps`` parser."""
    p = subparsers.add_parser(
        "deps",
        help="dependency-graph policy checks (SARIF, GitHub annotations, Mermaid/DOT)",
        description="Load the import and module graph through the go command and check it "
        "against goarchlab.toml at the module root (docs/goarchlab.toml.md). Exit 0 when "
        "no rule is broken, 1 on violations, 2 for an invalid policy, 3 when go fails.",
    )
    p.add_argument("patterns", nargs="*", default=[], metavar="PATTERN",
                   help="packages whose imports are checked (default: ./..., or every "
                   "workspace module at a go.work root)")
    p.add_argument("--policy", type=Path, help="policy file (default: goarchlab.toml at the root)")
    p.add_argument("--offline", action="store_true",
                   help="GOPROXY=off: use only the module cache; skip retraction/deprecation")
    p.add_argument("--format", choices=("human", "json", "sarif", "github"), default="human",
                   help="output form (default: human)")
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument("--graph", choices=("mermaid", "dot"),
                   help="print the module graph with violations highlighted instead")
    p.add_argument("--github-prefix", default="", metavar="DIR",
                   help="--format github: the root's path inside the repository checkout")
    p.add_argument("--go", metavar="VERSION",
                   help="Go version to ask, installed if missing (default: the directory's "
                   "toolchain, else the go on PATH)")
    p.add_argument("--install-missing", action="store_true",
                   help="install a pinned Go version (.go-version, go.mod toolchain line ...) "
                   "that is not installed, instead of stopping (also: GOARCHLAB_INSTALL_MISSING=1)")
    # No cyclic garbage collection in the console script's process (cli.run): the
    # check builds ~30 objects per package from go list's JSON, none in a cycle,
    # and the collector would only walk them (~50 times, ~20 ms of CPU for 3,000
    # packages, partly while go list prints).
    p.set_defaults(handler=_run, collect=False)


def _run(args) -> int:
    from goarchlab.deps import check
    from goarchlab.toolchains.api import install_missing_from, select_go

    fmt = "json" if args.json else args.format
    cwd = Path.cwd()
    for pattern in args.patterns:
        _check_directory(pattern, cwd)
    env = dict(os.environ)
    run = select_go(args.go, cwd, env, render.note,
                    install_missing=install_missing_from(env, args.install_missing))
    go, env = run.go, run.env
    opts = check.DepsOptions(patterns=tuple(args.patterns), policy_path=args.policy,
                         offline=args.offline, graph=bool(args.graph))
    with render.progress("deps", enabled=fmt == "human" and not args.graph) as prog:
        report = check.run(go, env, cwd, opts, progress=prog)
    report = dataclasses.replace(report, toolchain=run)
    if fmt == "human" and not args.graph:
        render.note(run.line())
    if not args.graph and fmt in ("human", "json"):
        render.emit(report, as_json=fmt == "json")
        return EXIT_OK if report.ok else EXIT_PROBLEMS
    # Imported only for the forms that use them (not before check.run: importing
    # them would delay the first go command).
    from goarchlab.render import deps as out
    from goarchlab.render import deps_formats as outputs

    if args.graph == "mermaid":
        out.text(outputs.mermaid(report))
    elif args.graph == "dot":
        out.text(outputs.dot(report))
    elif fmt == "sarif":
        out.text(outputs.sarif_text(report))
    else:
        out.text(outputs.github(report, args.github_prefix))
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _check_directory(pattern: str, cwd: Path) -> None:
    """Refuse a file-system pattern (``/abs``, ``./dir/...``) whose directory does not
    exist: the go command would stop first on the current directory (not in a
    module) and the message would name it instead of the argument."""
    if not pattern.startswith(("/", "./", "../")) and pattern not in (".", ".."):
        return  # an import path: the go command resolves it
    head, wildcard, _ = pattern.partition("...")
    if wildcard and not head.endswith("/"):
        return  # ./cm... may match ./cmd: only a whole directory can be checked
    d = cwd / (head.rstrip("/") or "/")
    if not d.is_dir():
        raise UsageError(f"{pattern}: no such directory" if not d.exists()
                         else f"{pattern}: not a directory",
                         "patterns name packages of the module of the current directory "
                         "(./..., ./cmd/server); run goarchlab deps inside the module")
