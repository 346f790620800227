"""Findings and the check registry of ``goarchlab doctor``.

A check is a small function registered with :func:`check`; it receives the
shared :class:`~goarchlab.doctor.context.Context` (host facts, the go binaries
on PATH, memoised ``go env`` answers) and returns findings. Checks never print
and never raise for a problem they can describe: a problem is a Finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# Severity is the shared one (goarchlab.outcome); re-exported here for the checks.
from goarchlab.outcome import Severity

if TYPE_CHECKING:
    from goarchlab.doctor.context import Context


@dataclass(frozen=True)
class Fix:
    """How to fix a finding.

    ``text``: what a person should do (one or two sentences, with the command).
    ``action``: for fixes that are safe to apply automatically, a machine-readable
    action that :mod:`goarchlab.doctor.fixes` knows, e.g. ``go-env-unset`` with
    ``args`` ``("GOARCH",)``; None when only a person should act.
    """

    text: str
    action: str | None = None
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One result of a check.

    ``id``: dotted, stable, e.g. ``goenv.goarch-override`` (the check id plus a
    suffix when one check yields several kinds). ``area``: the group shown in
    the report (``path``, ``goroot``, ``goenv``, ``cgo``, ``tools``,
    ``homebrew``, ``project``, ``host``, ``toolchains``). ``refs``: where the
    fact behind the finding is defined (a file in GOROOT, ``go help
    environment``, a release note URL).
    """

    id: str
    area: str
    severity: Severity
    title: str
    detail: str = ""
    fix: Fix | None = None
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: ``id`` (e.g. ``goenv.goarch``), ``area``, a one-line
    ``summary`` for ``--list-checks``, and the function."""

    id: str
    area: str
    summary: str
    fn: Callable[[Context], Iterable[Finding]] = field(compare=False, repr=False)


REGISTRY: dict[str, CheckSpec] = {}


def check(id: str, area: str, summary: str) -> Callable:
    """Register the decorated function ``fn(ctx) -> Iterable[Finding]`` as a check."""

    def deco(fn: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        if id in REGISTRY:
            raise ValueError(f"duplicate doctor check id {id}")
        REGISTRY[id] = CheckSpec(id, area, summary, fn)
        return fn

    return deco


class CheckSkipped(Exception):
    """Raised by a check that cannot run because a fact it needs is missing.

    Another check reports the missing fact itself (no usable go on PATH: ``path.go``),
    so the runner records ``reason`` in the report's ``skipped`` list instead of a
    second finding for the same problem.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
