"""proc.Group: children another thread can stop (deps stops go list -deps when the
policy it reads meanwhile turns out invalid)."""

from __future__ import annotations

import os
import sys
import threading

from goarchlab import proc

_SLEEPS = "import time; print('up', flush=True); time.sleep(120)"


def _run_in_thread(group: proc.Group, started: threading.Event | None = None):
    out: dict[str, proc.Completed] = {}

    def target() -> None:
        out["r"] = proc.run([sys.executable, "-c", _SLEEPS], env=dict(os.environ),
                            timeout=300, group=group,
                            on_stdout=(lambda c: started.set()) if started else None)

    t = threading.Thread(target=target)
    t.start()
    return t, out


def test_kill_stops_a_running_member():
    g, up = proc.Group(), threading.Event()
    t, out = _run_in_thread(g, up)
    assert up.wait(60)  # the child runs and is a member
    g.kill()
    t.join(60)  # the guard only: the child would sleep 120 s
    assert not t.is_alive()
    assert out["r"].returncode == -9


def test_a_member_started_after_kill_is_stopped_at_once():
    g = proc.Group()
    g.kill()
    t, out = _run_in_thread(g)
    t.join(60)
    assert not t.is_alive()
    assert out["r"].returncode == -9


def test_kill_leaves_children_of_other_groups_alone():
    mine, other, up = proc.Group(), proc.Group(), threading.Event()
    t, out = _run_in_thread(other, up)
    assert up.wait(60)
    mine.kill()
    t.join(1.0)
    assert t.is_alive()  # still sleeping: not a member of the killed group
    other.kill()
    t.join(60)
    assert out["r"].returncode == -9
