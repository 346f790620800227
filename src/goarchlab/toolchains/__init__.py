"""Go toolchains: the store under GOARCHLAB_HOME, sources, install, resolution, shims.

Every goarchlab feature that needs a Go asks the front door,
:mod:`goarchlab.toolchains.api`: ``select_go(--go value or None, cwd, env)``
returns a :class:`~goarchlab.toolchains.api.Go` handle (binary, GOROOT, env with
GOTOOLCHAIN=local, version, platform, why it was chosen).
"""

from goarchlab.toolchains.api import Go, ensure, go_environ, select_go
from goarchlab.toolchains.model import Toolchain, goarchlab_home

__all__ = ["Go", "Toolchain", "ensure", "go_environ", "goarchlab_home", "select_go"]
