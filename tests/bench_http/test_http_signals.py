"""bench http and stop signals: the servers and the load generator exit when their
lifeline (standard input, a pipe only goarchlab writes to) closes; SIGKILL or SIGTERM
of a real ``goarchlab bench http`` leaves no server listening and no process behind."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from proctree import MARK, listening_ports, marked, new_mark, survivors, wait_until

from goarchlab.bench.http import build
from goarchlab.errors import GoarchlabError


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def _server(binary: Path) -> tuple[subprocess.Popen, int]:
    p = subprocess.Popen([str(binary), "-addr", "127.0.0.1:0", "-lifeline"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    addr = json.loads(p.stdout.readline())["addr"]
    return p, int(addr.rsplit(":", 1)[1])


def test_server_and_loadgen_exit_when_their_lifeline_closes(built):
    srv, port = _server(built["native"])
    gen = subprocess.Popen([str(built["loadgen"]), "-url", f"http://127.0.0.1:{port}/api/ping",
                            "-c", "2", "-d", "120s", "-lifeline"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            gen.wait(1.0)  # an open lifeline: it works on
        gen.stdin.close()
        assert gen.wait(2.0) == 3
        assert b"goarchlab is gone" in gen.stderr.read()
        assert not _refused(port)
        srv.stdin.close()
        assert srv.wait(2.0) == 3
        assert _refused(port)
    finally:
        for p in (gen, srv):
            p.kill()
            p.wait()
            for f in (p.stdout, p.stderr):
                f.close()


@pytest.fixture()
def bench_http(go_env, http_home, tmp_path):
    """Start ``goarchlab bench http`` (one 120 s load, native vs GOGC=100) with a fresh
    home sharing the session's build cache; returns (popen, mark, server's port) once
    the load generator runs."""
    procs = []

    def start(server: str):
        home = tmp_path / "home"
        (home / "cache").mkdir(parents=True)
        (home / "cache" / "bench").symlink_to(http_home / "cache" / "bench")
        mark = new_mark()
        env = dict(go_env, GOARCHLAB_HOME=str(home), **{MARK: mark},
                   **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"})
        p = subprocess.Popen([sys.executable, "-m", "goarchlab", "bench", "http", "--server",
                              server, "--vs", "GOGC=100", "-n", "1", "--warmup", "0",
                              "--duration", "120s", "--connections", "4"],
                             env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        procs.append(p)

        def loaded() -> dict[int, str]:
            m = marked(mark)
            return m if any("loadgen" in c for c in m.values()) else {}

        running = wait_until(lambda: loaded() or p.poll() is not None, 600, 0.1)
        assert isinstance(running, dict) and running, p.communicate()[1][-2000:]
        server_pid = next(pid for pid, c in running.items() if "-metrics" in c)
        ports = wait_until(lambda: listening_ports(server_pid), 5)
        assert ports, running
        return p, mark, ports.pop()

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.communicate()


@pytest.mark.parametrize("server", ["nethttp", "gin"])
def test_sigkill_of_bench_http_leaves_no_server_listening(server, bench_http, http_sctx,
                                                          native_plan):
    if server == "gin":
        try:  # from the session's module cache; built once per session
            build.build("gin", native_plan, http_sctx)
        except GoarchlabError as e:
            pytest.skip(f"the Gin server does not build here: {e.message}")
    p, mark, port = bench_http(server)
    assert not _refused(port)
    p.kill()
    p.wait()
    assert wait_until(lambda: _refused(port), 2.0), f"{server} still listens on {port}"
    assert survivors(mark, 2.5) == {}


def test_sigterm_of_bench_http_stops_the_server_and_stores_the_partial_run(bench_http):
    p, mark, port = bench_http("nethttp")
    p.send_signal(15)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 143, err
    assert "interrupted by SIGTERM; 0 finished samples stored as partial run" in err
    assert _refused(port)
    assert survivors(mark, 2.5) == {}
