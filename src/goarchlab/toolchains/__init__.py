"""Go toolchains: the store under GOARCHLAB_HOME, sources, install, resolution, shims.

Every goarchlab feature that needs a Go toolchain asks this package.
"""

from goarchlab.toolchains.model import Toolchain, goarchlab_home

__all__ = ["Toolchain", "goarchlab_home"]
