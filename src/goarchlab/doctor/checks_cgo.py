"""cgo: the effective CGO_ENABLED against the C compiler on PATH and its target.

The default, read from ``$GOROOT/src/cmd/go/internal/cfg/cfg.go``
(``defaultContext``, go1.27.3; the rule arrived in Go 1.20):

1. CGO_ENABLED set to ``0`` or ``1`` (environment or go env file) wins; other
   values are ignored;
2. otherwise cgo is off when cross-compiling (GOOS/GOARCH differ from the go
   command's own) or for a port without cgo support;
3. otherwise, when CC is unset in the OS environment and the default C compiler
   (``gcc``; ``clang`` on darwin, ios, freebsd, openbsd) is not found on PATH,
   cgo is off; else on.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

from goarchlab.doctor import facts, localgo
from goarchlab.doctor.checks_goenv import shell_and_file, unset_fix
from goarchlab.doctor.claims import CLAIMS
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.errors import GoarchlabError
from goarchlab.host.archmap import triple_platform
from goarchlab.targets import QuoteError, split_quoted

REF_CFG = "$GOROOT/src/cmd/go/internal/cfg/cfg.go (defaultContext)"


def _compiler(ctx: Context, cc: str) -> tuple[str | None, str | None, str | None, str]:
    """Find ``cc`` on the audited PATH: ``(path, goos, goarch, triple)``; path None
    when it is not found. The target comes from the host facts, else ``-dumpmachine``."""
    path = cc if os.path.isabs(cc) and os.access(cc, os.X_OK) else shutil.which(
        cc, path=ctx.env.get("PATH", ""))
    if path is None:
        return None, None, None, ""
    real = os.path.realpath(path)
    for c in ctx.host.c_compilers:
        if os.path.realpath(c.path) == real:
            return path, c.goos, c.goarch, c.triple
    try:
        r = ctx.run((path, "-dumpmachine"))
    except GoarchlabError:
        return path, None, None, ""
    triple = r.stdout.strip() if r.ok else ""
    goos, goarch = triple_platform(triple) if triple else (None, None)
    return path, goos, goarch, triple


@check("cgo.enabled", "cgo", "effective CGO_ENABLED against the C compiler's presence and "
       "target arch (Go 1.20+ defaults it to 0 only without a C compiler)")
def check_cgo(ctx: Context) -> Iterator[Finding]:
    """Explain the effective CGO_ENABLED truthfully and flag a compiler that cannot work."""
    env = facts.go_env(ctx)
    eff = env.get("CGO_ENABLED", "")
    goos, goarch = env.get("GOOS", ""), env.get("GOARCH", "")
    settings = shell_and_file(ctx, "CGO_ENABLED")
    s = settings[0] if settings else None
    if s is not None and s.value not in ("0", "1"):
        yield Finding("cgo.enabled", "cgo", Severity.WARN,
                      f"CGO_ENABLED={s.value} is ignored: only 0 and 1 count",
                      f"{s.origin()}; the go command uses its default ({eff})",
                      unset_fix(settings, "set CGO_ENABLED to 0 or 1, or unset it"), (REF_CFG,))
        s = None
    try:
        words = split_quoted(env.get("CC", "")) or ["gcc"]
    except QuoteError:
        words = [env.get("CC", "gcc")]
    cc = words[0]
    path, cc_os, cc_arch, triple = _compiler(ctx, cc)
    cross = (goos, goarch) != (env.get("GOHOSTOS"), env.get("GOHOSTARCH"))
    target = f"{goos}/{goarch}"
    tc = localgo.toolchain(ctx)
    if eff == "1":
        if s is not None:
            origin = s.origin()
        elif path is not None:
            origin = f"the default, because {cc} is on PATH"
        else:
            # cfg.go only looks for the compiler when CC is unset in the OS environment.
            origin = "the default: CC is set, so the go command does not check for the compiler"
        if path is None:
            yield Finding("cgo.enabled", "cgo", Severity.ERROR,
                          f"cgo is on but the C compiler {cc} is not on PATH",
                          f"CGO_ENABLED=1 ({origin}); packages that use cgo fail to build "
                          f"('cgo: C compiler \"{cc}\" not found')",
                          Fix(f"install {cc} (or set CC), or set CGO_ENABLED=0"), (REF_CFG,))
        elif cc_arch is not None and (cc_arch, cc_os or goos) != (goarch, goos):
            yield Finding("cgo.enabled", "cgo", Severity.ERROR,
                          f"cgo is on but {cc} targets {triple}, not {target}",
                          f"CGO_ENABLED=1 ({origin}); every package that uses cgo fails to "
                          "compile or link, including the standard library's net and os/user",
                          Fix(f"set CC to a C cross compiler for {target}, or CGO_ENABLED=0"),
                          (REF_CFG,))
        else:
            yield Finding("cgo.enabled", "cgo", Severity.OK,
                          f"cgo is on: {cc} ({triple or path}) builds for {target}", origin)
        return
    # cgo is off: say why, truthfully.
    if s is not None:
        if path is not None and not cross:
            c = CLAIMS["cgo-default-off"]
            yield Finding("cgo.enabled", "cgo", Severity.INFO,
                          f"CGO_ENABLED=0 is set although {cc} is on PATH",
                          f"{s.origin()}. The default here would be 1: {c.truth}. Keep it for "
                          "static pure-Go binaries; it is not a default of any Go release "
                          "with a C compiler present",
                          unset_fix(settings, "unset CGO_ENABLED to get the default"), c.refs)
        else:
            yield Finding("cgo.enabled", "cgo", Severity.OK, "cgo is off: CGO_ENABLED=0",
                          s.origin())
        return
    if cross:
        why = (f"builds target {target}, not the go command's own "
               f"{env.get('GOHOSTOS')}/{env.get('GOHOSTARCH')}, and cgo defaults to off when "
               "cross-compiling")
    elif path is None and (tc.version is None or tc.version.at_least(1, 20)):
        why = (f"no C compiler: {cc} is not on PATH, and since Go 1.20 the go command then "
               "defaults CGO_ENABLED to 0")
    else:
        why = f"cgo is not the default for {target} in {tc.name}"
    yield Finding("cgo.enabled", "cgo", Severity.INFO, "cgo is off", why, refs=(REF_CFG,))
