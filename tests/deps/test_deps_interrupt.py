"""``goarchlab deps`` stopped while go waits on a module proxy that never answers,
by Ctrl-C (exit 130) or by an invalid policy (exit 2): goarchlab stops its go
commands (they run in their own sessions, so the terminal's SIGINT does not reach
them) and exits at once, not at their 600-second timeout."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time


def test_ctrl_c_stops_the_go_commands_waiting_on_a_silent_proxy(planted):
    d, env = planted
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)  # connections complete in the backlog; nothing ever answers
        srv.settimeout(60)
        port = srv.getsockname()[1]
        p = subprocess.Popen([sys.executable, "-m", "goarchlab", "deps", "--json"], cwd=d,
                             env={**env, "GOPROXY": f"http://127.0.0.1:{port}"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        conn, _ = srv.accept()  # go list -m -u is now waiting on the proxy
        time.sleep(0.5)
        assert p.poll() is None, p.communicate()
        p.send_signal(signal.SIGINT)
        # Before the fix the process sat here until go gave up (it never does on
        # a silent proxy); 60 s is only the test's own guard.
        _, err = p.communicate(timeout=60)
        assert p.returncode == 130, err
        assert "interrupted" in err and "Traceback" not in err
        conn.settimeout(10)
        with conn:
            while conn.recv(65536):  # the request, then EOF: the go process is gone
                pass


def test_invalid_policy_stops_go_list_waiting_on_a_silent_proxy(planted, tmp_path):
    """go list -deps starts before the policy is read (it is the slow part); when the
    policy then turns out invalid, goarchlab stops go and exits 2 at once, instead of
    waiting for go to give up on a proxy that never answers. Which comes first, go
    reaching the proxy or goarchlab finding the policy invalid, depends on the
    machine's load: either way goarchlab exits 2 at once and no go is left waiting."""
    d, env = planted
    (tmp_path / "goarchlab.toml").write_text("[[deny]]\nname = 'x'\npackages = ['a']\n"
                                            "surprise = 1\n")
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        srv.settimeout(0.2)
        port = srv.getsockname()[1]
        # An empty module cache: go list -deps must download the dependencies.
        t0 = time.monotonic()
        p = subprocess.Popen([sys.executable, "-m", "goarchlab", "deps", "--json",
                              "--policy", str(tmp_path / "goarchlab.toml")], cwd=d,
                             env={**env, "GOPROXY": f"http://127.0.0.1:{port}",
                                  "GOMODCACHE": str(tmp_path / "modcache"),
                                  "GOFLAGS": "-mod=mod"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        conns = []
        while p.poll() is None and time.monotonic() - t0 < 60:  # the test's own guard
            with contextlib.suppress(TimeoutError):
                conns.append(srv.accept()[0])  # a go waiting on the proxy
        _, err = p.communicate(timeout=60)
        assert p.returncode == 2, err
        assert "surprise" in err and "Traceback" not in err
        assert time.monotonic() - t0 < 60  # go would wait 600 s on this proxy
        with contextlib.suppress(TimeoutError):
            conns.append(srv.accept()[0])  # a go started late would connect now
        for conn in conns:
            conn.settimeout(10)
            with conn:
                while conn.recv(65536):  # EOF: that go process is gone
                    pass
