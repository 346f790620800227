"""Build, vet and test one module for each Go version x target.

Each (version, target) pair is one job: ``go build``, then ``go vet``, then
``go test -json``, with the toolchain's own go (GOTOOLCHAIN=local) and
GOOS/GOARCH (and the level variable) of the target. Tests of a target the
host cannot execute natively run through ``go test -exec`` with the Runner
that :func:`goarchlab.targets.runner_for` picks (qemu-user, Rosetta 2), or as
a plain exec under a kernel binfmt handler; a target with no way to run here
is built and vetted only, and its test cell says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.distlist import dist_list
from goarchlab.gocmd.failure import compiler_message, summary
from goarchlab.gocmd.jsonstream import iter_objects
from goarchlab.gocmd.levels import VARS, validate_level
from goarchlab.gocmd.version import GoVersion
from goarchlab.host.model import Host
from goarchlab.matrix.model import STEPS, Cell, MatrixReport
from goarchlab.outcome import Status
from goarchlab.targets import Target, runner_for
from goarchlab.toolchains.api import Go


def _first_error(text: str) -> str:
    """One line on a go command's failure: the first ``file.go:line:`` message,
    else the first few lines that explain it (:func:`goarchlab.gocmd.failure.summary`)."""
    return summary(text) or "failed"


def first_failure(json_text: str) -> str | None:
    """From ``go test -json`` output: ``TestName (pkg): first message`` of the
    first test that failed, or None when no test failed (a build failure, say)."""
    outputs: dict[tuple[str, str], list[str]] = {}
    try:
        events = list(iter_objects(json_text, what="go test -json output"))
    except GoarchlabError:
        return None
    for ev in events:
        if not isinstance(ev, dict):
            continue
        key = (ev.get("Package", ""), ev.get("Test", ""))
        if ev.get("Action") == "output" and key[1]:
            outputs.setdefault(key, []).append(ev.get("Output", ""))
        if ev.get("Action") == "fail" and key[1]:
            msg = compiler_message("".join(outputs.get(key, []))) or ""
            return f"{key[1]} ({key[0]})" + (f": {msg}" if msg else "")
    return None


def _package_failure(json_text: str, stderr: str) -> str:
    """Why ``go test`` failed when no test did: a build error or a package-level failure."""
    out = []
    try:
        for ev in iter_objects(json_text, what="go test -json output"):
            if isinstance(ev, dict) and ev.get("Action") in ("output", "build-output"):
                out.append(ev.get("Output", ""))
    except GoarchlabError:
        pass
    return _first_error("".join(out) + "\n" + stderr)


def run_pair(
    setup: Go, target: Target, host: Host, packages: Sequence[str],
    test_args: Sequence[str], cwd: Path, timeout: float, custom_runner: str | None = None,
) -> list[Cell]:
    """The three cells (build, vet, test) of one Go version on one target;
    ``timeout``: seconds for each go command."""
    env = {**setup.env, **target.env()}
    here = host.platform
    cells: list[Cell] = []

    def cell(step, status, detail, t, runner=""):
        cells.append(Cell(str(setup.version), str(target), step, status, detail,
                          round(t, 3), runner, here))

    r = proc.run([str(setup.go), "build", *packages], env=env, timeout=timeout, cwd=cwd)
    if not r.ok:
        cell("build", Status.FAIL, _first_error(r.stderr or r.stdout), r.wall_s)
        cell("vet", Status.SKIP, "build failed", 0.0)
        cell("test", Status.SKIP, "build failed", 0.0)
        return cells
    cell("build", Status.PASS, "", r.wall_s)
    r = proc.run([str(setup.go), "vet", *packages], env=env, timeout=timeout, cwd=cwd)
    cell("vet", Status.PASS if r.ok else Status.FAIL,
         "" if r.ok else _first_error(r.stderr or r.stdout), r.wall_s)
    native = host.can_run(target.goos, target.goarch) == "native"
    try:
        # --runner is for the targets this machine cannot execute itself.
        runner = runner_for(target, host, None if native else custom_runner)
    except GoarchlabError as e:
        cell("test", Status.SKIP, f"cannot run here: {e.message}", 0.0)
        return cells
    argv = [str(setup.go), "test", "-json"]
    exec_cmd = runner.go_test_exec()
    if exec_cmd:
        argv += ["-exec", exec_cmd]
    argv += list(test_args) if test_args else list(packages)
    r = proc.run(argv, env=env, timeout=timeout, cwd=cwd)
    if r.ok:
        cell("test", Status.PASS, "", r.wall_s, runner.label)
    else:
        detail = first_failure(r.stdout) or _package_failure(r.stdout, r.stderr)
        cell("test", Status.FAIL, detail, r.wall_s, runner.label)
    return cells


def run(
    setups: Sequence[Go], targets: Sequence[Target], host: Host, *, cwd: Path,
    packages: Sequence[str] = ("./...",), test_args: Sequence[str] = (), jobs: int = 1,
    timeout: float = 1800.0, custom_runner: str | None = None,
    progress: Callable[[int, int, str], None] = lambda d, t, w: None,
) -> MatrixReport:
    """Run every (version, target) pair, ``jobs`` at a time (>= 1); ``timeout`` in
    seconds for each go command. Cells come back in version, target, step order."""
    t0 = time.perf_counter()
    # One go tool dist list per version, side by side (each is a go startup).
    with ThreadPoolExecutor(max_workers=max(1, len(setups))) as pool:
        ports = list(pool.map(lambda s: {d.platform for d in dist_list(s.go, s.env)}, setups))
    known = {str(s.version): p for s, p in zip(setups, ports, strict=True)}
    for t in targets:
        if not any(t.platform in k for k in known.values()):
            raise UsageError(f"no Go version of the matrix knows the target {t.platform}",
                             "'go tool dist list' shows the ports a toolchain knows")
    pairs = [(s, t) for s in setups for t in targets]
    done: dict[tuple[str, str], list[Cell]] = {}
    progress(0, len(pairs), "")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futs = {}
        for s, t in pairs:
            why = _unsupported(str(s.version), t, known[str(s.version)])
            if why:
                done[(str(s.version), str(t))] = [
                    Cell(str(s.version), str(t), step, Status.SKIP, why, 0.0, "", host.platform)
                    for step in STEPS]
                continue
            futs[pool.submit(run_pair, s, t, host, packages, test_args, cwd, timeout,
                             custom_runner)] = (str(s.version), str(t))
        for f in as_completed(futs):
            done[futs[f]] = f.result()
            progress(len(done), len(pairs), " ".join(futs[f]))
    cells = tuple(c for s, t in pairs for c in done[(str(s.version), str(t))])
    return MatrixReport((host.platform,), tuple(str(s.version) for s in setups),
                        tuple(str(t) for t in targets), tuple(packages), tuple(test_args),
                        cells, round(time.perf_counter() - t0, 3))


def _unsupported(version: str, target: Target, ports: set[str]) -> str | None:
    """Why Go ``version`` cannot build ``target`` as asked, or None: a port or a level
    that arrived (or left) between the versions of the matrix."""
    if target.platform not in ports:
        return f"{version} does not know the port {target.platform}"
    if target.level and target.level_var:
        return validate_level(target.level_var, target.level, GoVersion.try_parse(version))
    return None


def env_for(base: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``base`` without the variables that would override a target's
    (GOOS, GOARCH and every level variable: GOAMD64, GOMIPS, GORISCV64, ...)."""
    return {k: v for k, v in base.items() if k not in ("GOOS", "GOARCH") and k not in VARS}
