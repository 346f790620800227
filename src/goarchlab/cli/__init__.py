"""The argument tree.

Each command lives in ``cli/<command>.py`` with a ``register(subparsers)``
function that adds its parser and sets ``handler``: a function taking the
parsed arguments, calling its feature package, passing the result to
:mod:`goarchlab.render`, and returning the exit code. A parser may also set
``collect=False``: the console script then runs the command without the cyclic
garbage collector (see :func:`main`).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import itertools
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn

from goarchlab import __version__, render
from goarchlab.errors import EXIT_USAGE, GoarchlabError, Interrupted, stop_signal

#: Command modules under goarchlab.cli, in help order.
COMMANDS: tuple[str, ...] = (
    "doctor",
    "toolchain",
    "shell-init",
    "xbuild",
    "bench",
    "matrix",
    "inspect",
    "deps",
    "api",
    "godebug",
)


class _ParseError(GoarchlabError):
    """A usage error argparse found; ``prog``: the parser that found it
    (``goarchlab bench history``), for the --json error envelope's command."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message, f"see '{prog} --help'", EXIT_USAGE)
        self.prog = prog


def seconds(text: str) -> float:
    """argparse type of every ``--timeout``: a number of seconds, finite and > 0
    (0, a negative or NaN would make socket and subprocess waits fail or never end)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 seconds")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line plus a hint, exit 2.

    ``route``: set by a command whose first operand may name a subcommand or be a
    free operand (``bench history`` / ``bench cpu``), which argparse's subparsers
    cannot mix: the command's words -> (the subcommand's parser, its words), or None
    to parse them here. The parsed namespace's ``_prog`` is the deepest parser's prog.
    """

    route: Callable[[list[str]], tuple[argparse.ArgumentParser, list[str]] | None] | None = None

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        routed = self.route(list(args)) if self.route is not None and args is not None \
            else None
        if routed is not None:
            parser, words = routed
            return parser.parse_args(words, namespace), []  # it reports its own extras
        ns, extras = super().parse_known_args(args, namespace)
        if getattr(ns, "_prog", None) is None:  # a subcommand's parser set it first
            ns._prog = self.prog
        return ns, extras

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        ns, extras = self.parse_known_args(args, namespace)
        if extras:  # as argparse says it, but from the command's parser: its --help
            raise _ParseError(f"unrecognized arguments: {' '.join(extras)}",
                              getattr(ns, "_prog", None) or self.prog)
        return ns

    def error(self, message: str):  # type: ignore[override]
        raise _ParseError(message, self.prog)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full argument tree, or only the branch of command ``only``.

    Importing every command module costs ~0.1 s of CPU (their feature packages),
    so :func:`main` builds just the branch of the command being run.
    """
    p = _Parser(
        prog="goarchlab",
        description="Audit, install, benchmark and cross-build Go "
        "natively; see what Rosetta 2 and QEMU cost you.",
    )
    p.add_argument("--version", action="version", version=f"goarchlab {__version__}")
    p.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log every subprocess call (argv, timeout, exit code, time) to stderr",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"goarchlab.cli.{name.replace('-', '_')}").register(sub)
    return p


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the first word after the global options), if known."""
    for a in argv:
        if a == "--":
            return None
        if not a.startswith("-"):
            return a if a in COMMANDS else None
    return None


def _interrupted(signum: int, frame: object) -> None:
    """SIGINT, SIGTERM, SIGHUP: stop the children first (they run in their own
    sessions, so neither the terminal's signals nor a CI's SIGTERM to goarchlab
    reach them, and threads waiting for them would hold the exit), then unwind as
    Ctrl-C does (a partial benchmark run is stored) and exit 128 + signum."""
    proc = sys.modules.get("goarchlab.proc")  # not imported yet: no child to stop
    if proc is not None:
        proc.kill_running()
    raise Interrupted(signum)


def _install_handlers() -> dict[int, object]:
    """Set :func:`_interrupted` for the stop signals; returns the handlers replaced.

    Only in place of the defaults: an ignored signal (nohup's SIGHUP, a background
    job's SIGINT) stays ignored, and a handler an embedding program set stays."""
    previous: dict[int, object] = {}
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL,
                signal.SIGHUP: signal.SIG_DFL}
    for sig, default in defaults.items():
        if signal.getsignal(sig) is default:
            previous[sig] = signal.signal(sig, _interrupted)
    return previous


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``goarchlab`` console script and ``python -m goarchlab``: :func:`main`,
    then exit with its code."""
    # Off while the command is parsed and its modules imported (objects that are
    # not garbage), then on unless the command's parser set collect=False.
    gc.disable()
    code = main(argv, own_process=True)
    # The process ends here. Python's last collections would walk every object
    # the command made (a 3,000-package deps graph: ~25 ms on a 2-core VM) only
    # to free memory the OS frees anyway; frozen objects are skipped. Output is
    # written and atexit handlers still run. Not in main(): in-process callers
    # keep their collector.
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> int:
    """Run one goarchlab command line in this process; returns the exit code.

    ``own_process``: the process exists for this command (:func:`run`), which
    has turned the garbage collector off; it is turned on once the command is
    known, unless its parser set ``collect=False``."""
    # Only the main thread can set handlers (and receives the signals).
    if threading.current_thread() is not threading.main_thread():
        return _main(argv, own_process)
    previous = _install_handlers()
    try:
        return _main(argv, own_process)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        proc = sys.modules.get("goarchlab.proc")
        if proc is not None:  # an in-process caller may start children again
            proc.resume()


def _main(argv: Sequence[str] | None, own_process: bool) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = None
    printed = render.stdout_writes()
    try:
        args = build_parser(_command_of(words)).parse_args(words)
        if own_process and getattr(args, "collect", True):
            gc.enable()
        if args.verbose:  # imported only then (see proc._debug)
            import logging

            logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s",
                                stream=sys.stderr)
        handler = getattr(args, "handler", None)
        if handler is None:
            build_parser().print_help()
            return EXIT_USAGE
        return int(handler(args))
    except GoarchlabError as e:
        render.error(e.message, e.hint)
        # A script asked for JSON: the failure as JSON too, unless the command already
        # printed its result (stdout stays one document).
        if _wants_json(args, words) and render.stdout_writes() == printed:
            render.error_envelope(e.message, e.hint, e.code, _command_name(e, args, words))
        return e.code
    except KeyboardInterrupt as e:
        name, code = stop_signal(e)
        render.error(f"interrupted by {name}", None)
        return code
    except BrokenPipeError:
        return 0


def _wants_json(args: argparse.Namespace | None, words: list[str]) -> bool:
    """Whether the command line asks for JSON: ``--json`` (deps: ``--format json``) as
    parsed, or, when parsing failed, among the words before ``--``."""
    if args is not None:
        return bool(getattr(args, "json", False)) or getattr(args, "format", None) == "json"
    words = words[:words.index("--")] if "--" in words else words
    return "--json" in words or "--format=json" in words or ("--format", "json") in set(
        itertools.pairwise(words))


def _command_name(e: GoarchlabError, args: argparse.Namespace | None,
                  words: list[str]) -> str | None:
    """The command as far as it was recognised, without ``goarchlab``: ``bench history``;
    None when no command was."""
    prog = getattr(e, "prog", None) or getattr(args, "_prog", None) or "goarchlab"
    name = prog.removeprefix("goarchlab").strip()
    return name or _command_of(words)

