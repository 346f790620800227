"""Where goarchlab keeps everything: GOARCHLAB_HOME (toolchains/, cache/, results.db).

A base module because targets (exec wrappers), toolchains (the store), bench
(results.db) and doctor (the go help cache) all need it, and none of them may
import another's layer for it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs


def goarchlab_home(env: Mapping[str, str] | None = None) -> Path:
    """GOARCHLAB_HOME from ``env`` (default: os.environ), ``~`` expanded, or the
    platform's user data directory for goarchlab when it is unset or empty."""
    env = os.environ if env is None else env
    value = env.get("GOARCHLAB_HOME")
    return Path(value).expanduser() if value else Path(platformdirs.user_data_dir("goarchlab"))
