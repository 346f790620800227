"""The host layer's seam: every question :func:`goarchlab.host.detect` asks the machine.

:class:`RealProbe` asks this machine (files read directly, subprocesses only
through :mod:`goarchlab.proc`, macOS sysctls in-process). :class:`RecordedProbe`
replays a JSON recording of real outputs, which is how macOS (sysctl,
Rosetta 2) is tested on Linux (DESIGN.md principle 5). :class:`RecordingProbe`
wraps a probe and writes down every answer, which is how such a recording of
a real machine is made (``python -m goarchlab.host host.json``).

Recording format (all keys optional)::

    {"_about": "...", "_sources": {...},
     "uname": {"system": "Darwin", "release": "23.4.0", "machine": "arm64"},
     "sysctl": {"hw.optional.arm64": "1", "sysctl.proc_translated": null},
     "files": {"/proc/sys/kernel/arch": "x86_64\\n"},
     "heads": {"/proc/self/exe": "7f454c46..."},       # first bytes, hex
     "dirs": {"/proc/sys/fs/binfmt_misc": ["qemu-aarch64", "status"]},
     "exists": ["/usr/bin/qemu-aarch64"],
     "which": {"gcc": "/usr/bin/gcc", "clang": null},
     "run": [{"argv": ["/usr/bin/gcc", "-dumpmachine"], "returncode": 0,
              "stdout": "x86_64-linux-gnu\\n", "stderr": ""}],
     "cpu_count": 8}

A ``null`` answer means "asked, and the machine had none" (an unknown sysctl
oid, a missing file), exactly as the real probe answers ``None``.
"""

from __future__ import annotations

import abc
import json
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

from goarchlab import proc
from goarchlab.errors import GoarchlabError

#: Files whose presence means Rosetta 2 is installed. oahd alone is no proof: it
#: runs on macOS 11.5+ even before Rosetta is installed.
ROSETTA_FILES = (
    "/Library/Apple/usr/share/rosetta/rosetta",
    "/Library/Apple/usr/libexec/oah/libRosettaRuntime",
)

#: macOS sysctls that are integers (sysctlbyname returns raw bytes; the type is not told).
_INT_SYSCTLS = {
    "hw.optional.arm64", "sysctl.proc_translated", "hw.logicalcpu", "hw.ncpu",
    "hw.physicalcpu", "hw.optional.x86_64", "machdep.cpu.thread_count",
}


class Probe(abc.ABC):
    """What host detection asks. Every method answers None (or False, or ()) when the
    machine has no answer; none raises for a missing file or an unknown name."""

    @abc.abstractmethod
    def uname(self) -> tuple[str, str, str]:
        """(system, release, machine) as this process sees them (``Linux``, ``6.1.0``,
        ``x86_64``). Under qemu-user or Rosetta ``machine`` is the emulated arch."""

    @abc.abstractmethod
    def sysctl(self, name: str) -> str | None:
        """A sysctl's value as ``sysctl -n`` prints it, or None for an unknown name."""

    @abc.abstractmethod
    def read_text(self, path: str) -> str | None:
        """A file's text (UTF-8, errors replaced), or None when it cannot be read."""

    @abc.abstractmethod
    def read_head(self, path: str, n: int = 64) -> bytes | None:
        """The first ``n`` bytes of a file (n >= 1), or None when it cannot be read."""

    @abc.abstractmethod
    def listdir(self, path: str) -> list[str] | None:
        """A directory's entry names, or None when it is absent or unreadable."""

    @abc.abstractmethod
    def exists(self, path: str) -> bool:
        """True when ``path`` exists (a file or a directory)."""

    @abc.abstractmethod
    def which(self, name: str, path: str | None = None) -> str | None:
        """The executable ``name`` found on ``path`` (os.pathsep-separated; None: this
        process's PATH), or None."""

    @abc.abstractmethod
    def run(self, argv: list[str], timeout: float = 5.0) -> proc.Completed | None:
        """Run ``argv`` (timeout in seconds) and return what it did, or None when it
        could not be started or timed out."""

    @abc.abstractmethod
    def cpu_count(self) -> int | None:
        """Logical CPUs this OS reports (>= 1), or None."""


class RealProbe(Probe):
    """Asks this machine."""

    def uname(self) -> tuple[str, str, str]:
        if hasattr(os, "uname"):  # POSIX: the same three fields, without importing platform
            u = os.uname()
            return u.sysname, u.release, u.machine
        import platform

        p = platform.uname()
        return p.system, p.release, p.machine

    def sysctl(self, name: str) -> str | None:
        if sys.platform == "darwin":
            return _sysctlbyname(name)
        text = self.read_text("/proc/sys/" + name.replace(".", "/"))
        return text.strip() if text is not None else None

    def read_text(self, path: str) -> str | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return None

    def read_head(self, path: str, n: int = 64) -> bytes | None:
        try:
            with open(path, "rb") as f:
                return f.read(n)
        except OSError:
            return None

    def listdir(self, path: str) -> list[str] | None:
        try:
            return sorted(os.listdir(path))
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        return bool(path) and os.path.exists(path)

    def which(self, name: str, path: str | None = None) -> str | None:
        return shutil.which(name, path=path)

    def run(self, argv: list[str], timeout: float = 5.0) -> proc.Completed | None:
        env = {**os.environ, "LC_ALL": "C"}
        try:
            return proc.run(argv, env=env, timeout=timeout)
        except GoarchlabError:
            return None

    def cpu_count(self) -> int | None:
        return os.cpu_count()


def _sysctlbyname(name: str) -> str | None:
    """sysctlbyname(3) in this process: a ``sysctl`` child could run under another
    arch than we do, and ``sysctl.proc_translated`` describes the asking process."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    fn = libc.sysctlbyname
    fn.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t),
                   ctypes.c_void_p, ctypes.c_size_t]
    size = ctypes.c_size_t(0)
    if fn(name.encode(), None, ctypes.byref(size), None, 0) != 0:
        return None
    buf = ctypes.create_string_buffer(max(size.value, 1))
    if fn(name.encode(), buf, ctypes.byref(size), None, 0) != 0:
        return None
    raw = buf.raw[: size.value]
    if name in _INT_SYSCTLS and size.value in (4, 8):
        return str(int.from_bytes(raw, "little", signed=True))
    return raw.rstrip(b"\0").decode("utf-8", "replace")


class RecordedProbe(Probe):
    """Replays a recording (see the module docstring). Anything not recorded is
    answered as absent, so a recording states the whole machine it describes."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = _normalise(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordedProbe:
        """A probe over an already-loaded recording."""
        return cls(data)

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> RecordedProbe:
        """A probe over the JSON recording at ``path``."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def uname(self) -> tuple[str, str, str]:
        u = self.data.get("uname", {})
        return u.get("system", ""), u.get("release", ""), u.get("machine", "")

    def sysctl(self, name: str) -> str | None:
        return self.data.get("sysctl", {}).get(name)

    def read_text(self, path: str) -> str | None:
        return self.data.get("files", {}).get(path)

    def read_head(self, path: str, n: int = 64) -> bytes | None:
        h = self.data.get("heads", {}).get(path)
        return bytes.fromhex(h)[:n] if h is not None else None

    def listdir(self, path: str) -> list[str] | None:
        d = self.data.get("dirs", {}).get(path)
        return list(d) if d is not None else None

    def exists(self, path: str) -> bool:
        d = self.data
        return bool(path) and (
            path in d.get("exists", ()) or d.get("files", {}).get(path) is not None
            or d.get("dirs", {}).get(path) is not None
            or d.get("heads", {}).get(path) is not None
            or path in {p for p in d.get("which", {}).values() if p})

    def which(self, name: str, path: str | None = None) -> str | None:
        # PATH is the recorded machine's: the answer was recorded with it.
        return self.data.get("which", {}).get(name)

    def run(self, argv: list[str], timeout: float = 5.0) -> proc.Completed | None:
        for r in self.data.get("run", ()):
            if list(r["argv"]) == list(argv):
                if r.get("returncode") is None:
                    return None
                return proc.Completed(tuple(argv), r["returncode"], r.get("stdout", ""),
                                      r.get("stderr", ""), 0.0)
        return None

    def cpu_count(self) -> int | None:
        return self.data.get("cpu_count")


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Accept the short form some tests write (``uname_r``, ``sw_vers``,
    ``rosetta_installed``) by turning it into the same facts in the full form."""
    d = dict(data)
    if "uname_r" in d and "uname" not in d:
        d["uname"] = {"system": "Darwin", "release": d["uname_r"], "machine": ""}
    sysctl = dict(d.get("sysctl", {}))
    if "sw_vers" in d and "kern.osproductversion" not in sysctl:
        # kern.osproductversion carries the same product version as sw_vers.
        sysctl["kern.osproductversion"] = d["sw_vers"].get("ProductVersion")
    d["sysctl"] = sysctl
    if d.get("rosetta_installed"):
        d["exists"] = [*d.get("exists", ()), ROSETTA_FILES[1]]
    return d


class RecordingProbe(Probe):
    """Delegates to ``inner`` and writes down every answer in the recording format."""

    def __init__(self, inner: Probe | None = None) -> None:
        self.inner = inner or RealProbe()
        self.data: dict[str, Any] = {"files": {}, "heads": {}, "dirs": {}, "exists": [],
                                     "which": {}, "run": [], "sysctl": {}}
        self._lock = threading.Lock()

    def uname(self) -> tuple[str, str, str]:
        s, r, m = self.inner.uname()
        self.data["uname"] = {"system": s, "release": r, "machine": m}
        return s, r, m

    def sysctl(self, name: str) -> str | None:
        v = self.inner.sysctl(name)
        with self._lock:
            self.data["sysctl"][name] = v
        return v

    def read_text(self, path: str) -> str | None:
        v = self.inner.read_text(path)
        with self._lock:
            self.data["files"][path] = v
        return v

    def read_head(self, path: str, n: int = 64) -> bytes | None:
        v = self.inner.read_head(path, n)
        with self._lock:
            self.data["heads"][path] = v.hex() if v is not None else None
        return v

    def listdir(self, path: str) -> list[str] | None:
        v = self.inner.listdir(path)
        with self._lock:
            self.data["dirs"][path] = v
        return v

    def exists(self, path: str) -> bool:
        v = self.inner.exists(path)
        if v:
            with self._lock:
                self.data["exists"].append(path)
        return v

    def which(self, name: str, path: str | None = None) -> str | None:
        v = self.inner.which(name, path)
        with self._lock:
            self.data["which"][name] = v
        return v

    def run(self, argv: list[str], timeout: float = 5.0) -> proc.Completed | None:
        r = self.inner.run(argv, timeout)
        with self._lock:
            self.data["run"].append({
                "argv": list(argv), "returncode": r.returncode if r else None,
                "stdout": r.stdout if r else "", "stderr": r.stderr if r else ""})
        return r

    def cpu_count(self) -> int | None:
        v = self.inner.cpu_count()
        self.data["cpu_count"] = v
        return v
