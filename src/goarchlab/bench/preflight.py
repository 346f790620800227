"""Pre-flight checks before a benchmark run, in the spirit of ``pyperf system show``.

Each check reads one fact that makes timings noisy or biased and, when it is
off, yields a :class:`PreflightWarning` that the engine records in the result
(the engine never prints). The facts come through the host layer's seam,
:class:`goarchlab.host.Probe`, so the macOS checks (load via ``sysctl
vm.loadavg``, battery power and thermal limits via ``pmset``) are tested with
recorded real outputs (:class:`goarchlab.host.RecordedProbe`) on any machine.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from goarchlab.host import Probe, RealProbe


@dataclass(frozen=True)
class PreflightWarning:
    """One pre-flight finding: ``id`` (``load``, ``governor``, ``battery``, ``thermal``),
    what was seen (``detail``) and what to do (``fix``)."""

    id: str
    detail: str
    fix: str


#: Load per CPU above which other work disturbs the measurements.
LOAD_PER_CPU_LIMIT = 0.5


def check(host_os: str, probe: Probe | None = None) -> tuple[PreflightWarning, ...]:
    """All pre-flight warnings for a host of GOOS ``host_os`` (empty when all is well)."""
    probe = probe or RealProbe()
    out: list[PreflightWarning] = []
    out += _load(probe, host_os)
    if host_os == "linux":
        out += _governor(probe)
    if host_os == "darwin":
        out += _battery(probe) + _thermal(probe)
    return tuple(out)


def _loadavg(probe: Probe, host_os: str) -> float | None:
    """The 1-minute load average: /proc/loadavg on Linux, ``vm.loadavg`` on macOS."""
    if host_os == "darwin":
        text = (probe.sysctl("vm.loadavg") or "").strip("{} \n")
    else:
        text = probe.read_text("/proc/loadavg") or ""
    try:
        return float(text.split()[0])
    except (IndexError, ValueError):
        return None


def _load(probe: Probe, host_os: str) -> list[PreflightWarning]:
    load = _loadavg(probe, host_os)
    cpus = probe.cpu_count() or 1
    if load is None or load <= LOAD_PER_CPU_LIMIT * cpus:
        return []
    return [PreflightWarning("load", f"load average {load:.2f} on {cpus} CPUs (1 min)",
                             "stop other work or wait until the machine is idle; "
                             "results will be noisy")]


_CPU_DIR = "/sys/devices/system/cpu"


def _governor(probe: Probe) -> list[PreflightWarning]:
    govs = []
    for name in probe.listdir(_CPU_DIR) or []:
        if re.fullmatch(r"cpu\d+", name):
            g = probe.read_text(f"{_CPU_DIR}/{name}/cpufreq/scaling_governor")
            if g:
                govs.append(g.strip())
    off = {g: n for g, n in Counter(govs).items() if g != "performance"}
    if not off:
        return []
    desc = ", ".join(f"{n} CPU(s) {g}" for g, n in sorted(off.items()))
    return [PreflightWarning("governor", f"CPU frequency governor: {desc}",
                             "for stable timings: sudo cpupower frequency-set -g performance "
                             "(or pyperf system tune)")]


def _stdout(probe: Probe, argv: list[str]) -> str:
    r = probe.run(argv)
    return r.stdout if r is not None and r.ok else ""


_BATT_RX = re.compile(r"Now drawing from '([^']+)'")


def _battery(probe: Probe) -> list[PreflightWarning]:
    m = _BATT_RX.search(_stdout(probe, ["pmset", "-g", "batt"]))
    if not m or "Battery" not in m[1]:
        return []
    return [PreflightWarning("battery", "running on battery power",
                    "plug in the power adapter: macOS lowers CPU performance on battery")]


_SPEED_RX = re.compile(r"CPU_Speed_Limit\s*=\s*(\d+)")
_THERMAL_RX = re.compile(
    r"(?:thermal|performance) warning level\s*(?:=|set to|:)?\s*[1-9]", re.I)


def _thermal(probe: Probe) -> list[PreflightWarning]:
    out = _stdout(probe, ["pmset", "-g", "therm"])
    m = _SPEED_RX.search(out)
    if m and int(m[1]) < 100:
        return [PreflightWarning("thermal", f"CPU speed limited to {m[1]}% (thermal)",
                        "let the machine cool down before benchmarking")]
    if _THERMAL_RX.search(out):
        return [PreflightWarning("thermal", "a thermal warning level is recorded",
                        "let the machine cool down before benchmarking")]
    return []
