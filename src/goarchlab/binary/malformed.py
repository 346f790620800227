"""Internal signals of the format readers; inspect() turns them into GoarchlabError."""

from __future__ import annotations


class Malformed(ValueError):
    """Headers that break the format's rules (message: what is wrong, lower case)."""


class Truncated(Malformed):
    """Headers describe more bytes than the file holds."""
