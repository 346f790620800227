"""The one error type of goarchlab and its exit codes.

Expected failures raise :class:`GoarchlabError`; the CLI prints its message and
hint on one line each to stderr, without a traceback, and exits with ``code``.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

EXIT_OK = 0
#: The check found problems: doctor errors, policy violations, failed matrix cells,
#: a significant regression with ``--fail-on-regression``.
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
#: An operation failed: a download, a missing tool, a subprocess that crashed.
EXIT_FAILED = 3
EXIT_TIMEOUT = 124
#: Stopped by a signal: 128 + its number, as a shell reports a process it killed.
EXIT_HANGUP = 129  # SIGHUP: the terminal closed
EXIT_INTERRUPTED = 130  # SIGINT: Ctrl-C
EXIT_TERMINATED = 143  # SIGTERM: what CI systems send on cancel


class GoarchlabError(Exception):
    """An expected failure with a one-line ``message`` and an optional one-line ``hint``.

    ``code`` is the process exit code (see the ``EXIT_*`` constants; default 3).
    """

    def __init__(self, message: str, hint: str | None = None, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())
        self.hint = " ".join(hint.split()) if hint else None
        self.code = code

    def __str__(self) -> str:
        return self.message


class UsageError(GoarchlabError):
    """Bad command-line input (exit code 2)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint, EXIT_USAGE)


class ProcTimeout(GoarchlabError):
    """A subprocess exceeded its timeout and was killed with its children (exit code 124)."""

    def __init__(self, argv: list[str] | tuple[str, ...], timeout: float) -> None:
        super().__init__(
            f"{argv[0]} did not finish within {timeout:g} s and was stopped",
            "raise the timeout or check that the program is not waiting for input",
            EXIT_TIMEOUT,
        )
        self.argv = tuple(argv)
        self.timeout = timeout


#: The stop signals goarchlab handles, by number: (name, exit code).
STOP_SIGNALS: dict[int, tuple[str, int]] = {
    1: ("SIGHUP", EXIT_HANGUP),
    2: ("SIGINT", EXIT_INTERRUPTED),
    15: ("SIGTERM", EXIT_TERMINATED),
}


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived (SIGINT, SIGTERM or SIGHUP; ``signum`` its number).

    A KeyboardInterrupt, so every place that handles Ctrl-C (killing children,
    storing a partial benchmark run) handles the other signals the same way.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def stop_signal(exc: KeyboardInterrupt) -> tuple[str, int]:
    """The signal's name and goarchlab's exit code for ``exc`` (128 + the signal's
    number): ("SIGTERM", 143), ("SIGHUP", 129); a plain KeyboardInterrupt is Ctrl-C,
    ("SIGINT", 130)."""
    return STOP_SIGNALS[getattr(exc, "signum", 2)]
