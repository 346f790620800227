"""Helpers shared by the host-area tests: recordings, and probes that mix a recording
with answers observed in a real process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

RECORDED = Path(__file__).parent / "recorded"


@pytest.fixture()
def recording():
    """Load tests/host/recorded/NAME.json as a dict."""

    def load(name: str) -> dict:
        return json.loads((RECORDED / f"{name}.json").read_text())

    return load
