"""Timing: how long one part of a doctor run took (Context.timings, ``doctor -v``).

Its own module, imported when the timings are read: a run without -v does not
create the class (a frozen dataclass costs ~0.8 ms of CPU to create on Python 3.11).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """How long one part of a doctor run took: ``kind`` (``fact``: a memoised shared
    fact, which includes the facts it asked for; ``check``: one check, including the
    facts it waited for; ``phase``: a step of the run such as importing the checks),
    ``label``, ``start`` (seconds after the Context was made, >= 0) and ``seconds``
    (wall time, >= 0)."""

    kind: str
    label: str
    start: float
    seconds: float
