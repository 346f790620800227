"""Helpers shared by the toolchain tests (imported by name, like binary_helpers)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from goarchlab.toolchains import hostplat

NATIVE = hostplat.native()


@dataclass
class Archive:
    """An archive the server offers: its bytes, and how the index describes it."""

    version: str
    data: bytes
    sha256: str = ""  # what the index claims; defaults to the real digest

    @property
    def filename(self) -> str:
        return f"{self.version}.{NATIVE[0]}-{NATIVE[1]}.tar.gz"


def base_env(home: Path) -> dict[str, str]:
    """A child environment: this PATH (no Go on it), GOARCHLAB_HOME, no version override."""
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR", "PYTHONPATH", "GOCACHE",
            "GOMODCACHE", "GOPATH")
    e = {k: os.environ[k] for k in keep if k in os.environ}
    e["GOARCHLAB_HOME"] = str(home)
    # A shim build during an install must not write into the user's own Go cache.
    e.setdefault("GOCACHE", str(home / "gocache"))
    e["COLUMNS"] = "200"
    return e


def toolchain_dirs(home: Path) -> list[str]:
    """Names under home/toolchains, staging leftovers included (sorted)."""
    d = home / "toolchains"
    return sorted(p.name for p in d.iterdir()) if d.is_dir() else []


def validate(doc: dict) -> dict:
    """Check a --json document against docs/toolchain.schema.json; return it."""
    import json

    import jsonschema

    schema_path = Path(__file__).resolve().parents[2] / "docs" / "toolchain.schema.json"
    jsonschema.validate(doc, json.loads(schema_path.read_text()))
    return doc
