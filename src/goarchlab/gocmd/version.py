"""GoVersion: a Go release or language version, parsed, ordered and printable.

Ordering follows the go command's ``internal/gover``: a language version sorts
before its prereleases, which sort before its releases
(``1.21 < 1.21rc1 < 1.21.0 < 1.21.1``). Before Go 1.21 the first release of a
series had no ``.0``: the releases are go1.14 and go1.20, never go1.14.0 or go1.20.0
($GOROOT/src/internal/gover/gover.go, parse: "Patch missing is same as "0" for older
versions. Starting in Go 1.21, patch missing is different from explicit .0"; the
release history, go.dev/doc/devel/release, lists go1.20 then go1.21.0). ``str()``
prints those names, so every message names a release that exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import UsageError

_RX = re.compile(r"^(?:go)?(\d+)(?:\.(\d+))?(?:\.(\d+)|(alpha|beta|rc)(\d+))?$")
_KIND_ORDER = {"lang": 0, "alpha": 1, "beta": 2, "rc": 3, "release": 4}


@dataclass(frozen=True, order=False)
class GoVersion:
    """A parsed Go version.

    ``major`` is 1 for every Go so far; ``minor`` >= 0; ``patch`` is None for a
    language version (``1.22``) or a prerelease, else >= 0. ``kind`` is one of
    ``lang``, ``alpha``, ``beta``, ``rc``, ``release``; ``pre`` is the
    prerelease number (>= 1) or 0.
    """

    major: int
    minor: int
    patch: int | None = None
    kind: str = "release"
    pre: int = 0

    @classmethod
    def parse(cls, text: str) -> GoVersion:
        """Parse ``go1.22.10``, ``1.22``, ``go1.23rc1``, ``1.20`` (a release before 1.21).

        Raises UsageError for anything else (including ``devel`` builds).
        """
        s = text.strip()
        m = _RX.match(s)
        if not m:
            raise UsageError(
                f"{text!r} is not a Go version",
                "write it like 1.22, 1.22.10, go1.22.10 or go1.23rc1",
            )
        major, minor = int(m[1]), int(m[2] or 0)
        if m[3] is not None:
            return cls(major, minor, int(m[3]), "release", 0)
        if m[4]:
            return cls(major, minor, None, m[4], int(m[5]))
        # "1.20" is the go1.20 release; from 1.21 on "1.21" is the language version.
        if (major, minor) < (1, 21) and m[2] is not None:
            return cls(major, minor, 0, "release", 0)
        return cls(major, minor, None, "lang", 0)

    @classmethod
    def try_parse(cls, text: str) -> GoVersion | None:
        """Like :meth:`parse` but returns None instead of raising."""
        try:
            return cls.parse(text)
        except UsageError:
            return None

    def _key(self) -> tuple[int, int, int, int, int]:
        return (self.major, self.minor, _KIND_ORDER[self.kind], self.pre, self.patch or 0)

    def __lt__(self, other: GoVersion) -> bool:
        return self._key() < other._key()

    def __le__(self, other: GoVersion) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: GoVersion) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: GoVersion) -> bool:
        return self._key() >= other._key()

    @property
    def lang(self) -> GoVersion:
        """The language version of this release (``go1.22.10`` -> ``1.22``)."""
        return GoVersion(self.major, self.minor, None, "lang", 0)

    @property
    def is_release(self) -> bool:
        """True for a full release such as go1.22.10 (not a prerelease or language version)."""
        return self.kind == "release"

    def at_least(self, major: int, minor: int) -> bool:
        """True when this version is of the ``major.minor`` series or later."""
        return (self.major, self.minor) >= (major, minor)

    def matches(self, prefix: GoVersion) -> bool:
        """True when ``prefix`` (``1.22`` or ``1.22.10``) names this version or its series."""
        if prefix.kind == "lang":
            return (self.major, self.minor) == (prefix.major, prefix.minor)
        return self == prefix

    def release_name(self) -> str:
        """The name the Go project gives the release: go1.20 (not go1.20.0), go1.21.0;
        the same as ``str()``."""
        return str(self)

    def __str__(self) -> str:
        base = f"go{self.major}.{self.minor}"
        if self.kind == "release":
            # Before 1.21 the first release of a series carries no ".0" (go1.14, go1.20);
            # from 1.21 on it does (go1.21.0): see the module docstring.
            if self.patch == 0 and (self.major, self.minor) < (1, 21):
                return base
            return f"{base}.{self.patch}"
        if self.kind == "lang":
            return base
        return f"{base}{self.kind}{self.pre}"

    def to_json(self) -> str:
        """JSON form: the printable name, e.g. ``"go1.22.10"``."""
        return str(self)


def read_version_file(root: Path) -> str | None:
    """The first line of ``$GOROOT/VERSION`` (``go1.27.3``; no subprocess), or None
    when the file is missing or empty (a source checkout, a distribution's layout)."""
    try:
        first = (root / "VERSION").read_text(errors="replace").splitlines()
    except OSError:
        return None
    return first[0].strip() if first else None
