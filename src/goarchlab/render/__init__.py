"""The only place that prints.

Commands return frozen dataclasses that carry a ``SCHEMA`` class attribute
(``"goarchlab.<command>/v1"``). :func:`emit` prints them either as JSON (a
versioned envelope with sorted keys) or through the human renderer registered
for their type in ``render/<command>.py``.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from goarchlab import redact
from goarchlab.jsonable import to_jsonable

# rich is imported only when something is printed for a human: it is the largest
# import of the CLI, and JSON output (doctor --json in scripts) does not need it.
if TYPE_CHECKING:
    from rich.console import Console

_HUMAN: dict[type, Callable[[Any, Console], None]] = {}

#: The human renderers, by command (the ``<command>`` of a result's SCHEMA
#: ``goarchlab.<command>[.<part>]/v1``): the module :func:`emit` imports, which
#: registers its renderers with :func:`human`. Imported on use, so a command loads
#: only its own (and rich only when printing for a human); a module listed here
#: that is missing is an ImportError, never a silent fall back to JSON.
#: tests/test_registries.py compares :func:`renderers` with a golden list.
RENDERER_MODULES: dict[str, str] = {
    "api": "goarchlab.render.api",
    "bench": "goarchlab.render.bench",
    "deps": "goarchlab.render.deps",
    "doctor": "goarchlab.render.doctor",
    "godebug": "goarchlab.render.godebug",
    "inspect": "goarchlab.render.inspect",
    "matrix": "goarchlab.render.matrix",
    "toolchain": "goarchlab.render.toolchain",
    "xbuild": "goarchlab.render.xbuild",
}

#: Progress callback given to feature code: ``(done, total, label)``; total >= 1.
ProgressFn = Callable[[int, int, str], None]


def human(cls: type) -> Callable[[Callable[[Any, Console], None]], Callable[[Any, Console], None]]:
    """Register the human renderer for results of type ``cls``."""

    def deco(fn: Callable[[Any, Console], None]) -> Callable[[Any, Console], None]:
        _HUMAN[cls] = fn
        return fn

    return deco


def json_text(result: Any) -> str:
    """The versioned JSON envelope of ``result``: ``{"schema": ..., ...}``, keys sorted."""
    # Redacted as data, not as JSON text: a secret with a quote or a non-ASCII
    # character is escaped in the text and would no longer match.
    body = redact.tree(to_jsonable(result))
    if not isinstance(body, dict):
        body = {"result": body}
    body["schema"] = result.SCHEMA
    return json.dumps(body, sort_keys=True, indent=2)


def renderers() -> dict[str, str]:
    """Every registered human renderer after importing all of :data:`RENDERER_MODULES`:
    ``"<SCHEMA> <ResultType>" -> "module.function"`` (for the registry test)."""
    for module in RENDERER_MODULES.values():
        importlib.import_module(module)
    return {f"{getattr(cls, 'SCHEMA', '')} {cls.__qualname__}": f"{fn.__module__}.{fn.__qualname__}"
            for cls, fn in _HUMAN.items()}


@functools.cache
def _redacting_console() -> type[Console]:
    from rich.console import Console

    class RedactingConsole(Console):
        """Strings are redacted when rich turns them into text (before markup,
        wrapping and table layout could cut a secret in two)."""

        def render_str(self, text: str, **kwargs: Any):  # type: ignore[override]
            return super().render_str(redact.text(text), **kwargs)

    return RedactingConsole


#: Columns of a console that is not a terminal (a pipe, a file, CI logs): wide
#: enough that no table cell is wrapped or cut (run ids, hashes, paths stay whole for
#: grep and cut); COLUMNS is ignored there, as it describes a terminal.
PIPE_WIDTH = 10_000


def console(stderr: bool = False) -> Console:
    """A rich console; ``highlight`` is off so numbers are not recoloured at random.

    Everything it prints passes through :mod:`goarchlab.redact` twice: each string
    as rich reads it, and the final text as it is written. Not on a terminal, it is
    :data:`PIPE_WIDTH` columns wide."""
    stream = redact.Stream(sys.stderr if stderr else sys.stdout)
    c = _redacting_console()(file=stream, highlight=False, soft_wrap=False)
    if not c.is_terminal:
        c.width = PIPE_WIDTH
    return c


#: How many times :func:`write` and :func:`emit` printed (see :func:`stdout_writes`).
_stdout_writes = 0


def stdout_writes() -> int:
    """How many results :func:`write` and :func:`emit` have printed to stdout in this
    process (>= 0): the CLI prints a JSON error envelope only when none was printed
    during the failing command (stdout stays one JSON document)."""
    return _stdout_writes


def _counted() -> None:
    global _stdout_writes
    _stdout_writes += 1


def write(text: str) -> None:
    """Print already formatted text (Go benchmark format, SARIF, CSV, a graph) to
    stdout as is, secrets redacted."""
    _counted()
    sys.stdout.write(redact.text(text))


def emit(result: Any, *, as_json: bool = False) -> None:
    """Print ``result`` as JSON or through its registered human renderer."""
    _counted()
    if as_json:
        sys.stdout.write(json_text(result) + "\n")
        return
    schema = getattr(result, "SCHEMA", "")
    command = schema.removeprefix("goarchlab.").split("/")[0].split(".")[0]
    if command in RENDERER_MODULES:
        importlib.import_module(RENDERER_MODULES[command])
    for cls in type(result).__mro__:
        if cls in _HUMAN:
            _HUMAN[cls](result, console())
            return
    sys.stdout.write(json_text(result) + "\n")


def error(message: str, hint: str | None) -> None:
    """Print an expected failure: one line, and the hint on the next."""
    from rich.markup import escape

    c = console(stderr=True)
    message, hint = redact.text(message), redact.text(hint) if hint else hint
    # Messages are plain text: "[deny]" in one must print, not vanish as markup.
    # soft_wrap: one line each, whatever the terminal width (CI logs, grep).
    try:
        c.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False,
                soft_wrap=True)
        if hint:
            c.print(f"[dim]hint:[/] {escape(hint)}", markup=True, highlight=False,
                    soft_wrap=True)
        sys.stderr.flush()
    except (OSError, SystemExit):  # rich turns a broken pipe into SystemExit(1)
        # stderr is gone (SIGHUP's closed terminal, a reader that quit): nothing can be
        # said, but the exit code still can, once the dead stream is set aside so the
        # interpreter's final flush cannot fail (Python would exit 120).
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - open until the process exits


#: Schema of :func:`error_envelope` (docs/error.schema.json).
ERROR_SCHEMA = "goarchlab.error/v1"


def error_envelope(message: str, hint: str | None, code: int, command: str | None) -> None:
    """Print an expected failure as ``goarchlab.error/v1`` JSON on stdout (keys sorted,
    secrets redacted), for a command run with --json; ``code``: the exit code (>= 1);
    ``command``: ``bench history`` etc., None when no command was recognised. The
    human lines of :func:`error` still go to stderr."""
    body = redact.tree({"message": message, "hint": hint, "exit_code": code,
                        "command": command})
    body["schema"] = ERROR_SCHEMA
    sys.stdout.write(json.dumps(body, sort_keys=True, indent=2) + "\n")


def note(message: str) -> None:
    """Print an informational line to stderr (fallbacks, notices)."""
    console(stderr=True).print(message, markup=False, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def progress(label: str, *, enabled: bool = True) -> Iterator[ProgressFn]:
    """Yield a :data:`ProgressFn` that drives a rich progress bar on stderr.

    Disabled (a no-op callback) when ``enabled`` is false or stderr is not a terminal.
    """
    c = console(stderr=True) if enabled else None
    if c is None or not c.is_terminal:
        yield lambda done, total, what: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        # What is being done names user things (a benchmark, a target): not markup.
        TextColumn("{task.fields[what]}", markup=False),
        TimeElapsedColumn(),
        console=c,
        transient=True,
    ) as p:
        task = p.add_task(label, total=1, what="")

        def update(done: int, total: int, what: str) -> None:
            p.update(task, completed=done, total=max(total, 1), what=what)

        yield update
