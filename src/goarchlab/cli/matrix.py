"""``goarchlab matrix``: build/vet/test across Go versions x targets, merge, emit CI."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from goarchlab import render
from goarchlab.cli import seconds
from goarchlab.errors import EXIT_OK, EXIT_PROBLEMS, UsageError
from goarchlab.ghactions import DEFAULT_SPEC


def register(subparsers) -> None:
    """Add the ``matrix`` parser."""
    p = subparsers.add_parser(
        "matrix",
        help="build/vet/test across Go versions x targets (non-native targets under an emulator)",
        description="For each Go version (installed if missing) and target: go build, go vet, "
        "go test (through 'go test -exec' with this machine's runner when the target is not "
        "native; build and vet only when it cannot run here). Arguments after '--' go to "
        "go test, replacing the packages.",
    )
    p.add_argument("--go", metavar="V1,V2",
                   help="Go versions, e.g. 1.22,1.27 (default: the directory's toolchain, "
                   "else the go on PATH)")
    p.add_argument("--targets", metavar="OS/ARCH[/LEVEL],...",
                   help="targets (default: this machine's platform)")
    p.add_argument("--package", action="append", metavar="PATTERN",
                   help="packages to build and vet (repeatable; default ./...)")
    p.add_argument("-j", "--jobs", type=int, help="pairs run at once (default: CPU count)")
    p.add_argument("--runner", metavar="CMD",
                   help="run non-native test binaries with this command (go test -exec)")
    p.add_argument("--timeout", type=seconds, default=1800.0, help="seconds per go command")
    p.add_argument("--install-missing", action="store_true",
                   help="without --go: install the Go version the directory pins when it is "
                   "not installed, instead of stopping (also: GOARCHLAB_INSTALL_MISSING=1)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print goarchlab.matrix/v2")
    out.add_argument("--csv", action="store_true", help="print one CSV row per cell")
    out.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--emit", choices=("github-actions",),
                   help="print a CI workflow running this matrix on hosted runners instead")
    p.add_argument("--goarchlab-spec", metavar="PIP_SPEC",
                   help="the pip requirement the workflow installs goarchlab with (its "
                   "GOARCHLAB_SPEC; e.g. git+https://github.com/ORG/goarchlab@v0.1.0; default: "
                   "a placeholder the repository variable GOARCHLAB_SPEC must replace)")
    p.add_argument("--merge", nargs="+", metavar="FILE",
                   help="merge matrix --json files (from several machines) instead of running")
    p.add_argument("gotest_args", nargs="*", metavar="-- GO_TEST_ARGS",
                   help="arguments for go test, after '--' (e.g. -- -run . ./...)")
    p.set_defaults(handler=_run)


def _targets(spec: str | None, host) -> list:
    from goarchlab.targets import Target, parse_list

    if not spec:
        return [Target(host.os, host.native_arch)]
    out = parse_list(spec)
    if not out:
        raise UsageError("--targets is empty", "e.g. --targets linux/amd64,linux/arm64")
    return out


def _setups(spec: str | None, cwd: Path, env: dict[str, str], install_missing: bool):
    """The Go of each --go version (or the one ``cwd`` resolves to), in order."""
    from goarchlab.matrix.run import env_for
    from goarchlab.toolchains.api import install_missing_from, select_go

    # Each cell is labelled with its Go version: GOTOOLCHAIN=local even when the user
    # set GOTOOLCHAIN, which would otherwise run one other Go in every cell.
    base = {**env_for(env), "GOTOOLCHAIN": "local"}
    if not spec:
        return (select_go(None, cwd, base, render.note,
                          install_missing=install_missing_from(env, install_missing)),)
    gos = tuple(select_go(s, cwd, base, render.note)
                for s in (x.strip() for x in spec.split(",")) if s)
    if not gos:
        raise UsageError("--go is empty", "e.g. --go 1.22,1.27")
    return gos


def _exact(spec: str) -> list:
    """The ``--go`` list as exact releases (the workflow names what every runner runs)."""
    from goarchlab.home import goarchlab_home
    from goarchlab.toolchains.api import exact_versions

    specs = [s.strip() for s in spec.split(",") if s.strip()]
    if not specs:
        raise UsageError("--go is empty", "e.g. --go 1.22,1.27")
    env = dict(os.environ)
    return exact_versions(specs, goarchlab_home(env), env, render.note)


def _print(res, args) -> None:
    from goarchlab.render import matrix as rm

    if args.csv:
        rm.print_csv(res)
    elif args.markdown:
        rm.print_markdown(res)
    else:
        render.emit(res, as_json=args.json)


def _run(args) -> int:
    from goarchlab.matrix import emit, merge

    packages = tuple(args.package or ["./..."])
    if args.merge:
        res = merge.merge([merge.load(Path(f)) for f in args.merge])
        _print(res, args)
        return EXIT_OK if res.ok else EXIT_PROBLEMS
    if args.emit:
        if not args.go:
            raise UsageError("--emit needs --go", "name the versions, e.g. --go 1.22,1.27")
        from goarchlab.targets import parse_list

        targets = [str(t) for t in parse_list(args.targets or "")]
        if not targets:
            raise UsageError("--emit needs --targets", "e.g. --targets linux/amd64,linux/arm64")
        versions = _exact(args.go)
        text = emit.github_actions([str(e.version) for e in versions], targets, packages,
                                   args.gotest_args, args.goarchlab_spec or DEFAULT_SPEC,
                                   resolved=[f"--go {e.asked}: {e.version} ({e.where})"
                                             for e in versions])
        from goarchlab.render import matrix as rm

        rm.print_raw(text)
        return EXIT_OK
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}", "use 1 or more")
    from goarchlab.host import detect
    from goarchlab.matrix import run as mrun

    cwd = Path.cwd()
    host = detect()
    targets = _targets(args.targets, host)
    gos = _setups(args.go, cwd, dict(os.environ), args.install_missing)
    quiet = args.json or args.csv or args.markdown
    if not quiet:
        for g in gos:
            render.note(g.line())
    with render.progress("matrix", enabled=not quiet) as prog:
        res = mrun.run(gos, targets, host, cwd=cwd, packages=packages,
                       test_args=args.gotest_args, jobs=args.jobs or os.cpu_count() or 1,
                       timeout=args.timeout, custom_runner=args.runner, progress=prog)

    res = dataclasses.replace(res, toolchains=gos)
    _print(res, args)
    return EXIT_OK if res.ok else EXIT_PROBLEMS
