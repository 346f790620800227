"""Go toolchains: the store under GOARCHLAB_HOME, sources, install, resolution, shims.

Every goarchlab feature that needs a Go toolchain asks this package:
``ensure(spec_or_None, home=..., cwd=...)`` for a Toolchain (installed if
missing), ``go_environ(toolchain, base_env)`` for the environment to run it in.
"""

from goarchlab.toolchains.api import ensure, go_environ
from goarchlab.toolchains.model import Toolchain, goarchlab_home

__all__ = ["Toolchain", "ensure", "go_environ", "goarchlab_home"]
