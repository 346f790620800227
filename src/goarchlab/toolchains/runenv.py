"""The environment a managed toolchain runs in.

Its own module (not toolchains.api) because the shims need it too, and the
front door imports install, which imports the shims: keeping it here keeps
that chain free of a cycle.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from goarchlab.toolchains.model import Toolchain


def go_environ(tc: Toolchain, base_env: Mapping[str, str],
               keep_user_gotoolchain: bool = False) -> dict[str, str]:
    """``base_env`` plus what running ``tc`` needs: its bin first on PATH, GOROOT,
    and ``GOTOOLCHAIN=local`` (with ``keep_user_gotoolchain``, only when the user
    set none: ``toolchain exec`` runs the user's own command)."""
    env = dict(base_env)
    env["PATH"] = os.pathsep.join([str(tc.goroot / "bin"), *filter(None, [env.get("PATH")])])
    env["GOROOT"] = str(tc.goroot)
    if not (keep_user_gotoolchain and env.get("GOTOOLCHAIN")):
        env["GOTOOLCHAIN"] = "local"
    return env
