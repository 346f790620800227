"""Compatibility matrix: build, vet and test across Go versions x targets, and CI emission.

:func:`goarchlab.matrix.run.run` runs it here (non-native targets under the
host's Runner), :func:`goarchlab.matrix.merge.merge` combines results from
several machines, :func:`goarchlab.matrix.emit.github_actions` writes the
workflow that runs the same matrix on GitHub's hosted runners.
"""

from goarchlab.matrix.model import Cell, MatrixReport

__all__ = ["Cell", "MatrixReport"]
