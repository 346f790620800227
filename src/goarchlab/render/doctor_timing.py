"""``goarchlab -v doctor``: where the time of the run went, printed to stderr.

Plain text without rich, so that ``-v doctor --json`` costs no extra import and
stdout keeps only the JSON document.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from goarchlab import redact
from goarchlab.doctor.timing import Timing

#: Column order of the kinds, and how each is named in the table.
_KINDS = {"phase": "phase", "fact": "fact", "check": "check"}


def timing_lines(timings: Sequence[Timing], total_s: float) -> list[str]:
    """The timing table as lines: one row per phase, shared fact and check, ordered by
    start (milliseconds after doctor made its context), then a summary line.

    ``total_s``: wall seconds from the context's creation to the report (>= 0)."""
    rows = sorted(timings, key=lambda t: (t.start, _order(t.kind)))
    out = ["doctor timing (wall ms from doctor's start; a fact includes the facts it asked "
           "for, a check the facts it waited for; checks and facts overlap in threads):",
           f"  {'start':>7} {'took':>7}  {'kind':<5}  what"]
    for t in rows:
        out.append(f"  {t.start * 1000:7.1f} {t.seconds * 1000:7.1f}  "
                   f"{_KINDS.get(t.kind, t.kind):<5}  {redact.text(t.label)}")
    checks = [t for t in rows if t.kind == "check"]
    slow = sorted(checks, key=lambda t: -t.seconds)[:3]
    if checks:
        span = max(t.start + t.seconds for t in checks) - min(t.start for t in checks)
        out.append(f"  {len(checks)} checks ran in {span * 1000:.1f} ms wall; slowest: "
                   + ", ".join(f"{t.label} {t.seconds * 1000:.1f} ms" for t in slow))
    out.append(f"  total {total_s * 1000:.1f} ms from doctor's start to the report "
               "(interpreter start and the CLI's imports come before it)")
    return out


def show_timing(timings: Sequence[Timing], total_s: float) -> None:
    """Print :func:`timing_lines` to stderr (never stdout: ``--json`` stays one document)."""
    sys.stderr.write("\n".join(timing_lines(timings, total_s)) + "\n")


def _order(kind: str) -> int:
    return list(_KINDS).index(kind) if kind in _KINDS else len(_KINDS)
