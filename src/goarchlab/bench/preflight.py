"""Pre-flight checks before a benchmark run, in the spirit of ``pyperf system show``.

Each check reads one fact that makes timings noisy or biased and, when it is
off, yields a :class:`PreflightWarning` that the engine records in the result (the
engine never prints). The facts come through a :class:`Probe` so the macOS
checks (battery power, thermal throttling via ``pmset``) can be tested with
recorded real outputs on any machine.
"""

from __future__ import annotations

import glob
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from goarchlab import proc
from goarchlab.errors import GoarchlabError


@dataclass(frozen=True)
class PreflightWarning:
    """One pre-flight finding: ``id`` (``load``, ``governor``, ``battery``, ``thermal``),
    what was seen (``detail``) and what to do (``fix``)."""

    id: str
    detail: str
    fix: str


class Probe(Protocol):
    """Where pre-flight facts come from: the machine, or recordings in tests."""

    def loadavg(self) -> tuple[float, float, float] | None:
        """1, 5 and 15 minute load averages, or None when unknown."""

    def cpu_count(self) -> int:
        """Logical CPUs (>= 1)."""

    def read_glob(self, pattern: str) -> dict[str, str]:
        """Contents of the files matching ``pattern`` (path -> stripped text)."""

    def run(self, argv: list[str]) -> str | None:
        """stdout of ``argv`` or None when it cannot run."""


class LocalProbe:
    """The real machine."""

    def loadavg(self) -> tuple[float, float, float] | None:
        """``os.getloadavg()``, None where unsupported."""
        try:
            return os.getloadavg()
        except OSError:
            return None

    def cpu_count(self) -> int:
        """``os.cpu_count()`` (at least 1)."""
        return os.cpu_count() or 1

    def read_glob(self, pattern: str) -> dict[str, str]:
        """Read every file matching ``pattern``; unreadable ones are left out."""
        out = {}
        for p in sorted(glob.glob(pattern)):
            try:
                with open(p) as f:
                    out[p] = f.read().strip()
            except OSError:
                continue
        return out

    def run(self, argv: list[str]) -> str | None:
        """Run a query command (5 s timeout); None when missing or failing."""
        try:
            r = proc.run(argv, env={"PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}, timeout=5)
        except GoarchlabError:
            return None
        return r.stdout if r.ok else None


#: Load per CPU above which other work disturbs the measurements.
LOAD_PER_CPU_LIMIT = 0.5


def check(host_os: str, probe: Probe | None = None) -> tuple[PreflightWarning, ...]:
    """All pre-flight warnings for a host of GOOS ``host_os`` (empty when all is well)."""
    probe = probe or LocalProbe()
    out: list[PreflightWarning] = []
    out += _load(probe)
    if host_os == "linux":
        out += _governor(probe)
    if host_os == "darwin":
        out += _battery(probe) + _thermal(probe)
    return tuple(out)


def _load(probe: Probe) -> list[PreflightWarning]:
    la = probe.loadavg()
    cpus = probe.cpu_count()
    if la is None or la[0] <= LOAD_PER_CPU_LIMIT * cpus:
        return []
    return [PreflightWarning("load", f"load average {la[0]:.2f} on {cpus} CPUs (1 min)",
                    "stop other work or wait until the machine is idle; results will be noisy")]


def _governor(probe: Probe) -> list[PreflightWarning]:
    files = probe.read_glob("/sys/devices/system/cpu/cpu*/cpufreq/scaling_governor")
    if not files:
        return []
    counts = Counter(files.values())
    off = {g: n for g, n in counts.items() if g != "performance"}
    if not off:
        return []
    desc = ", ".join(f"{n} CPU(s) {g}" for g, n in sorted(off.items()))
    return [PreflightWarning("governor", f"CPU frequency governor: {desc}",
                    "for stable timings: sudo cpupower frequency-set -g performance "
                    "(or pyperf system tune)")]


_BATT_RX = re.compile(r"Now drawing from '([^']+)'")


def _battery(probe: Probe) -> list[PreflightWarning]:
    out = probe.run(["pmset", "-g", "batt"])
    m = _BATT_RX.search(out or "")
    if not m or "Battery" not in m[1]:
        return []
    return [PreflightWarning("battery", "running on battery power",
                    "plug in the power adapter: macOS lowers CPU performance on battery")]


_SPEED_RX = re.compile(r"CPU_Speed_Limit\s*=\s*(\d+)")
_THERMAL_RX = re.compile(
    r"(?:thermal|performance) warning level\s*(?:=|set to|:)?\s*[1-9]", re.I)


def _thermal(probe: Probe) -> list[PreflightWarning]:
    out = probe.run(["pmset", "-g", "therm"]) or ""
    m = _SPEED_RX.search(out)
    if m and int(m[1]) < 100:
        return [PreflightWarning("thermal", f"CPU speed limited to {m[1]}% (thermal)",
                        "let the machine cool down before benchmarking")]
    if _THERMAL_RX.search(out):
        return [PreflightWarning("thermal", "a thermal warning level is recorded",
                        "let the machine cool down before benchmarking")]
    return []
