"""The guardian: kills goarchlab's children when goarchlab dies, however it dies.

One small process per goarchlab process, started at its first child (only
:mod:`goarchlab.proc` uses this module). Its standard input is a pipe whose
write end only that goarchlab process holds. goarchlab writes ``+PGID`` when it
starts a child (each child leads a process group of its own) and ``-PGID`` once
that group is gone. End of file means goarchlab has exited, even by SIGKILL (the
kernel closes its descriptors): the guardian then SIGKILLs every group still
listed and exits.

Why a guardian and not PR_SET_PDEATHSIG (Linux only): the parent-death signal
reaches only the direct child (a ``go`` command's compiler or test binary, a
benchmark's own children would live on), it fires when the *thread* that forked
exits (goarchlab starts go commands from worker threads, which may end before
their children), it must be set in the child between fork and exec
(subprocess's preexec_fn runs Python there, which can deadlock in a threaded
process, and loses subprocess's vfork fast path: time that ``bench`` measures as
a process's start-up), and macOS has no equivalent. The guardian works the same
on Linux and macOS and costs nothing per child but two writes of a few bytes.

Why /bin/sh: ~1 ms of CPU to start, where ``python -I -S`` takes ~15 ms, once
per goarchlab command, on machines with two cores.
"""

from __future__ import annotations

import os
import subprocess

#: The guardian, in POSIX sh. ``groups`` holds the live groups, space-separated;
#: the list stays short (the children running at once), so removal is a loop.
SCRIPT = r"""
groups=' '
while IFS= read -r line; do
  case $line in
    +*) groups="$groups${line#+} " ;;
    -*) left=' '
        for g in $groups; do [ "$g" = "${line#-}" ] || left="$left$g "; done
        groups=$left ;;
  esac
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
exit 0
"""


def start() -> tuple[subprocess.Popen, int] | None:
    """Start a guardian in its own session (so signals sent to goarchlab's group or
    terminal do not reach it); returns it and the write end of its standard input,
    or None when it cannot be started. The pipe's descriptors are not inherited by
    other children (os.pipe's are non-inheritable, and Popen closes the others)."""
    r, w = os.pipe()
    try:
        p = subprocess.Popen(["/bin/sh", "-c", SCRIPT, "goarchlab-guardian"], stdin=r,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    except OSError:
        os.close(w)
        return None
    finally:
        os.close(r)
    return p, w
