"""Stop signals: SIGTERM (a CI's cancel) and SIGHUP are handled like Ctrl-C (children
killed, partial run stored, exit 128 + signum); after SIGKILL of goarchlab nothing it
started lives on (the guardian); an ignored signal stays ignored. Real goarchlab
processes, real go builds, survivors looked up by PID in /proc."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from proctree import MARK, marked, new_mark, survivors, wait_until

from goarchlab import proc
from goarchlab.bench import store

FLAKY = Path(__file__).parent / "bench" / "testdata" / "flaky"
pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


@pytest.fixture(scope="module")
def sig_home(tmp_path_factory) -> Path:
    """One GOARCHLAB_HOME for the module: the benchmark binary is built once."""
    return tmp_path_factory.mktemp("signals-home")


def _hanging_bench(go_env, home: Path, tmp_path: Path, mark: str,
                   prefix: tuple[str, ...] = ()) -> subprocess.Popen:
    """``goarchlab bench . --vs GOGC=100 -n 3`` on the flaky module: warm-ups and run 1
    of both variants finish (2 samples), then run 2's benchmark process hangs with a
    ``sleep 3600`` child. Returns once that process has started."""
    mod = tmp_path / "flaky"
    shutil.copytree(FLAKY, mod)
    pids = tmp_path / "pids"
    # CGO_ENABLED=0: the session's GOCACHE then already holds the standard library.
    env = dict(go_env, GOARCHLAB_HOME=str(home), CGO_ENABLED="0",
               FLAKY_COUNTER=str(tmp_path / "n"), FLAKY_AT="5", FLAKY_MODE="hang",
               FLAKY_PIDS=str(pids), **{MARK: mark},
               # the goarchlab under test, when it is not the installed one
               **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"})
    p = subprocess.Popen([*prefix, sys.executable, "-m", "goarchlab", "bench", ".",
                          "--vs", "GOGC=100", "-n", "3", "--benchtime", "5x"], env=env, cwd=mod,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: pids.exists() or p.poll() is not None, 300, 0.1)
    assert pids.exists(), p.communicate()[1][-2000:]
    time.sleep(0.3)
    return p


def _assert_partial_run_stored(err: str, home: Path) -> None:
    assert "Traceback" not in err
    assert "stored as partial run" in err, err
    run_id = err.split("partial run ")[1].split()[0]
    rec = store.load_run(run_id, home / "results.db")
    assert not rec.complete
    assert sorted(len(s.values) for s in rec.samples if s.unit == "ns/op") == [1, 1]
    history = subprocess.run([sys.executable, "-m", "goarchlab", "bench", "history", "--json"],
                             env=dict(os.environ, GOARCHLAB_HOME=str(home)),
                             capture_output=True, text=True, timeout=60)
    assert run_id in history.stdout


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_children_and_store_the_partial_run(
        sig, code, go_env, sig_home, tmp_path):
    mark = new_mark()
    p = _hanging_bench(go_env, sig_home, tmp_path, mark)
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode == code, err
    assert f"interrupted by {sig.name}; " in err
    _assert_partial_run_stored(err, sig_home)
    assert survivors(mark, 3.0) == {}


def test_sigkill_leaves_no_process_behind(go_env, sig_home, tmp_path):
    mark = new_mark()
    p = _hanging_bench(go_env, sig_home, tmp_path, mark)
    started = marked(mark)
    assert any("sleep 3600" in c for c in started.values()), started
    p.kill()
    p.communicate(timeout=60)
    assert survivors(mark, 2.5) == {}


def test_an_ignored_sighup_stays_ignored(go_env, sig_home, tmp_path):
    """Under nohup (SIGHUP ignored) goarchlab keeps running on SIGHUP; SIGTERM still stops it."""
    if shutil.which("nohup") is None:
        pytest.skip("needs nohup")
    mark = new_mark()
    p = _hanging_bench(go_env, sig_home, tmp_path, mark, prefix=("nohup",))
    p.send_signal(signal.SIGHUP)
    time.sleep(1.0)
    assert p.poll() is None
    assert any("sleep 3600" in c for c in marked(mark).values())
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 143, err
    assert survivors(mark, 3.0) == {}


# ---- proc: the guardian, and children of short-lived threads ----

_PARENT = """
import sys, threading, time
from goarchlab import proc
def in_thread():
    proc.run(["sh", "-c", "sleep 300 & sleep 300"], env=None, timeout=600)
threading.Thread(target=in_thread, daemon=True).start()
with proc.spawn(["sleep", "301"], env=None):
    print("up", flush=True)
    time.sleep(600)
"""


def test_children_of_a_killed_python_process_are_killed_by_the_guardian():
    """A process using goarchlab.proc, SIGKILLed: its children (one started from a worker
    thread, with a grandchild; one long-running spawn) are gone within 2 s."""
    mark = new_mark()
    p = subprocess.Popen([sys.executable, "-c", _PARENT], env=dict(os.environ, **{MARK: mark}),
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == "up\n"
        def sleeps() -> list[str]:
            return [c for c in marked(mark).values() if c.startswith("sleep")]

        assert wait_until(lambda: len(sleeps()) == 3, 10), marked(mark)
    finally:
        p.kill()
        p.wait()
    assert survivors(mark, 2.0) == {}


def test_a_child_outlives_the_short_lived_thread_that_started_it():
    """The thread that started a child may end before it (a worker thread): the child
    lives on while goarchlab does (a parent-death signal tied to that thread would
    kill it), and is still stopped when its block is left."""
    stack = contextlib.ExitStack()
    started: list[subprocess.Popen] = []

    def worker() -> None:
        started.append(stack.enter_context(proc.spawn(["sleep", "60"], env=None)))

    t = threading.Thread(target=worker)
    t.start()
    t.join(30)
    assert not t.is_alive() and started
    time.sleep(1.0)
    assert started[0].poll() is None, "the child died with the thread that started it"
    stack.close()
    assert started[0].poll() is not None


def test_sighup_after_the_terminal_is_gone_still_stores_and_exits_129(go_env, sig_home,
                                                                      tmp_path):
    """SIGHUP usually means the terminal went away: writing the message fails (here:
    stderr is a pipe nobody reads any more). The run is still stored, the exit code is
    still 129, and nothing is left running."""
    mark = new_mark()
    p = _hanging_bench(go_env, sig_home, tmp_path, mark)
    before = {r.run_id for r in store.list_runs(sig_home / "results.db")}
    p.stderr.close()
    p.send_signal(signal.SIGHUP)
    assert p.wait(60) == 129
    after = [r for r in store.list_runs(sig_home / "results.db") if r.run_id not in before]
    assert len(after) == 1 and not after[0].complete
    assert survivors(mark, 3.0) == {}
