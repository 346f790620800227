"""What an xbuild run builds: the toolchain, the main package, the targets."""

from __future__ import annotations

from goarchlab.errors import UsageError
from goarchlab.gocmd.distlist import DistTarget
from goarchlab.gocmd.levels import validate_level
from goarchlab.gocmd.version import GoVersion
from goarchlab.targets import Target, parse_list
from goarchlab.xbuild.query import LIST_TIMEOUT as LIST_TIMEOUT
from goarchlab.xbuild.query import MainPackage as MainPackage
from goarchlab.xbuild.query import exec_name as exec_name
from goarchlab.xbuild.query import load_main_package as load_main_package
from goarchlab.xbuild.query import toolchain_of as toolchain_of


def select_targets(
    dist: tuple[DistTarget, ...], go_version: str, spec: str | None, first_class: bool,
    all_: bool,
) -> list[Target]:
    """The targets to build, in a stable order, each known to the toolchain.

    ``spec``: comma-separated ``goos/goarch[/level]``. With no selector the
    first-class ports are built. Raises UsageError naming an unknown target.
    """
    known = {d.platform: d for d in dist}
    out: list[Target] = []
    if spec:
        for t in parse_list(spec):
            plat = f"{t.goos}/{t.goarch}"
            if plat not in known:
                import difflib  # only for this message: not on the way to the first build

                close = difflib.get_close_matches(plat, list(known), n=3, cutoff=0.6)
                hint = (f"did you mean {', '.join(close)}? " if close else "") + (
                    "'go tool dist list' shows every port it knows")
                raise UsageError(f"{go_version} does not know the target {plat}", hint)
            # Target.parse checked the level against every release; this one may be older.
            problem = t.level and validate_level(t.level_var, t.level,
                                                 GoVersion.try_parse(go_version))
            if problem:
                raise UsageError(f"{t}: {problem}",
                                 f"see 'go help environment' for {t.level_var}")
            out.append(t)
    if first_class or all_ or not spec:
        for d in dist:
            if all_ or d.first_class:
                out.append(Target.parse(d.platform))
    seen: set[str] = set()
    uniq = []
    for t in out:
        if str(t) not in seen:
            seen.add(str(t))
            uniq.append(t)
    return uniq
