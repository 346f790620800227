"""Find, by PID, the processes one goarchlab run started (Linux /proc).

A test gives goarchlab a unique value of :data:`MARK` in its environment; every
process goarchlab starts inherits it (go commands, benchmark binaries and their
children, servers, the load generator, the guardian), whatever their parent is
now (an orphan's is 1).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable

MARK = "GOARCHLAB_TEST_RUN_MARK"


def new_mark() -> str:
    """A fresh value for :data:`MARK`."""
    return uuid.uuid4().hex


def marked(value: str) -> dict[int, str]:
    """Live (not zombie) processes whose environment has MARK=value: pid -> cmdline."""
    needle = f"{MARK}={value}".encode()
    found: dict[int, str] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/environ", "rb") as f:
                if needle not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{d}/stat") as f:
                if f.read().rsplit(") ", 1)[1].startswith("Z"):
                    continue
            with open(f"/proc/{d}/cmdline", "rb") as f:
                found[int(d)] = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def wait_until(cond: Callable[[], object], timeout: float, step: float = 0.05):
    """Poll ``cond`` until it returns something true (returned) or ``timeout`` s pass
    (then its last value)."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def survivors(value: str, timeout: float) -> dict[int, str]:
    """The processes marked ``value`` still alive after up to ``timeout`` s ({} once
    none is)."""
    left = marked(value)
    end = time.monotonic() + timeout
    while left and time.monotonic() < end:
        time.sleep(0.05)
        left = marked(value)
    return left


def listening_ports(pid: int) -> set[int]:
    """TCP ports process ``pid`` listens on (its socket inodes in /proc/net/tcp{,6})."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except (FileNotFoundError, ProcessLookupError):
        return set()
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and cols[9] in inodes:  # 0A: LISTEN
                    ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports
