"""The one subprocess wrapper.

Every child process goes through :func:`run` (wait for it) or :func:`spawn`
(a long-running server). Both take an argv list, an explicit environment and
a timeout, start the child in its own process group, and kill that whole group
on timeout, on Ctrl-C (SIGTERM, SIGHUP: see :func:`kill_running`) or on any
exception, so no grandchild outlives goarchlab. Should goarchlab itself die
without a chance to clean up (SIGKILL, a crash), its guardian process kills the
groups left (see goarchlab/guardian.py), and goarchlab's own Go programs also
exit when their ``lifeline`` standard input reaches end of file.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from goarchlab import guardian
from goarchlab.errors import GoarchlabError, ProcTimeout


def _debug(fmt: str, *args: object) -> None:
    """``goarchlab -v``'s log of subprocess calls: logger ``goarchlab.proc``, DEBUG.

    Not worth importing logging for (~10 ms of start-up, before the first go
    command): a process that has not imported it has not configured it either,
    and a DEBUG record would go nowhere. Nor can one that another thread is still
    importing (a check's lazy import): its module is in sys.modules half made.
    """
    logging = sys.modules.get("logging")
    # getLogger is defined after the root logger and DEBUG: if it is there, they are.
    if getattr(logging, "getLogger", None) is not None:
        log = logging.getLogger("goarchlab.proc")
        if log.isEnabledFor(logging.DEBUG):
            # argv can carry secrets (-ldflags -X main.token=..., a proxy URL).
            from goarchlab import redact

            log.debug("%s", redact.text(fmt % args))


@dataclass(frozen=True)
class Completed:
    """A finished process.

    ``returncode`` is negative when a signal ended it (-9 for SIGKILL);
    ``wall_s`` is the wall time from spawn to exit in seconds (>= 0).
    """

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    wall_s: float

    @property
    def ok(self) -> bool:
        """True when the process exited with status 0."""
        return self.returncode == 0


#: Children of :func:`run` and :func:`spawn` still running, in any thread
#: (see :func:`kill_running`).
_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()
#: Set by :func:`kill_running`: a child started from then on is killed at once.
_stopping = False


def kill_running() -> None:
    """SIGKILL the process group of every child of :func:`run` and :func:`spawn`,
    and of any started from now on (until :func:`resume`).

    For Ctrl-C, SIGTERM and SIGHUP: children run in their own sessions, so the
    terminal's SIGINT or a CI's SIGTERM to goarchlab does not reach them, and a
    worker thread waiting for one (go commands run side by side) would keep
    goarchlab from exiting until that child's timeout, or start the next one.
    """
    global _stopping
    with _running_lock:
        _stopping = True
        procs = list(_running)
    for p in procs:
        _kill_group(p)


def resume() -> None:
    """Let children start again after :func:`kill_running` (for in-process callers
    of the CLI, whose process goes on)."""
    global _stopping
    with _running_lock:
        _stopping = False


def _track(p: subprocess.Popen) -> None:
    """Make ``p`` known to :func:`kill_running` and to the guardian."""
    with _running_lock:
        _running.add(p)
        stop = _stopping
    _guard(b"+%d\n" % p.pid)
    if stop:
        _kill_group(p)


def _untrack(p: subprocess.Popen) -> None:
    """Forget ``p`` once its process group has been killed and it is reaped."""
    with _running_lock:
        _running.discard(p)
    _guard(b"-%d\n" % p.pid)


#: The write end of the guardian's standard input (-1: no guardian), and its process.
_guardian_fd: int | None = None
_guardian_proc: subprocess.Popen | None = None
#: The lifeline pipe (read end, write end); see :func:`_lifeline`.
_lifeline_fds: tuple[int, int] | None = None
_lazy_lock = threading.Lock()


def _guardian() -> int:
    """The guardian's pipe (-1: none); starts it at the first call. :func:`run` and
    :func:`spawn` call this before their clock starts: the guardian's start-up
    is not the first child's time."""
    global _guardian_fd
    if _guardian_fd is None:
        with _lazy_lock:
            if _guardian_fd is None:
                _guardian_fd = _start_guardian()
    return _guardian_fd


def _start_guardian() -> int:
    global _guardian_proc
    started = guardian.start()
    if started is None:
        _debug("no guardian (/bin/sh failed); children may outlive a killed goarchlab")
        return -1
    _guardian_proc, fd = started
    return fd


def _guard(msg: bytes) -> None:
    """Tell the guardian ``+PGID`` or ``-PGID``.

    A write of a few bytes to a pipe is atomic, so threads need no lock here."""
    global _guardian_fd
    fd = _guardian()
    if fd < 0:
        return
    try:
        os.write(fd, msg)
    except OSError as e:  # EPIPE: someone killed the guardian; carry on without it
        _debug("guardian gone (%s); children may outlive a killed goarchlab", e)
        _guardian_fd = -1


def _lifeline() -> int:
    """The read end of a pipe whose write end this process keeps open until it exits.

    Given as standard input (``lifeline=True``) to goarchlab's own Go programs
    (HTTP servers, load generator), which exit when it reads end of file: goarchlab
    has gone, however it went. Works on every OS, and does not depend on the guardian.
    """
    global _lifeline_fds
    if _lifeline_fds is None:
        with _lazy_lock:
            if _lifeline_fds is None:
                _lifeline_fds = os.pipe()
    return _lifeline_fds[0]


class Group:
    """Children started with ``run(..., group=g)`` while they run: :meth:`kill`
    stops them from another thread (a check whose policy turns out invalid while
    its go commands work). Their ``run`` then returns returncode -9."""

    def __init__(self) -> None:
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._killed = False

    def kill(self) -> None:
        """SIGKILL every running member, and any started from now on."""
        with self._lock:
            self._killed = True
            procs = list(self._procs)
        for p in procs:
            _kill_group(p)

    def _add(self, p: subprocess.Popen) -> None:
        with self._lock:
            self._procs.add(p)
            if not self._killed:
                return
        _kill_group(p)

    def _discard(self, p: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(p)


def _kill_group(p: subprocess.Popen) -> None:
    """SIGKILL the child's process group; tolerate a group that is already gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(p.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        p.kill()


def _popen(
    argv: Sequence[str], env: Mapping[str, str] | None, cwd: str | Path | None, **kw
) -> subprocess.Popen:
    argv = [str(a) for a in argv]
    try:
        return subprocess.Popen(
            argv,
            env=dict(env) if env is not None else None,
            cwd=str(cwd) if cwd is not None else None,
            start_new_session=True,
            **kw,
        )
    except FileNotFoundError as e:
        raise GoarchlabError(f"{argv[0]}: program not found", "check PATH or install it") from e
    except PermissionError as e:
        raise GoarchlabError(f"{argv[0]}: not executable", "check the file's permissions") from e
    except OSError as e:
        # ENOEXEC: a binary for another architecture with no binfmt handler, say.
        raise GoarchlabError(
            f"{argv[0]}: cannot be executed here ({e.strerror})",
            "goarchlab doctor shows which binaries cannot run on this machine",
        ) from e


def run(
    argv: Sequence[str | os.PathLike],
    *,
    env: Mapping[str, str] | None,
    timeout: float,
    cwd: str | Path | None = None,
    input: str | None = None,
    binary: bool = False,
    on_stdout: Callable[[bytes], None] | None = None,
    group: Group | None = None,
    lifeline: bool = False,
) -> Completed:
    """Run ``argv`` to completion and capture its output.

    ``env`` must be given explicitly (``None`` means inherit, and should be rare);
    ``timeout`` is in seconds (> 0). Raises :class:`ProcTimeout` on timeout after
    killing the process group, and :class:`GoarchlabError` when the program cannot
    be started. A non-zero exit is not an error: callers read ``returncode``.
    Output is decoded as UTF-8 with replacement unless ``binary`` is set (then
    ``stdout``/``stderr`` are latin-1 strings carrying the raw bytes).
    ``on_stdout`` (not with ``input``) receives the standard output in chunks as
    the child writes it, so it can be decoded while the child still works;
    ``stdout`` is then "". An exception it raises kills the child and propagates.
    ``group``: the child is a member while it runs (see :class:`Group`).
    ``lifeline`` (not with ``input``): the child's standard input is goarchlab's
    lifeline pipe, which reaches end of file only when goarchlab exits (for
    goarchlab's own Go programs, which then exit too); otherwise /dev/null.
    """
    if on_stdout is not None and input is not None:
        raise ValueError("proc.run: on_stdout and input cannot be combined")
    if lifeline and input is not None:
        raise ValueError("proc.run: lifeline and input cannot be combined")
    args = [os.fspath(a) for a in argv]
    _debug("run %s (timeout %gs, cwd %s)", args, timeout, cwd)
    _guardian()
    t0 = time.perf_counter()
    p = _popen(
        args,
        env,
        cwd,
        stdin=subprocess.PIPE if input is not None else
        _lifeline() if lifeline else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _track(p)
    if group is not None:
        group._add(p)
    try:
        if on_stdout is None:
            out, err = p.communicate(input.encode() if input is not None else None,
                                     timeout=timeout)
        else:
            out, err = b"", _pump(p, on_stdout, t0 + timeout)
    except subprocess.TimeoutExpired:
        _kill_group(p)
        p.communicate()
        _debug("timeout after %gs: %s", timeout, args)
        raise ProcTimeout(args, timeout) from None
    except BaseException:
        _kill_group(p)
        p.wait()
        raise
    finally:
        wall = time.perf_counter() - t0
        # The child may have left grandchildren in its group (a `go test` binary, say).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(p.pid, signal.SIGKILL)
        _untrack(p)
        if group is not None:
            group._discard(p)
    enc = "latin-1" if binary else "utf-8"
    res = Completed(
        tuple(args), p.returncode, out.decode(enc, "replace"), err.decode(enc, "replace"), wall
    )
    _debug("exit %d in %.3fs: %s", res.returncode, wall, args[0])
    return res


def _pump(p: subprocess.Popen, on_stdout: Callable[[bytes], None], deadline: float) -> bytes:
    """Hand ``p``'s stdout to ``on_stdout`` as it comes, collect its stderr, wait
    for its exit; raise TimeoutExpired at ``deadline`` (a perf_counter time)."""
    err: list[bytes] = []
    with selectors.DefaultSelector() as sel:
        for f in (p.stdout, p.stderr):
            sel.register(f, selectors.EVENT_READ)
        while sel.get_map():
            left = deadline - time.perf_counter()
            if left <= 0:
                raise subprocess.TimeoutExpired(p.args, 0)
            for key, _ in sel.select(left):
                data = os.read(key.fd, 1 << 16)
                if not data:
                    sel.unregister(key.fileobj)
                elif key.fileobj is p.stdout:
                    on_stdout(data)
                else:
                    err.append(data)
    for f in (p.stdout, p.stderr):
        f.close()
    p.wait(max(0.0, deadline - time.perf_counter()))
    return b"".join(err)


@contextlib.contextmanager
def spawn(
    argv: Sequence[str | os.PathLike],
    *,
    env: Mapping[str, str] | None,
    cwd: str | Path | None = None,
    stdin: int | None = subprocess.DEVNULL,
    stdout: int | None = subprocess.DEVNULL,
    stderr: int | None = subprocess.PIPE,
    stop_timeout: float = 5.0,
    lifeline: bool = False,
) -> Iterator[subprocess.Popen]:
    """Start a long-running child (a server) and yield its Popen.

    ``stdin``/``stdout``/``stderr`` are Popen's (None: inherit goarchlab's);
    ``lifeline`` replaces ``stdin`` with goarchlab's lifeline pipe (see :func:`run`).
    On leaving the block, for whatever reason, the child's process group gets
    SIGTERM, then SIGKILL after ``stop_timeout`` seconds (> 0). :func:`kill_running`
    kills it at once.
    """
    args = [os.fspath(a) for a in argv]
    _debug("spawn %s (cwd %s)", args, cwd)
    _guardian()
    p = _popen(args, env, cwd, stdin=_lifeline() if lifeline else stdin, stdout=stdout,
               stderr=stderr)
    _track(p)
    try:
        yield p
    finally:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(p.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=stop_timeout)
        _kill_group(p)
        p.wait()
        _untrack(p)
        for f in (p.stdout, p.stderr):
            if f is not None:
                f.close()
