"""``--universal``: join the darwin/amd64 and darwin/arm64 artifacts into one
universal Mach-O, ``<name>_darwin_universal``, as ``lipo -create`` lays it out
(:mod:`goarchlab.binary.fat`), and verify it by reading it back.

It is reported as one more entry of the run's targets, ``darwin/universal``, so
SHA256SUMS, manifest.json and the JSON report list it like any artifact. With
``--reproducible`` it is written a second time from the second build's slices
(kept by :func:`goarchlab.xbuild.build._rebuild`) and the bytes compared: the
file is a pure function of its slices, so any difference is a bug here.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from goarchlab.binary import inspect
from goarchlab.binary.fat import read_header, write_universal
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.outcome import Severity
from goarchlab.targets import Target
from goarchlab.xbuild.build import Spec, artifact_name
from goarchlab.xbuild.digest import sha256_file
from goarchlab.xbuild.model import (
    ArtifactCheck,
    BuildArtifact,
    Reproducibility,
    TargetResult,
    TargetStatus,
)

#: The ``target`` of the universal entry in the report and the manifest.
UNIVERSAL = "darwin/universal"
#: The targets whose artifacts become its slices (plain: no GOAMD64/GOARM64 level).
SLICES = ("darwin/amd64", "darwin/arm64")
#: Where :func:`goarchlab.xbuild.build._rebuild` keeps the second build of a slice.
SECOND = ".second"


def file_name(name: str) -> str:
    """``<name>_darwin_universal``."""
    return f"{name}_darwin_universal"


def require_slices(targets: list[Target]) -> None:
    """Raise UsageError naming the darwin targets ``--universal`` needs and the
    selection lacks."""
    have = {str(t) for t in targets}
    missing = [t for t in SLICES if t not in have]
    if missing:
        raise UsageError(
            f"--universal needs darwin/amd64 and darwin/arm64 in the build; "
            f"missing: {', '.join(missing)}",
            "add them, e.g. --targets darwin/amd64,darwin/arm64,..., or use --first-class")


def _skipped(reason: str) -> TargetResult:
    return TargetResult(UNIVERSAL, TargetStatus.SKIPPED, reason, (), "", 0.0, None, (), None)


def _common(values: list):
    """The value every slice has, else None."""
    return values[0] if all(v == values[0] for v in values) else None


def _slice_sha256(path: Path, offset: int, size: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        f.seek(offset)
        left = size
        while left and (chunk := f.read(min(left, 1 << 20))):
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def _checks(out: Path, thin: dict[str, TargetResult], go_version: str):
    """Read ``out`` back: its format, the slices' arch, Go build info, alignment and bytes.
    Returns (checks, BinaryInfo)."""
    info = inspect(out)
    header = read_header(out)
    checks = [ArtifactCheck("format", info.format == "macho-universal", "macho-universal",
                            info.format, "header"),
              ArtifactCheck("slices", info.archs == ("amd64", "arm64"), "amd64,arm64",
                            ",".join(info.archs), "header")]
    for sl, fa in zip(info.slices, header.archs, strict=True):
        g = sl.goarch
        want = thin.get(f"darwin/{g}")
        s = sl.go.settings if sl.go else {}
        checks.append(ArtifactCheck(f"{g} GOARCH", (s.get("GOOS"), s.get("GOARCH")) == (
            "darwin", g), f"darwin/{g}", f"{s.get('GOOS', '-')}/{s.get('GOARCH', '-')}",
            "buildinfo"))
        got_go = sl.go.go_version if sl.go else "-"
        checks.append(ArtifactCheck(f"{g} go", got_go == go_version, go_version, got_go,
                                    "buildinfo"))
        checks.append(ArtifactCheck(f"{g} offset", fa.offset % (1 << fa.align) == 0,
                                    f"a multiple of 2^{fa.align}", str(fa.offset), "header"))
        digest = _slice_sha256(out, fa.offset, fa.size)
        expected = want.artifact.sha256 if want and want.artifact else "a darwin artifact"
        checks.append(ArtifactCheck(f"{g} bytes", digest == expected,
                                    f"sha256 {expected[:16]}", f"sha256 {digest[:16]}", "bytes"))
    return tuple(checks), info


def make(spec: Spec, results: tuple[TargetResult, ...]) -> TargetResult:
    """Write, verify and rename into place the universal file of the run's darwin
    artifacts (already in the output directory); ``skipped`` when a darwin target
    is not ok, ``verify-failed``/``not-reproducible`` like any target."""
    by = {r.target: r for r in results}
    bad = [f"{t} is {by[t].status}" for t in SLICES if not by[t].ok or by[t].artifact is None]
    if bad:
        return _skipped(f"{' and '.join(bad)}, so there is no slice for it")
    t0 = time.perf_counter()
    thin = [Path(by[t].artifact.path) for t in SLICES]
    name = file_name(spec.name)
    staged, final = spec.stage / name, spec.stage.parent / name
    try:
        write_universal(thin, staged)
        checks, info = _checks(staged, by, spec.go_version)
    except GoarchlabError as e:
        return TargetResult(UNIVERSAL, TargetStatus.VERIFY_FAILED, e.message, (), "",
                            round(time.perf_counter() - t0, 3), None, (), None)
    digest = sha256_file(staged)
    slices = [by[t] for t in SLICES]
    gos = [s.go for s in info.slices]
    shared = {k: v for k, v in gos[0].settings.items()
              if all(g is not None and g.settings.get(k) == v for g in gos)} if gos[0] else {}
    art = BuildArtifact(str(final), staged.stat().st_size, digest, info.format,
                        ",".join(info.archs), _common([s.static for s in info.slices]),
                        _common([s.stripped for s in info.slices]),
                        _common([s.dwarf for s in info.slices]),
                        _common([g.go_version if g else "" for g in gos]) or "", shared)
    repro = _again(spec, digest) if spec.repro is not None else None
    status, reason = TargetStatus.OK, ""
    failed = [c for c in checks if not c.ok and c.severity == Severity.ERROR]
    if failed:
        c = failed[0]
        status = TargetStatus.VERIFY_FAILED
        reason = f"{c.name}: expected {c.expected}, found {c.actual}"
    elif repro is not None and not repro.ok:
        status, reason = TargetStatus.NOT_REPRODUCIBLE, repro.detail
    if status == TargetStatus.OK:
        os.replace(staged, final)
    return TargetResult(UNIVERSAL, status, reason, (), _common([s.cgo for s in slices]) or "",
                        round(time.perf_counter() - t0, 3), art, checks, repro)


def _again(spec: Spec, digest: str) -> Reproducibility:
    """Write the universal file from the second build's slices and compare it."""
    assert spec.repro is not None
    _pkg, _cache, how, cache_kind = spec.repro
    t0 = time.perf_counter()
    second = spec.stage / SECOND
    out2 = second / file_name(spec.name)
    try:
        write_universal([second / artifact_name(spec.name, Target.parse(t))
                         for t in SLICES], out2)
    except GoarchlabError as e:
        return Reproducibility(False, "", how, cache_kind, f"second universal file: {e.message}",
                               round(time.perf_counter() - t0, 3))
    d2 = sha256_file(out2)
    detail = "" if d2 == digest else "the universal file differs between the two builds"
    return Reproducibility(d2 == digest, d2, how, cache_kind, detail,
                           round(time.perf_counter() - t0, 3))
