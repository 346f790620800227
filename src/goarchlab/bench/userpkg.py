"""The user's own ``go test`` benchmarks, per variant.

``goarchlab bench ./internal/codec --bench Encode`` builds the package's test
binary with ``go test -c`` for each variant (its toolchain, target, env and
flags), then the engine runs that binary under the variant's runner with
``-test.bench``, ``-test.run '^$'``, ``-test.count 1``, ``-test.benchtime`` and
``-test.benchmem``:
one process = one sample per benchmark, N processes interleaved across
variants. The binary runs in the package's directory, as ``go test`` does.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from goarchlab import proc
from goarchlab.bench.jobs import GoBenchJob
from goarchlab.bench.suites import Prepared, SuiteContext
from goarchlab.bench.variants import Plan
from goarchlab.errors import GoarchlabError, UsageError

#: Seconds allowed for ``go list`` and ``go test -c``.
GO_TIMEOUT = 600.0


def is_package(arg: str) -> bool:
    """True when a positional argument names a Go package path (``./x``, ``../x``, ``/x``)."""
    return arg in (".", "..") or arg.startswith(("./", "../", "/"))


def _go_list(pattern: str, plan: Plan, ctx: SuiteContext) -> tuple[str, Path]:
    key = ("pkg", pattern)
    if key in ctx._memo:
        return ctx._memo[key]
    tc = ctx.toolchains(plan.version, ctx.host.os, ctx.host.native_arch)
    env = ctx.go_env(tc, plan)
    env.pop("GOWORK", None)  # the user's own workspace applies to the user's packages
    r = proc.run([str(tc.go), "list", "-f", "{{.ImportPath}}\t{{.Dir}}", pattern], env=env,
                 timeout=GO_TIMEOUT, cwd=ctx.cwd)
    if not r.ok:
        raise UsageError(f"go list {pattern}: {r.stderr.strip().splitlines()[-1][:200]}"
                         if r.stderr.strip() else f"go list {pattern} failed",
                         "run goarchlab bench from inside the module")
    lines = [ln.split("\t") for ln in r.stdout.splitlines() if "\t" in ln]
    if len(lines) != 1:
        raise UsageError(f"{pattern} matches {len(lines)} packages; bench takes one per argument",
                         "name each package: goarchlab bench ./a ./b")
    out = (lines[0][0], Path(lines[0][1]))
    ctx._memo[key] = out
    return out


def label(import_path: str) -> str:
    """The suite label of a package: the last element of its import path."""
    return import_path.rstrip("/").rsplit("/", 1)[-1] or import_path


def prepare_package(pattern: str, plan: Plan, ctx: SuiteContext, *, timeout: float = 600.0
                    ) -> tuple[str, Prepared]:
    """(suite label, the prepared job) for the user's package ``pattern`` in ``plan``.

    Raises GoarchlabError when ``go test -c`` fails (its first error line shown).
    """
    import_path, pkg_dir = _go_list(pattern, plan, ctx)
    name = label(import_path)
    tc = ctx.toolchains(plan.version, ctx.host.os, ctx.host.native_arch)
    env = ctx.go_env(tc, plan)
    env.pop("GOWORK", None)
    # cgo stays as the user has it natively; a cross build has no C compiler by default.
    if "CGO_ENABLED" in ctx.env:
        env["CGO_ENABLED"] = ctx.env["CGO_ENABLED"]
    elif (plan.goos, plan.goarch) == (ctx.host.os, ctx.host.native_arch):
        env.pop("CGO_ENABLED", None)
    env.update((k, v) for k, v in plan.variant.env if k == "CGO_ENABLED")
    args = ("-test.run", "^$", "-test.bench", ctx.bench, "-test.count", "1",
            "-test.benchtime", ctx.benchtime, "-test.benchmem")
    # Variants that differ only at run time (GOGC=50) share one test binary.
    key = ("pkgtest", pattern, str(tc.goroot), tuple(sorted(env.items())),
           plan.variant.build_flags)
    if key in ctx._memo:
        exe, tmp = ctx._memo[key]
        return name, Prepared((GoBenchJob(name, plan.name, plan.runner, exe, args,
                                          ctx.run_env(plan), f"{name}/", cwd=pkg_dir,
                                          timeout=ctx.timeout or timeout, tmpdir=tmp),))
    tmp = Path(tempfile.mkdtemp(prefix="goarchlab-pkgtest-"))
    exe = tmp / f"{name}.test"
    argv = [str(tc.go), "test", "-c", "-o", str(exe), *plan.variant.build_flags, pattern]
    r = proc.run(argv, env=env, timeout=GO_TIMEOUT, cwd=ctx.cwd)
    if not r.ok or not exe.exists():
        shutil.rmtree(tmp, ignore_errors=True)
        first = next((ln for ln in r.stderr.splitlines() if ln and not ln.startswith("#")),
                     "no test binary was produced (does the package have _test.go files?)")
        raise GoarchlabError(f"go test -c {pattern} for {plan.name} failed: {first[:200]}",
                             "command: " + " ".join(argv))
    ctx._memo[key] = (exe, tmp)
    job = GoBenchJob(name, plan.name, plan.runner, exe, args, ctx.run_env(plan), f"{name}/",
                     cwd=pkg_dir, timeout=ctx.timeout or timeout, tmpdir=tmp)
    return name, Prepared((job,))
