"""The built-in suites, their workload builds and the suite registry.

Each suite turns a variant :class:`~goarchlab.bench.variants.Plan` into the
:class:`~goarchlab.bench.jobs.Job` s the engine repeats, or a reason to skip it.
Workloads are Go sources shipped in ``bench/workloads`` (one module, one main
per suite), cross-built by goarchlab with the variant's toolchain for its
target; binaries are cached under ``GOARCHLAB_HOME/cache/bench/<key>`` where the
key hashes the toolchain, target, level, build env, flags and the sources.
The table of every suite is :mod:`goarchlab.bench.catalog`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from goarchlab import proc
from goarchlab.bench.jobs import BuildJob, GoBenchJob, Job, StartupJob
from goarchlab.bench.variants import Plan
from goarchlab.errors import GoarchlabError
from goarchlab.host.model import Host
from goarchlab.toolchains.api import Go

WORKLOADS = Path(__file__).parent / "workloads"
#: Seconds allowed for one workload build.
BUILD_TIMEOUT = 600.0


@dataclass
class SuiteContext:
    """What suites need to prepare jobs.

    ``env``: the base environment (PATH, HOME, GOCACHE...); ``home``: GOARCHLAB_HOME;
    ``benchtime``: per benchmark in a workload (``100ms`` or ``20x``); ``bench``: a
    regexp that benchmark names must match (``.`` for all); ``timeout``: seconds per
    measured process (None: each suite's default); ``cwd``: where user packages resolve.
    """

    host: Host
    env: Mapping[str, str]
    home: Path
    #: ``(version or None, goos, goarch) -> Go``: None asks for the default toolchain
    #: (see :func:`goarchlab.bench.hostfacts.default_toolchains`).
    toolchains: Callable[[str | None, str, str], Go]
    benchtime: str = "100ms"
    bench: str = "."
    timeout: float | None = None
    cwd: Path = field(default_factory=Path.cwd)
    #: Parsed command-line options, for suites that add their own (``http``).
    options: Mapping[str, object] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict)

    def go_env(self, tc: Go, plan: Plan, **extra: str) -> dict[str, str]:
        """The environment for running ``tc``'s go for ``plan``: the base env without any
        GOROOT (the go binary finds its own), GOTOOLCHAIN=local so no other Go is
        downloaded or switched to, GOWORK=off so a user's go.work is not applied,
        CGO_ENABLED=0 unless ``extra`` or the variant's build env says otherwise."""
        env = {k: v for k, v in self.env.items() if k not in ("GOROOT", "GOOS", "GOARCH")}
        env.update(GOTOOLCHAIN="local", GOWORK="off", CGO_ENABLED="0")
        env["PATH"] = os.pathsep.join([str(tc.goroot / "bin"), env.get("PATH", "")])
        env.update(plan.build_env())
        env.update(extra)
        return env

    def run_env(self, plan: Plan) -> dict[str, str]:
        """The environment a variant's benchmark processes run with."""
        return {**self.env, **plan.run_env()}


@dataclass(frozen=True)
class Prepared:
    """A suite prepared for one variant: its jobs, or why it is skipped."""

    jobs: tuple[Job, ...] = ()
    skipped: str | None = None


@dataclass(frozen=True)
class SuiteDef:
    """A suite: ``name``, one-line ``description``, whether it runs by default, and
    ``prepare(plan, ctx) -> Prepared`` (which sets each job's default timeout:
    120 s per workload process, 60 s per start-up run, 900 s per build)."""

    name: str
    description: str
    default: bool
    prepare: Callable[[Plan, SuiteContext], Prepared]
    #: Adds the suite's own options to the ``bench`` parser (``argparse`` group).
    add_arguments: Callable[[object], None] | None = None


def _source_hash() -> str:
    h = hashlib.sha256()
    for p in sorted(WORKLOADS.rglob("*")):
        if p.is_file() and p.suffix in (".go", ".mod", ".c", ".h"):
            h.update(str(p.relative_to(WORKLOADS)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _cgo_flag(plan: Plan) -> str | None:
    # The build flag that needs cgo, unless the variant sets CGO_ENABLED itself:
    # -msan and -asan always, -race except on darwin (cmd/go/internal/work/init.go).
    if "CGO_ENABLED" in dict(plan.variant.env):
        return None
    for flag in plan.variant.build_flags:
        if flag in ("-msan", "-asan") or (flag == "-race" and plan.goos != "darwin"):
            return flag
    return None


def build_workload(directory: str, plan: Plan, ctx: SuiteContext, *, cc: str | None = None) -> Path:
    """Build workload ``directory`` for ``plan`` (cached); returns the binary's path.

    ``cc``: a C compiler for the target enables cgo; a variant built with -race
    (-msan, -asan) gets the target's C compiler itself, as those modes need cgo.
    Raises GoarchlabError when the build fails (its first error line in the message).
    """
    flag = _cgo_flag(plan) if cc is None else None
    if flag is not None:
        cc = c_compiler_for(ctx.host, plan.goos, plan.goarch)
        if cc is None:
            raise GoarchlabError(f"{flag} needs cgo, and no C compiler builds for "
                                 f"{plan.goos}/{plan.goarch}",
                                 f"install one (e.g. gcc-{_gnu_arch(plan.goarch)}-linux-gnu) "
                                 "and set CC, or drop the flag")
    tc = ctx.toolchains(plan.version, ctx.host.os, ctx.host.native_arch)
    extra = {"CGO_ENABLED": "1", "CC": cc} if cc else {}
    env = ctx.go_env(tc, plan, **extra)
    if "src" not in ctx._memo:
        ctx._memo["src"] = _source_hash()
    key_doc = json.dumps([str(tc.version), str(tc.goroot), plan.build_env(), extra,
                          plan.variant.build_flags, ctx._memo["src"], directory], sort_keys=True)
    key = hashlib.sha256(key_doc.encode()).hexdigest()[:20]
    out = ctx.home / "cache" / "bench" / key / directory
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{directory}.", dir=out.parent)
    os.close(fd)
    argv = [str(tc.go), "build", "-o", tmp, *plan.variant.build_flags, f"./{directory}"]
    try:
        r = proc.run(argv, env=env, timeout=BUILD_TIMEOUT, cwd=WORKLOADS)
        if not r.ok:
            first = next((ln for ln in r.stderr.splitlines() if ln and not ln.startswith("#")),
                         r.stderr.strip()[:200])
            raise GoarchlabError(
                f"building the {directory} workload for {plan.name} failed: {first}",
                f"command: {' '.join(argv)} (in {WORKLOADS})")
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out


def _timeout(ctx: SuiteContext, default: float) -> float:
    return ctx.timeout if ctx.timeout is not None else default


def list_names(suite: str, binary: Path, plan: Plan, ctx: SuiteContext) -> list[str]:
    """The benchmark names a workload binary has (``-list``), run under ``plan``'s
    runner so a runner that cannot run it fails here, before any measuring.
    Memoised per binary and runner (variants differing only in run env share it)."""
    argv = plan.runner.argv(binary, "-list")
    key = ("list", *argv)
    if key not in ctx._memo:
        r = proc.run(argv, env=ctx.run_env(plan), timeout=120)
        if not r.ok:
            raise GoarchlabError(f"the {suite} workload does not run under {plan.name} "
                                 f"(exit {r.returncode}): {r.stderr.strip()[:200]}",
                                 "goarchlab doctor shows whether this runner works")
        ctx._memo[key] = r.stdout.split()
    return ctx._memo[key]


def _matching(names: list[str], pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [n for n in names if rx.search(n)]


def _workload_suite(suite: str, directory: str, timeout: float = 120.0,
                    cgo: bool = False) -> Callable[[Plan, SuiteContext], Prepared]:
    def prepare(plan: Plan, ctx: SuiteContext) -> Prepared:
        cc = None
        if cgo:
            cc = c_compiler_for(ctx.host, plan.goos, plan.goarch)
            if cc is None:
                return Prepared(skipped=f"no C compiler for {plan.goos}/{plan.goarch} "
                                f"(install a cross compiler, e.g. gcc-"
                                f"{_gnu_arch(plan.goarch)}-linux-gnu, and set CC)")
        binary = build_workload(directory, plan, ctx, cc=cc)
        if not _matching(list_names(suite, binary, plan, ctx), ctx.bench):
            return Prepared(skipped=f"no {suite} benchmark matches --bench {ctx.bench!r}")
        args = ("-bench", ctx.bench, "-benchtime", ctx.benchtime)
        job = GoBenchJob(suite, plan.name, plan.runner, binary, args, ctx.run_env(plan),
                         f"{suite}/", timeout=_timeout(ctx, timeout))
        return Prepared((job,))

    return prepare


def _gnu_arch(goarch: str) -> str:
    return {"arm64": "aarch64", "amd64": "x86-64", "386": "i686"}.get(goarch, goarch)


def c_compiler_for(host: Host, goos: str, goarch: str) -> str | None:
    """A C compiler that targets goos/goarch, or None.

    On macOS clang builds for both arm64 and amd64 (cmd/go passes ``-arch``), so any
    clang serves either; elsewhere the compiler's ``-dumpmachine`` triple must match.
    """
    for cc in host.c_compilers:
        if host.os == "darwin" and goos == "darwin" and "clang" in (cc.name + cc.path):
            return cc.path
        if cc.goarch == goarch and (cc.goos or host.os) == goos:
            return cc.path
    return None


def _prepare_startup(plan: Plan, ctx: SuiteContext) -> Prepared:
    names = _matching(["ExecToMain", "Wall", "FirstRun"], ctx.bench)
    if not names:
        return Prepared(skipped=f"no startup benchmark matches --bench {ctx.bench!r}")
    binary = build_workload("startup", plan, ctx)
    # A fresh copy, so the warm-up run is the first exec of this file (Rosetta's
    # ahead-of-time translation happens then and is cached for later runs).
    fresh = Path(tempfile.mkdtemp(prefix="goarchlab-startup-")) / "startup"
    shutil.copy2(binary, fresh)
    return Prepared((StartupJob("startup", plan.name, plan.runner, fresh, ctx.run_env(plan),
                                timeout=_timeout(ctx, 60.0), names=tuple(names)),))


_BUILD_CASES = (("cache=cold/strip=false", True, ()), ("cache=warm/strip=false", False, ()),
                ("cache=cold/strip=true", True, ("-ldflags=-s -w",)),
                ("cache=warm/strip=true", False, ("-ldflags=-s -w",)))


def _prepare_build(plan: Plan, ctx: SuiteContext) -> Prepared:
    cases = [c for c in _BUILD_CASES if re.search(ctx.bench, c[0])]
    if not cases:
        return Prepared(skipped=f"no build benchmark matches --bench {ctx.bench!r}")
    # The variant's own go runs under its runner: a translated toolchain's build time.
    # "warm" is the developer's own GOCACHE (from the environment, else go's default),
    # topped up by the warm-up run; "cold" is a fresh empty GOCACHE for every run.
    tc = ctx.toolchains(plan.version, plan.goos, plan.goarch)
    env = ctx.go_env(tc, plan)
    jobs = tuple(
        BuildJob("build", plan.name, plan.runner, tc.go, WORKLOADS, "./buildsample", env, name,
                 cold, (*plan.variant.build_flags, *flags), _timeout(ctx, 900.0))
        for name, cold, flags in cases)
    return Prepared(jobs)


CPU = SuiteDef("cpu", "sha256 at 64 B/1 KiB/1 MiB, math/big mul and exp, parallel sha256",
               True, _workload_suite("cpu", "cpu"))
ALLOC = SuiteDef("alloc", "allocation-heavy work; GC cycles, pause quantiles, heap",
                 True, _workload_suite("alloc", "alloc"))
SCHED = SuiteDef("sched", "goroutine ping-pong, channel fan-out; scheduling latency",
                 True, _workload_suite("sched", "sched"))
SYSCALL = SuiteDef("syscall", "getpid, stat, write to /dev/null, pipe round trip",
                   True, _workload_suite("syscall", "syscalls"))
CGO = SuiteDef("cgo", "Go-to-C call overhead (needs a C compiler for the target)",
               True, _workload_suite("cgo", "cgo", cgo=True))
STARTUP = SuiteDef("startup", "exec to main of a small binary (translation start-up cost)",
                   True, _prepare_startup)
BUILD = SuiteDef("build", "go build of a sample module: cold/warm GOCACHE, with/without -s -w",
                 False, _prepare_build)
