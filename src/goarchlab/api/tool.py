"""apidiff (golang.org/x/exp/cmd/apidiff), installed on first use.

goarchlab does not compare APIs itself: apidiff implements the Go
compatibility rules (assignability, method sets, ...). It is built once per
pin with the resolved toolchain through the Go module proxy (``go install
...@PIN``) into ``GOARCHLAB_HOME/tools/apidiff@PIN/``; the build goes to a
temporary directory renamed into place, so a failed install leaves nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.failure import summary
from goarchlab.gocmd.version import GoVersion

#: golang.org/x/exp at a fixed pseudo-version: module mode (-m) and -w export data.
APIDIFF_MODULE = "golang.org/x/exp"
APIDIFF_VERSION = "v0.0.0-20261113113407-e3970619a1a4"
#: The go line of golang.org/x/exp at that version: older toolchains refuse to build it.
APIDIFF_MIN_GO = GoVersion.parse("1.26.0")
INSTALL_TIMEOUT = 600.0


def tool_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` for building or running a tool outside any workspace: GOWORK=off and
    no ``-mod=`` in GOFLAGS (``go install pkg@version`` rejects it)."""
    out = dict(env)
    out["GOWORK"] = "off"
    flags = [f for f in out.get("GOFLAGS", "").split() if not f.startswith("-mod=")]
    out["GOFLAGS"] = " ".join(flags)
    return out


def ensure_apidiff(go: Path, go_version: GoVersion | None, env: Mapping[str, str],
                   home: Path, notify: Callable[[str], None]) -> Path:
    """The apidiff binary, built with ``go`` if missing. Raises GoarchlabError (exit 3)
    when the toolchain is too old or the build fails (no network, say)."""
    dest = home / "tools" / f"apidiff@{APIDIFF_VERSION}"
    exe = dest / "apidiff"
    if exe.is_file():
        return exe
    if go_version is not None and go_version < APIDIFF_MIN_GO:
        raise GoarchlabError(
            f"apidiff {APIDIFF_VERSION} needs Go "
            f"{str(APIDIFF_MIN_GO.lang).removeprefix('go')} or newer to build, "
            f"and the toolchain is {go_version}",
            "pass --go 1.27 (goarchlab installs it) to build apidiff once")
    notify(f"installing apidiff ({APIDIFF_MODULE}@{APIDIFF_VERSION}) into {dest}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".apidiff-", dir=dest.parent))
    try:
        benv = tool_env(env)
        benv["GOBIN"] = str(tmp)
        r = proc.run([str(go), "install", f"{APIDIFF_MODULE}/cmd/apidiff@{APIDIFF_VERSION}"],
                     env=benv, timeout=INSTALL_TIMEOUT, cwd=tmp)
        if not r.ok or not (tmp / "apidiff").is_file():
            raise GoarchlabError(
                f"could not build apidiff: {summary(r.stderr or r.stdout, empty='no output')}",
                "goarchlab api needs the Go module proxy once to build apidiff; check "
                "GOPROXY and the network")
        try:
            os.rename(tmp, dest)
        except OSError:
            if not exe.is_file():  # another goarchlab won the race only if it is there
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return exe
