"""Host facts and translation detection (Linux binfmt_misc/QEMU, macOS Rosetta 2).

``detect(probe=None) -> Host`` reads this machine; pass a :class:`RecordedProbe`
to replay a recording of another one (how the macOS paths are tested).
"""

from goarchlab.host.binfmt import BinfmtEntry
from goarchlab.host.detect import detect, native_platform
from goarchlab.host.model import CCompiler, Host, Translator
from goarchlab.host.probe import Probe, RealProbe, RecordedProbe, RecordingProbe

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
