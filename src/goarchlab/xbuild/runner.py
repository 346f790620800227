"""The part of an xbuild run after its first go queries: the builds, the checks, the output.

Imported by :func:`goarchlab.xbuild.run` once those queries are under way, so
its imports cost no time before the first go command starts; what the checks
and the output need (the header readers, hashing: goarchlab.xbuild.check,
output, universal) is imported once the first builds run, not before them.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.xbuild import plan
from goarchlab.xbuild.build import Built, Spec, artifact_name, build_target
from goarchlab.xbuild.model import TargetResult, XbuildReport
from goarchlab.xbuild.query import MainPackage, Pending, go_env_values

if TYPE_CHECKING:
    from goarchlab.xbuild import XbuildOptions


def build_all(opts: XbuildOptions, *, go: Path, version: str, host: tuple[str, str],
              host_cgo: str, base: dict[str, str], cwd: Path, dist: Pending, package: Pending,
              cross: Pending | None, progress: Callable[[int, int, str], None],
              t0: float) -> XbuildReport:
    """Select the targets from ``dist`` (go tool dist list), build them all, check
    each artifact and write the output; ``package``, ``cross``: the pending go list of
    the package and go env of a foreign platform's CGO_ENABLED (None: not asked).
    ``t0``: the run's perf_counter start, for its wall time."""
    targets = plan.select_targets(dist.result(), version, opts.targets, opts.first_class,
                                  opts.all)
    if opts.universal:
        from goarchlab.xbuild import universal  # the slices it needs, checked before building

        universal.require_slices(targets)
    cross_cgo = cross.result() if cross is not None else (opts.cgo or "0")
    out_dir = (cwd / opts.out_dir).resolve()
    jobs = max(1, opts.jobs or os.cpu_count() or 1)
    base = share_cores(base, min(jobs, len(targets)), os.cpu_count() or 1)
    # The builds need not wait for go list of the package (~55 ms of go, the longest
    # query): each one writes a staged file under a name of its own, renamed to the
    # artifact's name once checked. The bytes do not depend on that name (cmd/go
    # links to $WORK/b001/exe/a.out and copies it to -o; cmd/link signs darwin
    # binaries as "a.out"). Only --reproducible, whose second tree is made from the
    # package's module, waits for it.
    early = None if opts.reproducible else opts.name or _STAGED
    pkg = package.result() if early is None else None
    stage = _stage_in(out_dir)
    cleanup: list[Path] = [stage]
    group = proc.Group()
    try:
        repro = None
        if pkg is not None and opts.reproducible:
            repro = _second_tree(pkg, out_dir, opts.repro_cache, go, base, cwd, cleanup)
        spec = Spec(go, version, base, cwd, opts.pattern, pkg.module_dir if pkg else None,
                    early or pkg.exec_name, opts.ldflags, opts.trimpath, opts.tags, host,
                    stage, repro, opts.timeout, host_cgo, cross_cgo,
                    frozenset(universal.SLICES if opts.universal else ()), group)
        staged_name = spec.name
        results: dict[str, TargetResult] = {}

        def done(r: TargetResult) -> None:
            results[r.target] = r
            progress(len(results), len(targets), r.target)

        progress(0, len(targets), "")
        # Checks (hashing, reading headers) run on a thread of their own, so a
        # build worker starts its next go build the moment one ends.
        with ThreadPoolExecutor(max_workers=jobs) as builds, \
                ThreadPoolExecutor(max_workers=1) as checks:
            started = [builds.submit(_build, spec, t) for t in targets]
            # What the checks and the output need (the header readers: pefile alone is
            # ~16 ms of CPU; hashing), imported while the first builds run, not on the
            # way to them.
            from goarchlab.xbuild import check, output, universal

            _import_parsers()
            if pkg is None:
                try:
                    pkg = package.result()
                except BaseException:
                    # Not one main package, or go list failed: stop the builds at once.
                    builds.shutdown(cancel_futures=True)
                    group.kill()
                    raise
                spec = dataclasses.replace(spec, module_dir=pkg.module_dir,
                                           name=opts.name or pkg.exec_name)
            checking = []
            for f in as_completed(started):
                got = f.result()
                if isinstance(got, Built):
                    checking.append(checks.submit(check.check_target, spec, got))
                else:
                    done(got)
            for f in as_completed(checking):
                done(f.result())
        ordered = tuple(results[str(t)] for t in targets)
        for t, r in zip(targets, ordered, strict=True):
            if r.ok and r.artifact is not None:
                os.replace(stage / artifact_name(staged_name, t), r.artifact.path)
        if opts.universal:
            ordered = (*ordered, universal.make(spec, ordered))
        flags = {"ldflags": opts.ldflags, "trimpath": str(opts.trimpath).lower(),
                 "tags": opts.tags, "cgo": opts.cgo or "default"}
        sums, manifest = output.write(out_dir, ordered, pkg.import_path, version, flags)
    finally:
        for p in cleanup:
            shutil.rmtree(p, ignore_errors=True)
    name = spec.name
    return XbuildReport(pkg.import_path, name, version, str(go.parent.parent), str(out_dir),
                        flags, jobs, round(time.perf_counter() - t0, 3), ordered, str(sums),
                        str(manifest))




def share_cores(env: dict[str, str], running: int, cores: int) -> dict[str, str]:
    """``env`` with GOMAXPROCS = cores / ``running`` builds (at least 1) when
    several go builds share the cores and the user set no GOMAXPROCS.

    A warm go build keeps ~1.3 cores busy by itself (its -p actions and the
    compiler's -c both default to GOMAXPROCS; the linker runs phases in
    parallel), which only adds contention and scheduler work once every core
    runs a build of its own: 8 first-class builds two at a time on 2 cores took
    7 % less CPU and 8 % less wall with GOMAXPROCS=1 (docs/performance.md). The
    go command's own docs give this setting for limiting its parallelism
    (cmd/go/internal/work/gc.go); the bytes do not change (-c is not part of a
    compile's action ID, so the build cache is shared too)."""
    if "GOMAXPROCS" in env or running < 2:
        return env
    return {**env, "GOMAXPROCS": str(max(1, cores // running))}


#: The staged artifacts' base name while go list has not named the executable yet.
_STAGED = "staged"

#: The modules goarchlab.binary.inspector imports on a format's first use. Not the
#: full readers (pyelftools ~45 ms of CPU, pefile ~16 ms, macholib ~6 ms): Go-built
#: ELF, PE and thin Mach-O artifacts are read by goarchlab.binary.elfquick, pequick
#: and machoquick, so a full reader is imported only for a file those do not read.
_PARSERS = ("goarchlab.binary.elfquick", "goarchlab.binary.machoquick",
            "goarchlab.binary.pequick")


def _build(spec: Spec, target) -> TargetResult | Built:
    """Build ``target``, and with --reproducible build it again and compare."""
    got = build_target(spec, target)
    if isinstance(got, Built) and spec.repro is not None:
        from goarchlab.xbuild import repro  # only for --reproducible

        got = repro.second_build(spec, got)
    return got


def _import_parsers() -> None:
    for name in _PARSERS:
        importlib.import_module(name)


def _stage_in(out_dir: Path) -> Path:
    """Create ``out_dir`` (and its parents) if needed and a staging directory in it.

    Raises UsageError when ``out_dir`` is an existing file, GoarchlabError when the
    system refuses (no permission, a read-only or virtual file system like /proc).
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} exists and is not a directory",
                         "give -o a directory: the artifacts, SHA256SUMS and manifest.json "
                         "go into it")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GoarchlabError(f"cannot create the output directory {out_dir}: {e.strerror}",
                             "choose a writable directory with -o") from e
    try:
        return Path(tempfile.mkdtemp(prefix=".xbuild-", dir=out_dir))
    except OSError as e:
        raise GoarchlabError(f"cannot write into the output directory {out_dir}: "
                             f"{e.strerror}", "choose a writable directory with -o") from e


def _git_root(start: Path) -> Path | None:
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
    return None


def _second_tree(pkg: MainPackage, out_dir: Path, cache: str, go: Path,
                 env: dict[str, str], cwd: Path, cleanup: list[Path]):
    """Make the second build's tree at another path: (package dir, GOCACHE, how, cache kind).

    A module inside a git work tree is cloned, as a second checkout would be
    (uncommitted changes are therefore not in it, and show up as a difference);
    otherwise the module directory is copied, without the output directory.
    """
    root = pkg.module_dir or pkg.dir
    tmp = Path(tempfile.mkdtemp(prefix="goarchlab-repro-"))
    cleanup.append(tmp)
    git = _git_root(root)
    if git is not None and shutil.which("git", path=env.get("PATH")):
        dst = tmp / "checkout" / git.name
        r = proc.run(["git", "clone", "-q", "--no-hardlinks", str(git), str(dst)], env=env,
                     timeout=600, cwd=cwd)
        if not r.ok:
            raise GoarchlabError(f"git clone of {git} for the second build failed: "
                                 f"{r.stderr.strip()[:160]}", "build without --reproducible")
        pkg_dir, how = dst / pkg.dir.relative_to(git), "git clone"
    else:
        dst = tmp / "copy" / root.name
        skip = {out_dir.resolve()}

        def ignore(d: str, names: list[str]) -> list[str]:
            return [n for n in names if (Path(d) / n).resolve() in skip]

        shutil.copytree(root, dst, symlinks=True, ignore=ignore)
        pkg_dir, how = dst / pkg.dir.relative_to(root), "copy"
    if cache == "fresh":
        gocache = tmp / "gocache"
        gocache.mkdir()
    else:
        gocache = Path(go_env_values(go, env, ["GOCACHE"], cwd)["GOCACHE"])
    return pkg_dir, gocache, how, cache
