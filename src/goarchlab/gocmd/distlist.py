"""``go tool dist list -json``: the GOOS/GOARCH ports a toolchain knows.

The list differs between Go releases (ports are added and removed), so it is
always asked of the toolchain in use, never kept as a table in goarchlab.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError

#: Seconds allowed for ``go tool dist list``.
DIST_LIST_TIMEOUT = 30.0


@dataclass(frozen=True)
class DistTarget:
    """One port of a toolchain: ``goos``/``goarch``, whether cgo can be used for
    it (``cgo_supported``) and whether it is a first-class port (``first_class``:
    the Go project's release-blocking ports, see go.dev/wiki/PortingPolicy)."""

    goos: str
    goarch: str
    cgo_supported: bool
    first_class: bool

    @property
    def platform(self) -> str:
        """``goos/goarch``."""
        return f"{self.goos}/{self.goarch}"


def parse_dist_list(text: str) -> tuple[DistTarget, ...]:
    """Parse the JSON array printed by ``go tool dist list -json``.

    Raises GoarchlabError when the text is not that array.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise GoarchlabError(
            f"'go tool dist list -json' printed something that is not JSON (offset {e.pos})",
            "this go binary may be broken",
        ) from e
    if not isinstance(data, list) or not all(
        isinstance(d, dict) and isinstance(d.get("GOOS"), str) and isinstance(d.get("GOARCH"), str)
        for d in data
    ):
        raise GoarchlabError(
            "'go tool dist list -json' printed an unexpected JSON shape",
            "this go binary may be broken",
        )
    return tuple(
        DistTarget(d["GOOS"], d["GOARCH"], bool(d.get("CgoSupported")), bool(d.get("FirstClass")))
        for d in data
    )


def dist_list(
    go: Path | str, env: Mapping[str, str], timeout: float = DIST_LIST_TIMEOUT
) -> tuple[DistTarget, ...]:
    """Every port the toolchain of ``go`` can build for, in its own order.

    ``env`` is passed as is (it should carry GOTOOLCHAIN=local so the answer is
    that toolchain's, not a switched-to one's); ``timeout`` in seconds.
    """
    r = proc.run([str(go), "tool", "dist", "list", "-json"], env=env, timeout=timeout)
    if not r.ok:
        first = (r.stderr or r.stdout).strip().splitlines()
        raise GoarchlabError(
            f"'{go} tool dist list -json' failed (exit {r.returncode}): "
            f"{first[0][:160] if first else 'no output'}",
            "run it by hand; the toolchain may be incomplete",
        )
    return parse_dist_list(r.stdout)
