"""Cross-build one main package for many GOOS/GOARCH targets and verify every artifact.

Targets come from ``go tool dist list -json`` of the toolchain in use; builds
run in parallel (one ``go build`` per target, ``jobs`` at a time: a warm
``go build`` keeps only ~1.3 cores busy, mostly in its link, so target-level
parallelism is what fills the cores); every artifact is hashed and checked from
its own headers and Go build info (:mod:`goarchlab.xbuild.verify`) on a thread
of its own while the next builds run, then renamed into the output directory
next to ``SHA256SUMS`` and ``manifest.json``.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd.distlist import dist_list
from goarchlab.targets import parse_list
from goarchlab.xbuild import cgo as cgomod
from goarchlab.xbuild import output, plan, universal
from goarchlab.xbuild.build import Built, Spec, build_target, check_target
from goarchlab.xbuild.model import TargetResult, XbuildReport

__all__ = ["XbuildOptions", "XbuildReport", "run"]


@dataclass(frozen=True)
class XbuildOptions:
    """One xbuild request.

    ``pattern``: the main package (``.``, ``./cmd/server``, an import path).
    ``targets``: comma-separated ``goos/goarch[/level]``; ``first_class``/``all``
    add the toolchain's first-class or all ports (none given: first-class).
    ``cgo``: ``"0"``/``"1"`` forces CGO_ENABLED, None leaves go's default.
    ``jobs``: parallel builds (>= 1; None: the CPU count). ``reproducible``:
    build each target a second time from a copy of the module at another path;
    ``repro_cache``: ``fresh`` (an empty GOCACHE for the second build) or
    ``shared``. ``timeout``: seconds for one ``go build``. ``universal``: also
    write ``<name>_darwin_universal`` from the darwin/amd64 and darwin/arm64
    artifacts (both must be selected).
    """

    pattern: str = "."
    targets: str | None = None
    first_class: bool = False
    all: bool = False
    out_dir: Path = Path("dist")
    name: str | None = None
    ldflags: str = ""
    trimpath: bool = False
    tags: str = ""
    cgo: str | None = None
    jobs: int | None = None
    reproducible: bool = False
    repro_cache: str = "fresh"
    timeout: float = 900.0
    universal: bool = False


def run(
    opts: XbuildOptions,
    *,
    go: Path,
    env: Mapping[str, str],
    cwd: Path,
    progress: Callable[[int, int, str], None] = lambda d, t, w: None,
) -> XbuildReport:
    """Run one xbuild with the toolchain of ``go`` under ``env`` from ``cwd``.

    Raises UsageError for bad selectors and GoarchlabError when the package
    cannot be loaded; per-target problems are results, not exceptions.
    """
    if opts.repro_cache not in ("fresh", "shared"):
        raise UsageError(f"--repro-cache {opts.repro_cache!r}", "use fresh or shared")
    t0 = time.perf_counter()
    base = {**env, "GOTOOLCHAIN": "local"}
    force = {"CGO_ENABLED": opts.cgo} if opts.cgo is not None else {}
    base.update(force)
    # The toolchain's own facts: env comes from toolchains.api with GOTOOLCHAIN=local,
    # so the go asked is the go that builds (no go.mod toolchain switch).
    go, version, host, host_cgo = plan.toolchain_of(go, {**env, **force}, cwd)
    # Independent go queries side by side (each is ~50 ms of go startup, all before
    # the first build can start): the ports, the package, cgo for cross builds
    # (not asked when --cgo forces it or no foreign target is named).
    ask_cross = opts.cgo is None and _names_foreign(opts, host)
    # Import the header parsers the checks use while go answers the queries below and
    # the CPU is idle (pefile alone is ~16 ms of CPU), not at the first check,
    # when the builds keep every core busy. Daemon: a failed query need not wait.
    threading.Thread(target=_import_parsers, name="xbuild-parsers", daemon=True).start()
    with ThreadPoolExecutor(max_workers=3) as pool:
        f_dist = pool.submit(dist_list, go, base)
        f_pkg = pool.submit(plan.load_main_package, go, base, cwd, opts.pattern)
        f_cross = pool.submit(cgomod.cross_default, go, base, host, cwd) if ask_cross else None
        dist = f_dist.result()
        targets = plan.select_targets(dist, version, opts.targets, opts.first_class, opts.all)
        if opts.universal:
            universal.require_slices(targets)
        pkg = f_pkg.result()
        cross_cgo = f_cross.result() if f_cross is not None else (opts.cgo or "0")
    name = opts.name or pkg.exec_name
    out_dir = (cwd / opts.out_dir).resolve()
    jobs = max(1, opts.jobs or os.cpu_count() or 1)
    stage = _stage_in(out_dir)
    cleanup: list[Path] = [stage]
    try:
        repro = None
        if opts.reproducible:
            repro = _second_tree(pkg, out_dir, opts.repro_cache, go, base, cwd, cleanup)
        spec = Spec(go, version, base, cwd, opts.pattern, pkg.module_dir, name, opts.ldflags,
                    opts.trimpath, opts.tags, host, stage, repro, opts.timeout, host_cgo,
                    cross_cgo, frozenset(universal.SLICES if opts.universal else ()))
        results: dict[str, TargetResult] = {}

        def done(r: TargetResult) -> None:
            results[r.target] = r
            progress(len(results), len(targets), r.target)

        progress(0, len(targets), "")
        # Checks (hashing, reading headers) run on a thread of their own, so a
        # build worker starts its next go build the moment one ends.
        with ThreadPoolExecutor(max_workers=jobs) as builds, \
                ThreadPoolExecutor(max_workers=1) as checks:
            checking = []
            for f in as_completed([builds.submit(build_target, spec, t) for t in targets]):
                got = f.result()
                if isinstance(got, Built):
                    checking.append(checks.submit(check_target, spec, got))
                else:
                    done(got)
            for f in as_completed(checking):
                done(f.result())
        ordered = tuple(results[str(t)] for t in targets)
        for r in ordered:
            if r.ok and r.artifact is not None:
                os.replace(stage / Path(r.artifact.path).name, r.artifact.path)
        if opts.universal:
            ordered = (*ordered, universal.make(spec, ordered))
        flags = {"ldflags": opts.ldflags, "trimpath": str(opts.trimpath).lower(),
                 "tags": opts.tags, "cgo": opts.cgo or "default"}
        sums, manifest = output.write(out_dir, ordered, pkg.import_path, version, flags)
    finally:
        for p in cleanup:
            shutil.rmtree(p, ignore_errors=True)
    return XbuildReport(pkg.import_path, name, version, str(go.parent.parent), str(out_dir),
                        flags, jobs, round(time.perf_counter() - t0, 3), ordered, str(sums),
                        str(manifest))


#: The modules goarchlab.binary.inspector imports on a format's first use. Not
#: goarchlab.binary.elf (pyelftools, ~45 ms of CPU): a Go-built ELF artifact is read
#: by goarchlab.binary.elfquick, so the full reader is imported only for a file that
#: one does not understand.
_PARSERS = ("goarchlab.binary.macho", "goarchlab.binary.pe")


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


def _names_foreign(opts: XbuildOptions, host: tuple[str, str]) -> bool:
    """Whether the options may select a target other than the ``host`` platform."""
    if opts.first_class or opts.all or not opts.targets:
        return True
    return any((t.goos, t.goarch) != host for t in parse_list(opts.targets))


def _git_root(start: Path) -> Path | None:
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
    return None


def _second_tree(pkg: plan.MainPackage, out_dir: Path, cache: str, go: Path,
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
        gocache = Path(cgomod.go_env_values(go, env, ["GOCACHE"], cwd)["GOCACHE"])
    return pkg_dir, gocache, how, cache
