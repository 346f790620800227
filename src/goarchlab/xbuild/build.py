"""Build one target.

Each target's ``go build`` writes into a staging directory inside the output
directory; the orchestrator renames verified files into place, so a crash or
a failed build never leaves a half-written artifact under its final name. The
checks (goarchlab.xbuild.check) and the second build of --reproducible
(goarchlab.xbuild.repro) live apart: what the first go build needs is imported
before it starts, the header readers and hashing are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.failure import summary
from goarchlab.targets import Target
from goarchlab.xbuild import cgo as cgomod
from goarchlab.xbuild.model import (
    ArtifactCheck,
    BuildArtifact,
    Reproducibility,
    TargetResult,
    TargetStatus,
)

#: Lines of the go command's output kept for a failed build.
ERROR_LINES = 12


@dataclass(frozen=True)
class Spec:
    """Everything shared by the builds of one run.

    ``go``: the go binary; ``env``: the base environment (GOTOOLCHAIN=local);
    ``cwd``: where ``go build`` runs; ``pattern``: the package as given;
    ``module_dir``: the main module's root; ``name``: artifact base name;
    ``host``: the toolchain's GOHOSTOS/GOHOSTARCH; ``stage``: the staging dir;
    ``repro``: the second tree's package directory, its GOCACHE, how the tree
    was made and the cache kind, or None; ``timeout``: seconds for one
    ``go build`` (> 0); ``host_cgo``/``cross_cgo``: CGO_ENABLED (``"0"``/``"1"``)
    the go command uses under ``env`` for the host platform and for every other
    one (a forced --cgo is already in ``env``). ``keep_second``: targets whose
    second build is kept in ``stage/.second`` (the slices of ``--universal``).
    ``group``: the go builds run in it, so a failed go list can stop them.
    ``name``: the artifacts' base name; while the builds run it may still be the
    staged files' name, and their checks get the final one.
    """

    go: Path
    go_version: str
    env: dict[str, str]
    cwd: Path
    pattern: str
    module_dir: Path | None
    name: str
    ldflags: str
    trimpath: bool
    tags: str
    host: tuple[str, str]
    stage: Path
    repro: tuple[Path, Path, str, str] | None
    timeout: float
    host_cgo: str
    cross_cgo: str
    keep_second: frozenset[str] = frozenset()
    group: proc.Group | None = None


def artifact_name(name: str, target) -> str:
    """``<name>_<goos>_<goarch>[_<level>][.exe]``."""
    base = f"{name}_{target.goos}_{target.goarch}"
    if target.level:
        base += "_" + target.level.replace(",", "_")
    return base + (".exe" if target.goos == "windows" else "")


def build_argv(spec: Spec, out: Path, pattern: str) -> list[str]:
    """The ``go build`` command line for one artifact."""
    argv = [str(spec.go), "build", "-o", str(out)]
    if spec.trimpath:
        argv.append("-trimpath")
    if spec.ldflags:
        argv += ["-ldflags", spec.ldflags]
    if spec.tags:
        argv += ["-tags", spec.tags]
    return [*argv, pattern]


def _first_lines(text: str) -> tuple[str, ...]:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return tuple(lines[:ERROR_LINES])


def target_result(target: Target, status: TargetStatus, reason: str = "", error=(), cgo: str = "",
                  time_s: float = 0.0, artifact: BuildArtifact | None = None,
                  checks: tuple[ArtifactCheck, ...] = (),
                  repro: Reproducibility | None = None) -> TargetResult:
    """One target's result (``time_s`` rounded to ms)."""
    return TargetResult(str(target), status, reason, tuple(error), cgo, round(time_s, 3),
                        artifact, tuple(checks), repro)


@dataclass(frozen=True)
class Built:
    """A target whose ``go build`` succeeded, its checks still to come.

    ``out``: the artifact in the staging directory; ``wall_s``: the build's
    seconds; ``sha256``: its digest when already known (the reproducibility
    rebuild needed it), else ""; ``repro``: that rebuild's comparison, or None.
    """

    target: Target
    out: Path
    dec: cgomod.CgoDecision
    wall_s: float
    sha256: str
    repro: Reproducibility | None


def build_target(spec: Spec, target: Target) -> TargetResult | Built:
    """Build ``target`` into the staging directory; goarchlab.xbuild.repro builds it
    again with ``spec.repro``, goarchlab.xbuild.check then verifies it.

    Never raises for a problem of the target itself (a compiler error, an
    invalid level): those become a result with that status.
    """
    env = {**spec.env, **target.env()}
    plat = (target.goos, target.goarch)
    enabled = spec.host_cgo if plat == spec.host else spec.cross_cgo
    try:
        dec = cgomod.decide(spec.go, env, plat, spec.host, spec.pattern, spec.cwd, enabled)
    except GoarchlabError as e:
        return target_result(target, TargetStatus.BUILD_FAILED, e.message, (e.message,))
    if dec.skip:
        return target_result(target, TargetStatus.SKIPPED, dec.skip, cgo=dec.enabled)
    env["CGO_ENABLED"] = dec.enabled
    out = spec.stage / artifact_name(spec.name, target)
    r = proc.run(build_argv(spec, out, spec.pattern), env=env, timeout=spec.timeout, cwd=spec.cwd,
                 group=spec.group)
    if not r.ok:
        lines = _first_lines(r.stderr or r.stdout)
        # The first compiler message (file.go:line:col: ...), else the lines that explain.
        reason = summary(r.stderr or r.stdout) or f"go build exited {r.returncode}"
        if dec.enabled == "0" and r.returncode > 0:  # not killed (a failed go list)
            users = cgomod.cgo_packages(spec.go, {**env, "CGO_ENABLED": "1"}, spec.pattern,
                                        spec.cwd)
            own = [u for u in users if "." in u.split("/")[0]]
            if own:
                reason = (f"{own[0]} uses cgo, which is off for this build (CGO_ENABLED=0); "
                          "use --cgo 1 with a C compiler for the target in CC")
        return target_result(target, TargetStatus.BUILD_FAILED, reason, lines, dec.enabled,
                             r.wall_s)
    return Built(target, out, dec, r.wall_s, "", None)
