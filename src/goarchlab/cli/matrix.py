"""``goarchlab matrix`` (placeholder until the matrix lands)."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add the ``matrix`` parser."""
    subparsers.add_parser("matrix", help="build/vet/test across Go versions x targets")
