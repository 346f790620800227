"""GOROOT: set in the environment but pointing at another Go than the one on PATH.

The go command finds its own GOROOT from its executable's location, so a
GOROOT variable is only needed for unusual layouts; when it points at another
release, every build fails with ``compile: version "go1.22.10" does not match
go tool version "go1.27.3"``, and at another arch the host tools it needs
(``$GOROOT/pkg/tool/<goos>_<goarch>``) are missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from goarchlab.doctor import facts
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import read_version_file

_UNSET = Fix("unset GOROOT in your shell profile; the go command finds its own root")


def _goroot_setting(ctx: Context) -> facts.Setting | None:
    v = ctx.env.get("GOROOT", "")
    if v:
        return facts.Setting("GOROOT", v, facts.SRC_SHELL)
    ef = facts.env_file(ctx)
    if ef.values.get("GOROOT"):
        return facts.Setting("GOROOT", ef.values["GOROOT"], facts.SRC_FILE, str(ef.path))
    return None


@check("goroot.env", "goroot", "GOROOT set in the environment but pointing at another "
       "version or arch than the go that wins on PATH")
def check_goroot(ctx: Context) -> Iterator[Finding]:
    """Compare an explicit GOROOT with the winning go (version file and headers)."""
    s = _goroot_setting(ctx)
    ident = facts.active(ctx)
    shim_root = ctx.shim_overrides().get("GOROOT")
    if shim_root is not None:
        # The shim always sets GOROOT to the toolchain it runs (shim/main.go:
        # setenv(env, "GOROOT", goroot, true)), so the shell's or file's value never
        # reaches a go command started through it.
        # goenv exec does the same unless GOENV_DISABLE_GOROOT=1 (go-nv/goenv
        # libexec/goenv-exec: export GOROOT="$(goenv-prefix)").
        shim = ctx.path_go().path
        who = ident.go.via
        if s is None:
            yield Finding("goroot.env", "goroot", Severity.OK,
                          f"GOROOT is set by the {who} to {shim_root}",
                          f"{shim} runs {ident.go.path} with its own root")
            return
        fix = _fix(s)
        if who == "goenv shim":
            # goenv init exports GOROOT in the shell and goenv exec again for each
            # command: unsetting it in the profile does not stick; goenv's lever is this.
            fix = Fix("nothing to do while goenv manages GOROOT; to manage it yourself, "
                      "export GOENV_DISABLE_GOROOT=1 before eval \"$(goenv init -)\"")
        yield Finding("goroot.env", "goroot", Severity.INFO,
                      f"GOROOT={s.value} ({s.origin().removeprefix('set ')}) is overridden "
                      f"by the {who}",
                      f"{shim} runs {ident.go.path} with GOROOT={shim_root}, so go commands "
                      f"through the shim use that root; only a go started some other way (an "
                      f"editor's own go path, {s.value}/bin/go) sees {s.value}", fix)
        return
    if s is None:
        own = f" ({ident.goroot})" if ident.goroot else ""
        yield Finding("goroot.env", "goroot", Severity.OK,
                      f"GOROOT is not set; {ident.go.path} uses its own root{own}")
        return
    fix = _fix(s)
    root = Path(s.value)
    if not (root / "bin").is_dir() and not (root / "src").is_dir():
        yield Finding("goroot.env", "goroot", Severity.ERROR,
                      f"GOROOT={s.value} is not a Go installation",
                      f"{s.origin()}; the go command stops with 'cannot find GOROOT "
                      "directory' or finds no standard library", fix)
        return
    theirs = read_version_file(root)
    mine = ident.version
    problems = []
    if theirs and mine and theirs != mine:
        problems.append(f"it holds {theirs} but the go on PATH is {mine}: builds fail with "
                        f"'compile: version \"{theirs}\" does not match go tool version "
                        f"\"{mine}\"'")
    their_plat = _platform_of(ctx, root)
    if their_plat and ident.goos and their_plat != ident.platform:
        problems.append(f"its toolchain is {their_plat} but the go on PATH is "
                        f"{ident.platform}, so the compiler and linker it needs "
                        f"($GOROOT/pkg/tool/{ident.goos}_{ident.goarch}) are missing")
    if problems:
        yield Finding("goroot.env", "goroot", Severity.ERROR,
                      f"GOROOT={s.value} does not match {ident.go.path}",
                      f"{s.origin()}; " + "; ".join(problems), fix)
        return
    same = ident.goroot is not None and root.resolve() == ident.goroot.resolve()
    yield Finding("goroot.env", "goroot", Severity.INFO,
                  f"GOROOT={s.value} is set" + (" to the go's own root" if same else ""),
                  f"{s.origin()}; it matches {ident.go.path} ({mine or theirs}) but is not "
                  "needed: the go command finds its own root", fix)


def _fix(s: facts.Setting) -> Fix:
    # 'go env -u GOROOT' is refused ("GOROOT cannot be modified"): edit the file.
    if s.source == facts.SRC_SHELL:
        return _UNSET
    return Fix(f"delete the GOROOT= line from {s.where}; the go command finds its own root")


def _platform_of(ctx: Context, root: Path) -> str | None:
    """``goos/goarch`` of ``$root/bin/go`` from its headers, or None."""
    go = root / "bin" / "go"
    if not go.is_file():
        go = root / "bin" / "go.exe"
    try:
        info = ctx.inspect(go)
    except GoarchlabError:
        return None
    bi = info.go
    if bi is None or not bi.goos:
        return None
    return f"{bi.goos}/{bi.goarch or info.archs[0]}"
