"""The second build of --reproducible: the same target from another tree, compared."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

from goarchlab import proc
from goarchlab.binary import inspect
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.failure import summary
from goarchlab.xbuild.build import Built, Spec, build_argv
from goarchlab.xbuild.digest import sha256_file
from goarchlab.xbuild.model import Reproducibility
from goarchlab.xbuild.verify import file_contains


def second_build(spec: Spec, b: Built) -> Built:
    """``b`` with its digest and the comparison with a second build from
    ``spec.repro`` (another path, maybe a fresh GOCACHE)."""
    env = {**spec.env, **b.target.env(), "CGO_ENABLED": b.dec.enabled}
    digest = sha256_file(b.out)
    return dataclasses.replace(b, sha256=digest,
                               repro=_rebuild(spec, b.target, env, b.out, digest))


def _rebuild(spec: Spec, target, env: dict[str, str], first: Path, digest: str) -> Reproducibility:
    """Build again from the second tree (another path, maybe a fresh GOCACHE) and compare."""
    assert spec.repro is not None
    pkg_dir, cache, how, cache_kind = spec.repro
    env2 = {**env, "GOCACHE": str(cache)}
    with tempfile.TemporaryDirectory(prefix=".repro-", dir=spec.stage) as tmp:
        out2 = Path(tmp) / first.name
        r = proc.run(build_argv(spec, out2, "."), env=env2, timeout=spec.timeout * 4, cwd=pkg_dir)
        if not r.ok:
            return Reproducibility(False, "", how, cache_kind,
                                   "second build failed: " + (summary(r.stderr or r.stdout)
                                                              or "?"),
                                   r.wall_s)
        d2 = sha256_file(out2)
        detail = "" if d2 == digest else _difference(first, out2, spec)
        if str(target) in spec.keep_second:
            # --universal writes its file a second time from these (xbuild.universal).
            second = spec.stage / ".second"
            second.mkdir(exist_ok=True)
            os.replace(out2, second / first.name)
        return Reproducibility(d2 == digest, d2, how, cache_kind, detail, round(r.wall_s, 3))


def _difference(a: Path, b: Path, spec: Spec) -> str:
    """One line on how two builds differ: a build-info setting, a path, or a byte offset."""
    try:
        sa, sb = inspect(a).go, inspect(b).go
    except GoarchlabError:
        sa = sb = None
    if sa and sb:
        for k in sorted(set(sa.settings) | set(sb.settings)):
            va, vb = sa.settings.get(k, "-"), sb.settings.get(k, "-")
            if va != vb:
                return f"build info differs: {k}={va} vs {k}={vb}"
    if (not spec.trimpath and spec.module_dir is not None
            and file_contains(a, [str(spec.module_dir).encode()])[0]):
        return ("the binary embeds its build directory "
                f"({spec.module_dir}); build with --trimpath")
    with a.open("rb") as fa, b.open("rb") as fb:
        off = 0
        while True:
            ca, cb = fa.read(1 << 16), fb.read(1 << 16)
            if ca != cb:
                i = next((j for j in range(min(len(ca), len(cb))) if ca[j] != cb[j]),
                         min(len(ca), len(cb)))
                return (f"contents differ from byte {off + i} (sizes {a.stat().st_size} and "
                        f"{b.stat().st_size}): something in the source or flags changes per "
                        "build (a generated file, a timestamp)")
            if not ca:
                return "contents differ"
            off += len(ca)
