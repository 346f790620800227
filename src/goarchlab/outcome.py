"""The shared vocabulary of outcomes: how bad a finding is, how a unit of work ended,
and what kind of runner executed a binary.

A base module (DESIGN.md house plan): every layer may import it, it imports nothing
of goarchlab. The enums are ``StrEnum``: each member *is* its JSON string, so
``render.to_jsonable``, ``json.dumps``, SQLite and f-strings all see the same text
as before the enums existed, and a comparison with the plain string still holds
(``Status.PASS == "pass"``). Changing a value changes a JSON schema.
"""

from __future__ import annotations

import enum


class Severity(enum.StrEnum):
    """How bad a finding is (doctor findings, xbuild artifact checks).

    ``ok``: checked and fine; ``info``: worth knowing; ``warn``: works but is likely
    wrong or slow; ``error``: broken (doctor exits 1; an xbuild check of severity
    error fails its target).
    """

    OK = "ok"
    INFO = "info"
    WARN = "warn"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 (ok) to 3 (error), for sorting and thresholds."""
        return _RANK[self]


_RANK = {s: i for i, s in enumerate(Severity)}


class Status(enum.StrEnum):
    """How one unit of work ended: a matrix cell (one step of one Go version on one
    target), and, through ``TargetStatus.outcome``, an xbuild target.

    ``pass``: it ran and succeeded; ``fail``: it ran and failed; ``skip``: it did
    not run (the record says why).
    """

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


class RunnerKind(enum.StrEnum):
    """How a binary for a target executes here (``targets.Runner.kind``); the
    translating kinds are also the kinds of a host's ``Translator``.

    ``native``: the hardware runs it; ``rosetta``: macOS Rosetta 2 (``arch
    -x86_64``); ``qemu``: an explicit qemu-user binary put in front of it;
    ``binfmt``: a plain exec that the Linux kernel hands to an emulator
    (binfmt_misc); ``custom``: a command the user gave (``--runner``, bench's
    ``runner=CMD``), with the contract of ``go test -exec``.
    """

    NATIVE = "native"
    ROSETTA = "rosetta"
    QEMU = "qemu"
    BINFMT = "binfmt"
    CUSTOM = "custom"


__all__ = ["RunnerKind", "Severity", "Status"]
