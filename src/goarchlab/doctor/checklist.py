"""CheckList: the result of ``goarchlab doctor --list-checks`` (runner.list_checks).

Its own module so that a run of the checks does not create the class (a frozen
dataclass costs ~0.8 ms of CPU to create on Python 3.11).
"""

from __future__ import annotations

from dataclasses import dataclass

from goarchlab.doctor.model import CheckSpec


@dataclass(frozen=True)
class CheckList:
    """Every registered check (``--list-checks``), ordered by area then id."""

    SCHEMA = "goarchlab.doctor.checks/v1"

    checks: tuple[CheckSpec, ...]

    def to_json(self) -> dict:
        """``{"checks": [{"id", "area", "summary"}, ...]}``."""
        return {"checks": [{"id": c.id, "area": c.area, "summary": c.summary}
                           for c in self.checks]}
