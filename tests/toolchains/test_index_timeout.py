"""``--timeout`` bounds the index fetch too: a loopback server that accepts the
connection and never answers makes ``toolchain install`` exit 124 within the timeout
(per source asked) plus start-up, not after the old fixed 20/30 s."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from fsfaults import error_lines, goarchlab_argv
from toolchain_helpers import base_env

from goarchlab import proc


@pytest.fixture()
def silent_server():
    """``http://127.0.0.1:PORT``: accepts connections, reads the request, never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                c, _ = srv.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(c)  # kept open, never written to

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    stop.set()
    t.join(5)
    for c in held:
        c.close()
    srv.close()


def _install(home, tmp_path, url: str, *args: str):
    env = {**base_env(home), "GOARCHLAB_GO_MIRROR": url + "/dl/", "GOARCHLAB_PYPI_URL": url}
    t0 = time.monotonic()
    r = proc.run(goarchlab_argv("toolchain", "install", "1.27.3", "--timeout", "1", *args),
                 env=env, timeout=90, cwd=tmp_path)
    return r, time.monotonic() - t0


# Start-up of the CLI (imports, argument parsing) on a loaded 2-core machine.
_MARGIN = 6.0


def test_silent_official_index_exits_124_within_the_timeout(home, tmp_path, silent_server):
    r, took = _install(home, tmp_path, silent_server, "--source", "official")
    assert r.returncode == 124, r.stderr
    err, _ = error_lines(r.stderr)
    assert "no answer within 1 s" in err
    assert took < 1 + _MARGIN


def test_silent_pypi_exits_124_within_the_timeout(home, tmp_path, silent_server):
    r, took = _install(home, tmp_path, silent_server, "--source", "pypi")
    assert r.returncode == 124, r.stderr
    error_lines(r.stderr)
    assert took < 1 + _MARGIN


def test_both_sources_silent_exit_124(home, tmp_path, silent_server):
    r, took = _install(home, tmp_path, silent_server)
    assert r.returncode == 124, r.stderr
    err, _ = error_lines(r.stderr)
    assert "no source could provide" in err
    assert took < 2 + _MARGIN
