"""The platform toolchains are installed for by default: the machine's native one.

The answer is ``goarchlab.host.native_platform()``'s arch, never the arch
this Python process runs as: an x86_64 Python under Rosetta 2 on an Apple
Silicon Mac still installs darwin/arm64 Go (``hw.optional.arm64`` says what
the hardware is).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from goarchlab.host.native import native_platform

if TYPE_CHECKING:
    from goarchlab.host.probe import Probe


@functools.cache
def _real() -> tuple[str, str]:
    goos, arch, _ = native_platform()
    return goos, arch


def native(probe: Probe | None = None) -> tuple[str, str]:
    """(GOOS, GOARCH) of this machine's hardware, e.g. ("darwin", "arm64").

    ``probe`` replays another machine (the host layer's seam, for recorded
    macOS outputs); without it the real machine is asked once per process.
    """
    if probe is None:
        return _real()
    goos, arch, _ = native_platform(probe)
    return goos, arch
