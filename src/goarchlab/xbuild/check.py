"""Hash and verify one built artifact (no go command runs here)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from goarchlab.binary import inspect
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.levels import level_var
from goarchlab.outcome import Severity
from goarchlab.targets import Target
from goarchlab.xbuild import cgo as cgomod
from goarchlab.xbuild.build import Built, Spec, artifact_name, target_result
from goarchlab.xbuild.digest import mapped
from goarchlab.xbuild.model import ArtifactCheck, BuildArtifact, TargetResult, TargetStatus
from goarchlab.xbuild.verify import expected_format, verify


def check_target(spec: Spec, b: Built) -> TargetResult:
    """Hash and verify a built artifact (no go command runs here): ``ok``,
    ``verify-failed`` or ``not-reproducible``."""
    # One mapping of the artifact for its SHA-256 and for the byte searches of verify.
    with mapped(b.out) as data:
        artifact, checks, status, reason = _inspect(
            spec, b.target, b.out, b.dec, b.sha256 or hashlib.sha256(data).hexdigest(),
            lambda needles: [bool(n) and data.find(n) >= 0 for n in needles])
    if status == TargetStatus.OK and b.repro is not None and not b.repro.ok:
        status, reason = TargetStatus.NOT_REPRODUCIBLE, b.repro.detail
    return target_result(b.target, status, reason, (), b.dec.enabled, b.wall_s, artifact, checks,
                   b.repro)


def _inspect(spec: Spec, target: Target, out: Path, dec: cgomod.CgoDecision, digest: str,
             contains: Callable[[list[bytes]], list[bool]]):
    size = out.stat().st_size
    final = str(Path(spec.stage).parent / artifact_name(spec.name, target))
    try:
        info = inspect(out)
    except GoarchlabError as e:
        art = BuildArtifact(final, size, digest, "unknown", "", None, None, None, "", {})
        if expected_format(target.goos) is None:
            # XCOFF (aix) and Plan 9 a.out: formats goarchlab does not read. Say so, but
            # do not fail a build the go command completed.
            chk = ArtifactCheck("headers", False, "readable", e.message, "header",
                                Severity.WARN)
            return art, (chk,), TargetStatus.OK, ""
        chk = ArtifactCheck("headers", False, "readable", e.message, "header")
        return art, (chk,), TargetStatus.VERIFY_FAILED, f"cannot read the artifact: {e.message}"
    sl = info.slices[0]
    bi = sl.go
    art = BuildArtifact(final, size, digest, info.format, sl.goarch, sl.static, sl.stripped,
                        sl.dwarf, bi.go_version if bi else "", dict(bi.settings) if bi else {})
    checks = verify(info, out, goos=target.goos, goarch=target.goarch, level_key=level_var(
        target.goarch), level=target.level or "", cgo=dec.enabled, go_version=spec.go_version,
        ldflags=spec.ldflags, trimpath=spec.trimpath, tags=spec.tags, module_dir=spec.module_dir,
        contains=contains)
    bad = [c for c in checks if not c.ok and c.severity == Severity.ERROR]
    if bad:
        c = bad[0]
        return (art, checks, TargetStatus.VERIFY_FAILED,
                f"{c.name}: expected {c.expected}, found {c.actual}")
    return art, checks, TargetStatus.OK, ""
