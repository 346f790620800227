"""Run one benchmark server: start it under its runner, wait until it answers, stop it.

The server prints ``{"addr": "127.0.0.1:PORT"}`` on stdout once it listens
(loopback only, an ephemeral port). Readiness is that line plus one answered
``GET /api/ping``, within a timeout (generous: a server under QEMU starts
slowly). Stopping sends SIGTERM, on which the server writes its profiles and
GC view and exits 0; :func:`goarchlab.proc.spawn` kills the whole process
group on the way out whatever happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.bench.jobs import crash_reason
from goarchlab.errors import GoarchlabError


class ServerFailed(GoarchlabError):
    """The server did not start, did not answer, or died (exit code 3)."""


@dataclass
class Running:
    """A started server: ``addr`` is ``127.0.0.1:PORT``; ``popen`` its process;
    ``stderr_path`` the file its stderr goes to."""

    addr: str
    popen: subprocess.Popen
    stderr_path: Path

    def alive(self) -> bool:
        """True while the process runs."""
        return self.popen.poll() is None

    def stderr_tail(self) -> str:
        """The server's stderr in one line (:func:`goarchlab.bench.jobs.crash_reason`)."""
        try:
            text = self.stderr_path.read_text(errors="replace")
        except OSError:
            text = ""
        return crash_reason(text)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, wait up to ``timeout`` s; returns the exit code (negative: signal).
        Raises ServerFailed when it does not exit in time (it is then killed)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise ServerFailed(f"the server did not stop within {timeout:g} s of SIGTERM",
                                   "it was killed; its profiles are missing") from None
        return self.popen.returncode


def _read_line(p: subprocess.Popen, deadline: float) -> str:
    fd = p.stdout.fileno()
    buf = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, min(0.2, deadline - time.monotonic())))
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            buf += chunk
            if b"\n" in buf:
                return buf.split(b"\n", 1)[0].decode(errors="replace")
        elif p.poll() is not None:
            break
    return buf.decode(errors="replace")


def _ping(addr: str, deadline: float) -> None:
    # Imported here: every goarchlab command registers the http suite, and
    # http.client (with email and ssl) costs ~20-30 ms to import.
    import http.client

    host, port = addr.rsplit(":", 1)
    last = ""
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection(host, int(port),
                                          timeout=max(0.5, deadline - time.monotonic()))
        try:
            conn.request("GET", "/api/ping")
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                return
            last = f"HTTP {resp.status}"
        except OSError as e:
            last = str(e)
        finally:
            conn.close()
        time.sleep(0.05)
    raise ServerFailed(f"the server at {addr} did not answer GET /api/ping in time ({last})",
                       "raise --ready-timeout for slow runners")


@contextlib.contextmanager
def running(argv: Sequence[str], env: Mapping[str, str], workdir: Path, *,
            ready_timeout: float = 60.0) -> Iterator[Running]:
    """Start ``argv`` (runner prefix + server + flags), wait until it is ready, yield it.

    ``workdir`` receives the server's stderr (``server.stderr``). On leaving, the
    process group is stopped whatever happened. Raises ServerFailed when the server
    exits early, announces no address, or does not answer within ``ready_timeout`` s.
    """
    err_path = workdir / "server.stderr"
    # lifeline: standard input is a pipe that closes when goarchlab exits; a server
    # started with -lifeline then exits too (without the flag it never reads it).
    with open(err_path, "wb") as err, proc.spawn(argv, env=env, stdout=subprocess.PIPE,
                                                  stderr=err.fileno(), stop_timeout=10,
                                                  lifeline=True) as p:
        deadline = time.monotonic() + ready_timeout
        line = _read_line(p, deadline)
        r = Running("", p, err_path)
        try:
            addr = json.loads(line)["addr"]
        except (ValueError, KeyError, TypeError):
            # stdout closes a moment before the exit status can be collected
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=2.0)
            if p.poll() is not None:
                raise ServerFailed(f"the server exited before listening (exit {p.returncode}): "
                                   f"{r.stderr_tail()}",
                                   "run it by hand: " + " ".join(argv)) from None
            raise ServerFailed(f"the server announced no address within {ready_timeout:g} s "
                               f"(got {line[:80]!r})", "raise --ready-timeout") from None
        if not addr.startswith(("127.", "[::1]", "localhost")):
            raise ServerFailed(f"the server listens on {addr}, not on loopback")
        r.addr = addr
        _ping(addr, deadline)
        yield r
