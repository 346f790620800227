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

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from goarchlab.errors import UsageError
from goarchlab.gocmd.distlist import dist_list
from goarchlab.targets import parse_list
from goarchlab.xbuild import query
from goarchlab.xbuild.cgo import cgo_enabled_for, foreign_to
from goarchlab.xbuild.query import Pending

if TYPE_CHECKING:
    from goarchlab.xbuild.model import XbuildReport

__all__ = ["XbuildOptions", "XbuildReport", "run"]


def __getattr__(name: str) -> object:
    # XbuildReport is loaded with the rest of the run (goarchlab.xbuild.runner), after
    # the first go queries have started; importing it here would undo that.
    if name == "XbuildReport":
        from goarchlab.xbuild.model import XbuildReport

        return XbuildReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    # The go queries first, side by side, before anything else is imported: go list
    # of the package (~55 ms of go, the longest) decides when the first build can
    # start. The toolchain's own facts: env comes from toolchains.api with
    # GOTOOLCHAIN=local, so the go asked is the go that builds (no go.mod toolchain
    # switch), and its ports and the package are asked of that same go.
    tc = Pending(query.toolchain_of, go, {**env, **force}, cwd)
    dist = Pending(dist_list, go, base)
    pkg = Pending(query.load_main_package, go, base, cwd, opts.pattern)
    # What the builds need, imported while go answers (~35 ms of CPU), from now on
    # rather than after go env: the first build waits for it.
    loading = Pending(_load_runner)
    # cgo for cross builds (not asked when --cgo forces it or no foreign target is
    # named), asked of a platform foreign to the one this process runs on without
    # waiting for go env, and again below in the rare case that it is go's own host.
    guess = foreign_to(_this_platform()) if opts.cgo is None and _all_ports(opts) else None
    cross = Pending(cgo_enabled_for, go, base, guess, cwd) if guess else None
    go, version, host, host_cgo = tc.result()
    if guess == host or (guess is None and opts.cgo is None and _names_foreign(opts, host)):
        cross = Pending(cgo_enabled_for, go, base, foreign_to(host), cwd)
    runner = loading.result()
    return runner.build_all(opts, go=go, version=version, host=host, host_cgo=host_cgo,
                            base=base, cwd=cwd, dist=dist, package=pkg, cross=cross,
                            progress=progress, t0=t0)


def _all_ports(opts: XbuildOptions) -> bool:
    """Whether the options select whole port lists (then always a foreign target)."""
    return opts.first_class or opts.all or not opts.targets


def _this_platform() -> tuple[str, str]:
    """This process's GOOS/GOARCH as far as Python tells (only a guess: go env says)."""
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
    machine = os.uname().machine.lower() if hasattr(os, "uname") else ""
    return sys.platform.rstrip("0123456789"), arch.get(machine, "")


def _names_foreign(opts: XbuildOptions, host: tuple[str, str]) -> bool:
    """Whether the options may select a target other than the ``host`` platform."""
    if _all_ports(opts):
        return True
    return any((t.goos, t.goarch) != host for t in parse_list(opts.targets))


def _load_runner() -> ModuleType:
    from goarchlab.xbuild import runner

    return runner
