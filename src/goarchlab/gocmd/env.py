"""``go env -json`` and ``go version``, asked of a given go binary."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion

#: Seconds allowed for ``go env``/``go version``; generous because a translated
#: go (QEMU) starts 10-50x slower than a native one.
GO_QUERY_TIMEOUT = 30.0

_VERSION_RX = re.compile(r"^go version (go\S+?|devel \S+)(?: .*)? (\w+)/(\w+)\s*$")


@dataclass(frozen=True)
class GoVersionOutput:
    """What ``go version`` printed: the toolchain's version and its own GOOS/GOARCH.

    ``version`` is None for a devel build (``raw`` keeps the text).
    """

    version: GoVersion | None
    goos: str
    goarch: str
    raw: str


def parse_go_version_output(text: str) -> GoVersionOutput:
    """Parse ``go version go1.22.10 linux/amd64``; raise GoarchlabError on anything else."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    m = _VERSION_RX.match(line)
    if not m:
        raise GoarchlabError(
            f"unexpected 'go version' output: {line[:80]!r}",
            "this go binary may be broken or not the Go toolchain",
        )
    ver = None if m[1].startswith("devel") else GoVersion.try_parse(m[1])
    return GoVersionOutput(ver, m[2], m[3], line)


def go_version(
    go: Path | str,
    env: Mapping[str, str],
    timeout: float = GO_QUERY_TIMEOUT,
    runner: tuple[str, ...] = (),
) -> GoVersionOutput:
    """Run ``go version`` (optionally under ``runner``, e.g. ``("qemu-aarch64",)``), allowing
    ``timeout`` seconds. Raises GoarchlabError when it fails or prints something else."""
    r = proc.run([*runner, str(go), "version"], env=env, timeout=timeout)
    if not r.ok:
        raise GoarchlabError(
            f"{go} version failed (exit {r.returncode}): {(r.stderr or r.stdout).strip()[:120]}"
        )
    return parse_go_version_output(r.stdout)


def go_env(
    go: Path | str,
    env: Mapping[str, str],
    timeout: float = GO_QUERY_TIMEOUT,
    cwd: Path | None = None,
    runner: tuple[str, ...] = (),
    keys: Sequence[str] = (),
) -> dict[str, str]:
    """Run ``go env -json [KEY...]`` and return its mapping of variable to value
    (only ``keys`` when given: go then skips the rest, the C compiler probe included).

    Raises GoarchlabError when go fails or prints something that is not a JSON
    object of strings; ProcTimeout when it hangs past ``timeout`` seconds.
    """
    r = proc.run([*runner, str(go), "env", "-json", *keys], env=env, timeout=timeout, cwd=cwd)
    if not r.ok:
        first = (r.stderr or r.stdout).strip().splitlines()
        raise GoarchlabError(
            f"'{go} env -json' failed (exit {r.returncode}): "
            f"{first[0][:160] if first else 'no output'}",
            "run 'go env' by hand; an invalid setting in the go env file "
            "(go env GOENV) is a common cause",
        )
    try:
        data = json.loads(r.stdout)
    except json.JSONDecodeError as e:
        raise GoarchlabError(
            f"'{go} env -json' printed something that is not JSON (at offset {e.pos})",
            "this go binary may be broken",
        ) from e
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise GoarchlabError(
            f"'{go} env -json' printed an unexpected JSON shape", "this go binary may be broken"
        )
    return data
