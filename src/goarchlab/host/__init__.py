"""Host facts and translation detection (Linux binfmt_misc/QEMU, macOS Rosetta 2).

``detect(probe=None) -> Host`` reads this machine; pass a :class:`RecordedProbe`
to replay a recording of another one (how the macOS paths are tested).

The names below are imported on first use: a command that only needs the
native platform (every toolchain lookup) then loads goarchlab.host.native and
the probe, not the Host model, binfmt parsing and compiler probing. (No
submodule is named like an exported function, so importing one never hides it.)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from goarchlab.host.binfmt import BinfmtEntry
    from goarchlab.host.facts import detect
    from goarchlab.host.model import CCompiler, Host, Translator
    from goarchlab.host.native import native_platform
    from goarchlab.host.probe import Probe, RealProbe, RecordedProbe, RecordingProbe

_HOME = {
    "BinfmtEntry": "binfmt",
    "CCompiler": "model",
    "Host": "model",
    "Probe": "probe",
    "RealProbe": "probe",
    "RecordedProbe": "probe",
    "RecordingProbe": "probe",
    "Translator": "model",
    "detect": "facts",
    "native_platform": "native",
}

__all__ = [
    "BinfmtEntry",
    "CCompiler",
    "Host",
    "Probe",
    "RealProbe",
    "RecordedProbe",
    "RecordingProbe",
    "Translator",
    "detect",
    "native_platform",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'goarchlab.host' has no attribute {name!r}")
    value = globals()[name] = getattr(importlib.import_module(f"goarchlab.host.{module}"), name)
    return value
