"""The go command: versions, ``go env -json``, streamed ``go list`` output.

Principle 1 of DESIGN.md: ask the go command and parse what it says.
"""

from goarchlab.gocmd.version import GoVersion

__all__ = ["GoVersion"]
