"""Bridges to modules other engineers are writing in parallel.

Until ``goarchlab.targets`` lands, a minimal Target with the same surface
(``parse``, ``str``, ``env()``, ``goos``/``goarch``/``level``) lets xbuild and
matrix run; once it lands this module only re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass

# cmd/go/internal/cfg.GetArchEnv: the one level variable of each GOARCH, which
# cmd/go also records in build info (load.setBuildInfo).
LEVEL_VAR = {
    "arm": "GOARM", "arm64": "GOARM64", "386": "GO386", "amd64": "GOAMD64",
    "mips": "GOMIPS", "mipsle": "GOMIPS", "mips64": "GOMIPS64", "mips64le": "GOMIPS64",
    "ppc64": "GOPPC64", "ppc64le": "GOPPC64", "riscv64": "GORISCV64", "wasm": "GOWASM",
}


def level_var(goarch: str) -> str | None:
    """The level variable of ``goarch`` (GOAMD64 for amd64), or None when it has none."""
    return LEVEL_VAR.get(goarch)


try:  # pragma: no cover - depends on what has landed
    from goarchlab.targets import Target  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    from goarchlab.errors import UsageError

    @dataclass(frozen=True)
    class Target:  # type: ignore[no-redef]
        """GOOS/GOARCH plus an optional level (``linux/amd64/v3``)."""

        goos: str
        goarch: str
        level: str | None = None

        @classmethod
        def parse(cls, text: str) -> Target:
            parts = text.strip().split("/")
            if len(parts) not in (2, 3) or not all(parts):
                raise UsageError(f"{text!r} is not a target", "write it like linux/amd64[/v3]")
            if len(parts) == 3 and parts[1] not in LEVEL_VAR:
                raise UsageError(f"{text!r}: GOARCH {parts[1]} has no level variable")
            return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)

        @property
        def level_var(self) -> str | None:
            return LEVEL_VAR.get(self.goarch)

        def env(self) -> dict[str, str]:
            e = {"GOOS": self.goos, "GOARCH": self.goarch}
            if self.level and self.level_var:
                e[self.level_var] = self.level
            return e

        def __str__(self) -> str:
            base = f"{self.goos}/{self.goarch}"
            return f"{base}/{self.level}" if self.level else base

__all__ = ["LEVEL_VAR", "Target", "level_var"]
