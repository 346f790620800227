"""Jobs: one process run that yields one sample of each of its benchmarks.

A :class:`Job` is what the engine repeats N times per variant. Three kinds:
``GoBenchJob`` runs a binary that prints Go benchmark format (a shipped
workload or a ``go test -c`` binary); ``StartupJob`` times exec-to-main of a
tiny binary; ``BuildJob`` times ``go build`` of the sample module and
reports the binary's size. Every process goes through :func:`goarchlab.proc.run`
with a timeout, which kills the whole process group on timeout or Ctrl-C.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from goarchlab import proc
from goarchlab.bench import benchfmt
from goarchlab.errors import GoarchlabError
from goarchlab.targets import Runner


@dataclass(frozen=True)
class Measurement:
    """One value of one metric from one process: ``benchmark`` is ``suite/Name[-procs]``,
    ``unit`` as printed (``ns/op``, ``MB/s``, ``B``...), ``iterations`` is b.N (>= 1)."""

    benchmark: str
    unit: str
    value: float
    iterations: int = 1


class WorkloadFailed(GoarchlabError):
    """A benchmark process exited non-zero or printed nothing usable (exit code 3)."""


def crash_reason(text: str, lines: int = 3) -> str:
    """One line for a failed Go program's output: the crash reason (``panic:``,
    ``fatal error:`` ...) when there is one, else its last ``lines`` non-empty
    lines joined with `` | ``; at most 300 characters, "no output" when empty."""
    # A Go crash prints its reason first and a long goroutine dump after: show the reason.
    for ln in text.splitlines():
        if ln.startswith(("panic:", "fatal error:", "--- FAIL", "SIGSEGV", "unexpected fault")):
            return ln.strip()[:300]
    kept = [ln for ln in text.strip().splitlines() if ln.strip()][-lines:]
    return " | ".join(kept)[:300] or "no output"


def keep_binary(binary: Path) -> Path:
    """A copy of a failed job's ``binary`` in a new temporary directory that no job
    removes, for the "run it by hand" hint: the job's own directory (shared by the
    variants of one test binary) is deleted when the run ends."""
    keep = Path(tempfile.mkdtemp(prefix="goarchlab-failed-")) / binary.name
    shutil.copy2(binary, keep)
    return keep


def _by_hand(argv: list[str], binary: Path, kept: Path, cwd: Path | None) -> str:
    """The hint naming the kept copy of ``binary`` (deleted with its directory later)."""
    shown = [str(kept) if a == str(binary) else a for a in argv]
    where = f"cd {cwd} && " if cwd else ""
    return (f"the binary is kept in {kept.parent} (delete it when done); run it by hand "
            f"with: {where}{' '.join(shown)}")


@dataclass
class GoBenchJob:
    """Run ``runner + binary + args`` and parse its Go benchmark format output.

    ``prefix``: prepended to each benchmark name (``cpu/``). ``cwd``: working directory
    (a test binary runs in its package's directory, as ``go test`` does).
    """

    suite: str
    variant: str
    runner: Runner
    binary: Path
    args: tuple[str, ...]
    env: Mapping[str, str]
    prefix: str
    cwd: Path | None = None
    timeout: float = 120.0
    #: A temporary directory holding the binary, removed by :meth:`close`.
    tmpdir: Path | None = None

    def close(self) -> None:
        """Remove the temporary directory, if any."""
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def argv(self) -> list[str]:
        """The argv the job runs."""
        return self.runner.argv(self.binary, *self.args)

    def run(self, *, first: bool = False) -> list[Measurement]:
        """Run once; raise WorkloadFailed on a non-zero exit or no results."""
        r = proc.run(self.argv(), env=self.env, timeout=self.timeout, cwd=self.cwd)
        if not r.ok:
            how = f"signal {-r.returncode}" if r.returncode < 0 else f"exit {r.returncode}"
            raise WorkloadFailed(
                f"{self.suite} benchmark process failed under {self.variant} ({how}): "
                f"{crash_reason(r.stderr or r.stdout)}",
                "the finished samples were kept; "
                + (_by_hand(self.argv(), self.binary, keep_binary(self.binary), self.cwd)
                   if self.tmpdir is not None  # removed by close() when the run ends
                   else "run it by hand with: " + " ".join(self.argv())),
            )
        parsed = benchfmt.parse(r.stdout)
        out = [
            Measurement(self.prefix + res.name, unit, value, max(res.iterations, 1))
            for res in parsed.results
            for value, unit in res.values
        ]
        if not out:
            raise WorkloadFailed(
                f"{self.suite} under {self.variant} printed no benchmark results",
                "check the -bench pattern; the output ended with: " + crash_reason(r.stdout),
            )
        return out


@dataclass
class StartupJob:
    """Time exec-to-main of a tiny binary that prints its own wall clock (ns) in main.

    ``ExecToMain`` = child's clock at main minus ours just before spawning: it holds
    fork/exec, the dynamic loader or emulator start-up, Rosetta's translation and Go's
    runtime init. ``Wall`` is the whole process as :func:`proc.run` timed it.
    The first run of a freshly copied binary is reported apart as ``FirstRun``
    (Rosetta translates a binary ahead of time on its first exec and caches it).
    """

    suite: str
    variant: str
    runner: Runner
    binary: Path
    env: Mapping[str, str]
    timeout: float = 60.0
    names: tuple[str, ...] = ("ExecToMain", "Wall", "FirstRun")
    #: The engine keeps what the warm-up run returns (the FirstRun sample).
    keeps_warmup: bool = True

    def close(self) -> None:
        """Remove the fresh copy of the binary."""
        shutil.rmtree(self.binary.parent, ignore_errors=True)

    def run(self, *, first: bool = False) -> list[Measurement]:
        """Run once; ``first`` marks the run that sees the binary for the first time."""
        argv = self.runner.argv(self.binary)
        t0 = time.time_ns()
        r = proc.run(argv, env=self.env, timeout=self.timeout)
        if not r.ok:
            raise WorkloadFailed(
                f"startup binary failed under {self.variant} (exit {r.returncode}): "
                f"{crash_reason(r.stderr)}",
                _by_hand(argv, self.binary, keep_binary(self.binary), None))
        try:
            t_main = int(r.stdout.split()[0])
        except (ValueError, IndexError):
            raise WorkloadFailed(f"startup binary printed {r.stdout[:40]!r}, not a time",
                                 "the workload build may be broken") from None
        exec_to_main = float(max(t_main - t0, 0))
        if first:
            keep = "FirstRun" in self.names
            return [Measurement(f"{self.suite}/FirstRun", "ns/op", exec_to_main)] if keep else []
        out = [Measurement(f"{self.suite}/ExecToMain", "ns/op", exec_to_main),
               Measurement(f"{self.suite}/Wall", "ns/op", r.wall_s * 1e9)]
        return [m for m in out if m.benchmark.split("/", 1)[1] in self.names]


@dataclass
class BuildJob:
    """Time ``go build`` of the sample module with the variant's own go (under its runner).

    ``cold``: a fresh, empty GOCACHE for every run; else the GOCACHE of ``env`` (the
    developer's own cache, or go's default when unset), topped up by the warm-up run.
    ``flags``: extra build flags (``-ldflags=-s -w``). Reports the build's
    wall time (``ns/op``) and the binary's size (``binary-B``).
    """

    suite: str
    variant: str
    runner: Runner
    go: Path
    module_dir: Path
    package: str
    env: Mapping[str, str]
    name: str
    cold: bool
    flags: tuple[str, ...] = ()
    timeout: float = 900.0
    _out: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="goarchlab-build-")))

    def run(self, *, first: bool = False) -> list[Measurement]:
        """Run one build; the output binary goes to a temp dir removed afterwards."""
        exe = self._out / "sample"
        env = dict(self.env)
        tmp_cache = None
        if self.cold:
            tmp_cache = Path(tempfile.mkdtemp(prefix="goarchlab-gocache-"))
            env["GOCACHE"] = str(tmp_cache)
        argv = self.runner.argv(self.go, "build", "-o", str(exe), *self.flags, self.package)
        try:
            r = proc.run(argv, env=env, timeout=self.timeout, cwd=self.module_dir)
            if not r.ok:
                raise WorkloadFailed(
                    f"go build failed under {self.variant} (exit {r.returncode}): "
                    f"{crash_reason(r.stderr)}", "run it by hand with: " + " ".join(argv))
            size = exe.stat().st_size
        finally:
            if tmp_cache is not None:
                shutil.rmtree(tmp_cache, ignore_errors=True)
            exe.unlink(missing_ok=True)
        return [Measurement(f"{self.suite}/{self.name}", "ns/op", r.wall_s * 1e9),
                Measurement(f"{self.suite}/{self.name}", "binary-B", float(size))]

    def close(self) -> None:
        """Remove the output directory."""
        shutil.rmtree(self._out, ignore_errors=True)


Job = GoBenchJob | StartupJob | BuildJob
