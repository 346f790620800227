"""``goarchlab xbuild``: cross-build a main package for many targets and verify every artifact."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from goarchlab import render
from goarchlab.cli import seconds
from goarchlab.errors import EXIT_OK, EXIT_PROBLEMS, UsageError


def register(subparsers) -> None:
    """Add the ``xbuild`` parser."""
    p = subparsers.add_parser(
        "xbuild",
        help="cross-build a package for many GOOS/GOARCH targets and verify every artifact",
        description="Build one main package for the targets of 'go tool dist list', in "
        "parallel; check each artifact from its headers and Go build info; write "
        "<name>_<goos>_<goarch>[.exe], SHA256SUMS and manifest.json.",
    )
    p.add_argument("package", nargs="?", default=".", help="main package (default: .)")
    sel = p.add_argument_group("targets (default: --first-class)")
    sel.add_argument("--targets", metavar="OS/ARCH[/LEVEL],...",
                     help="e.g. linux/amd64,linux/amd64/v3,darwin/arm64")
    sel.add_argument("--first-class", action="store_true", help="the toolchain's first-class ports")
    sel.add_argument("--all", action="store_true", help="every port the toolchain knows")
    p.add_argument("-o", "--out", default="dist", help="output directory (default: dist)")
    p.add_argument("--name", help="artifact base name (default: the go command's for the package)")
    p.add_argument("--ldflags", default="", help="passed to go build -ldflags")
    p.add_argument("--trimpath", action="store_true", help="go build -trimpath")
    p.add_argument("--tags", default="", help="go build -tags (comma-separated)")
    p.add_argument("--cgo", choices=("0", "1"),
                   help="force CGO_ENABLED (default: go's own: on only for the go "
                   "command's own GOOS/GOARCH, and since Go 1.20 only when CC or the "
                   "default C compiler is found)")
    p.add_argument("-j", "--jobs", type=int, help="parallel builds (default: CPU count)")
    p.add_argument("--reproducible", action="store_true",
                   help="build each target again from another checkout and compare the bytes")
    p.add_argument("--repro-cache", choices=("fresh", "shared"), default="fresh",
                   help="GOCACHE of the second build: fresh (default; as on another machine, "
                   "rebuilds the standard library) or shared (faster; trusts the cache)")
    p.add_argument("--universal", action="store_true",
                   help="also write <name>_darwin_universal, one universal (fat) Mach-O of "
                   "the darwin/amd64 and darwin/arm64 builds, laid out as lipo does")
    p.add_argument("--go", metavar="VERSION",
                   help="Go version to build with, installed if missing (default: the "
                   "version the directory pins, else the go on PATH)")
    p.add_argument("--install-missing", action="store_true",
                   help="install a pinned Go version (.go-version, go.mod toolchain line ...) "
                   "that is not installed, instead of stopping (also: GOARCHLAB_INSTALL_MISSING=1)")
    p.add_argument("--timeout", type=seconds, default=900.0, help="seconds per go build")
    p.add_argument("--json", action="store_true", help="print goarchlab.xbuild/v1")
    # No cyclic garbage collection in the console script's process (cli.run): a run
    # makes a few thousand objects (module and class objects, one result per target,
    # none of them garbage in a cycle), and the collector would only walk them (~28
    # collections, ~6 ms of CPU while the builds keep every core busy).
    p.set_defaults(handler=_run, collect=False)


def _run(args) -> int:
    from goarchlab import xbuild
    from goarchlab.toolchains.api import install_missing_from, select_go

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}", "use 1 or more")
    cwd = Path.cwd()
    env = dict(os.environ)
    run = select_go(args.go, cwd, env, render.note,
                    install_missing=install_missing_from(env, args.install_missing))
    go, env = run.go, run.env
    opts = xbuild.XbuildOptions(
        pattern=args.package, targets=args.targets, first_class=args.first_class, all=args.all,
        out_dir=Path(args.out), name=args.name, ldflags=args.ldflags, trimpath=args.trimpath,
        tags=args.tags, cgo=args.cgo, jobs=args.jobs, reproducible=args.reproducible,
        repro_cache=args.repro_cache, timeout=args.timeout, universal=args.universal)
    with render.progress("xbuild", enabled=not args.json) as prog:
        res = xbuild.run(opts, go=go, env=env, cwd=cwd, progress=prog)
    res = dataclasses.replace(res, toolchain=run)
    if not args.json:
        render.note(run.line())
    render.emit(res, as_json=args.json)
    return EXIT_OK if res.ok else EXIT_PROBLEMS
