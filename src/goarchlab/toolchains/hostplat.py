"""The platform toolchains are installed for by default: the machine's native one.

The answer is ``goarchlab.host.detect()``'s ``native_arch``, never the arch
this Python process runs as: an x86_64 Python under Rosetta 2 on an Apple
Silicon Mac still installs darwin/arm64 Go (``hw.optional.arm64`` says what
the hardware is).
"""

from __future__ import annotations

import functools

from goarchlab.host import Probe, detect


@functools.cache
def _real() -> tuple[str, str]:
    h = detect()
    return h.os, h.native_arch


def native(probe: Probe | None = None) -> tuple[str, str]:
    """(GOOS, GOARCH) of this machine's hardware, e.g. ("darwin", "arm64").

    ``probe`` replays another machine (the host layer's seam, for recorded
    macOS outputs); without it the real machine is asked once per process.
    """
    if probe is None:
        return _real()
    h = detect(probe)
    return h.os, h.native_arch
