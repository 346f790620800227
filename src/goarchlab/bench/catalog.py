"""The table of every bench suite goarchlab has: one explicit list, no discovery.

A suite module that is missing is an ImportError here, never a suite that quietly
disappears from ``goarchlab bench``; tests/test_registries.py compares this table
with a golden list in a fresh interpreter.
"""

from __future__ import annotations

from goarchlab.bench import suites
from goarchlab.bench.http import suite as http
from goarchlab.bench.suites import SuiteDef
from goarchlab.errors import UsageError

#: Every suite by name, in the order ``--help`` and ``bench suites`` list them.
SUITES: dict[str, SuiteDef] = {s.name: s for s in (
    suites.CPU, suites.ALLOC, suites.SCHED, suites.SYSCALL, suites.CGO, suites.STARTUP,
    suites.BUILD, http.SUITE)}


def get(name: str) -> SuiteDef:
    """The suite called ``name``; UsageError listing the known ones otherwise."""
    if name not in SUITES:
        raise UsageError(f"unknown suite {name!r}", "known suites: " + ", ".join(SUITES)
                         + "; a Go package path must start with ./ or ../")
    return SUITES[name]


def default_suites() -> list[str]:
    """Names of the suites run when none is named."""
    return [s.name for s in SUITES.values() if s.default]
