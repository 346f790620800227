"""The platform toolchains are installed for by default: the machine's native one.

``goarchlab.host.detect()`` is the source of this fact; when it is not
available (the host package still being built) a small fallback answers.
The fallback still keeps native apart from the process's arch: on macOS an
x86_64 Python under Rosetta sees ``platform.machine() == "x86_64"``, but
``sysctl hw.optional.arm64`` says the hardware is arm64.
"""

from __future__ import annotations

import functools
import os
import platform

from goarchlab import proc
from goarchlab.errors import GoarchlabError

_MACHINE = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "386",
    "i686": "386",
    "armv7l": "arm",
    "armv6l": "arm",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
}


@functools.cache
def native() -> tuple[str, str]:
    """(GOOS, GOARCH) of this machine's hardware, e.g. ("darwin", "arm64")."""
    try:
        from goarchlab.host.detect import detect
    except ImportError:
        detect = None
    if detect is not None:
        try:
            h = detect()
            return h.os, h.native_arch
        except GoarchlabError:
            pass
    return _fallback()


def _fallback() -> tuple[str, str]:
    goos = platform.system().lower()
    machine = platform.machine().lower()
    goarch = _MACHINE.get(machine, machine)
    if goos == "darwin" and goarch == "amd64" and os.path.exists("/usr/sbin/sysctl"):
        try:
            r = proc.run(["/usr/sbin/sysctl", "-n", "hw.optional.arm64"], env={}, timeout=5)
            if r.ok and r.stdout.strip() == "1":
                goarch = "arm64"  # Apple Silicon seen from a Rosetta process
        except GoarchlabError:
            pass
    return goos, goarch
