"""SHA256SUMS and manifest.json next to the artifacts, each written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from goarchlab import redact
from goarchlab.atomicfile import write_text
from goarchlab.xbuild.model import TargetResult

MANIFEST_SCHEMA = "goarchlab.xbuild.manifest/v1"


def sha256sums_text(results: tuple[TargetResult, ...]) -> str:
    """``sha256sum`` text format (hash, two spaces, file name) for every ok artifact,
    sorted by file name so ``sha256sum -c SHA256SUMS`` works from the output directory."""
    rows = sorted((Path(r.artifact.path).name, r.artifact.sha256)
                  for r in results if r.ok and r.artifact is not None)
    return "".join(f"{digest}  {name}\n" for name, digest in rows)


def manifest(results: tuple[TargetResult, ...], package: str, go: str,
             flags: dict[str, str]) -> dict:
    """The manifest: what was built, from what, with which flags, and how it was verified.

    File names are relative to the manifest's directory, so the directory can move.
    """
    arts, problems = [], []
    for r in results:
        if r.ok and r.artifact is not None:
            a = r.artifact
            arts.append({
                "file": Path(a.path).name, "target": r.target, "sha256": a.sha256,
                "size": a.size, "format": a.format, "arch": a.arch, "static": a.static,
                "stripped": a.stripped, "dwarf": a.dwarf, "cgo": r.cgo,
                "buildinfo": a.settings,
                "checks": [c.name for c in r.checks if c.ok],
                "reproducible": None if r.reproducible is None else r.reproducible.ok,
            })
        else:
            problems.append({"target": r.target, "status": r.status, "reason": r.reason})
    return {"schema": MANIFEST_SCHEMA, "package": package, "go": go, "flags": flags,
            "artifacts": arts, "problems": problems}


def write(out_dir: Path, results: tuple[TargetResult, ...], package: str, go: str,
          flags: dict[str, str]) -> tuple[Path, Path]:
    """Write SHA256SUMS and manifest.json into ``out_dir``; return their paths."""
    sums, man = out_dir / "SHA256SUMS", out_dir / "manifest.json"
    write_text(sums, sha256sums_text(results), 0o644)
    # Published with the artifacts: a secret in -ldflags (-X main.token=...) stays out.
    write_text(man, json.dumps(redact.tree(manifest(results, package, go, flags)), indent=2,
                               sort_keys=True) + "\n", 0o644)
    return sums, man
