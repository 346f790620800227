"""The guardian: kills goarchlab's children when goarchlab dies, however it dies.

Not imported by goarchlab: :mod:`goarchlab.proc` runs this file as a script
(``python -I -S guardian.py``, standard library only, ~10 ms to start) once per
goarchlab process, at its first child. Its standard input is a pipe whose write
end only that goarchlab process holds. goarchlab writes ``+PGID`` when it starts a
child (each child leads its own process group) and ``-PGID`` once that group is
gone. End of file means goarchlab has exited, even by SIGKILL (the kernel closes
its descriptors): the guardian then SIGKILLs every group still listed and exits.

Why a process and not PR_SET_PDEATHSIG (Linux only): the parent-death signal
reaches only the direct child (a ``go`` command's compiler or test binary, a
benchmark's own children would live on), it fires when the *thread* that forked
exits (goarchlab starts go commands from worker threads), it must be set in
the child between fork and exec (subprocess's preexec_fn runs Python there,
which can deadlock in a threaded process, and costs the vfork fast path, time
that ``bench`` measures as start-up), and macOS has no equivalent.
"""

import contextlib
import os


def main() -> None:
    """Read ``+PGID``/``-PGID`` lines from fd 0 until EOF; then SIGKILL the groups left."""
    groups: set[int] = set()
    buf = b""
    while True:
        try:
            chunk = os.read(0, 4096)
        except InterruptedError:
            continue
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if line[:1] == b"+":
                groups.add(int(line[1:]))
            elif line[:1] == b"-":
                groups.discard(int(line[1:]))
    for pgid in groups:
        with contextlib.suppress(OSError):  # the group may be gone already
            os.killpg(pgid, 9)  # SIGKILL


if __name__ == "__main__":
    main()
