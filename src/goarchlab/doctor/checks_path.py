"""PATH checks: which ``go`` wins, what it shadows, and how it runs on this host.

The winning go is judged from its headers (goarchlab.binary.inspect), so a
binary for another OS is reported without being executed; only a wrapper
script, or a file without Go build info, is asked ``go version``.
"""

from __future__ import annotations

from collections.abc import Iterator

from goarchlab.doctor import facts
from goarchlab.doctor.context import Context, GoOnPath
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.errors import GoarchlabError, ProcTimeout
from goarchlab.gocmd.version import GoVersion

#: The command that installs a toolchain for this machine's own OS/arch (the default of
#: ``goarchlab toolchain install``).
INSTALL_HINT = "goarchlab toolchain install"


def _installed_native(ctx: Context, version: str):
    """The goarchlab-managed toolchain of ``version`` for this machine's own platform, or
    None (none installed, or the store cannot be read)."""
    from goarchlab.home import goarchlab_home
    from goarchlab.toolchains.api import installed as installed_in

    want = GoVersion.try_parse(version)
    if want is None:
        return None
    try:
        installed = installed_in(goarchlab_home(ctx.env), ctx.native_platform())
    except (GoarchlabError, OSError):
        return None
    return next((t for t in installed if t.version == want), None)


def _install_fix(ctx: Context, version: str | None = None) -> Fix:
    try:
        plat = ctx.host.platform
    except GoarchlabError:
        plat = "this machine"
    ver = version.removeprefix("go") if version else "latest"
    have = _installed_native(ctx, version) if version else None
    if have is not None:
        # Already installed natively: point at it instead of installing it again.
        return Fix(f"a {plat} {have.version} is already installed ({have.goroot}): run "
                   f"'goarchlab toolchain use {ver}' and put goarchlab's shims first on PATH "
                   "(eval \"$(goarchlab shell-init bash)\", or zsh/fish), or put "
                   f"{have.goroot / 'bin'} first on PATH")
    return Fix(f"install a {plat} toolchain with '{INSTALL_HINT} {ver}' (or from go.dev/dl) "
               "and put its bin directory first on PATH")


@check("path.go", "path", "every go on PATH in order: which one wins, shadowed installs, "
       "broken entries")
def check_go_on_path(ctx: Context) -> Iterator[Finding]:
    """List the go binaries on PATH; error when none is usable."""
    found = ctx.go_binaries()
    winner = ctx.path_go()
    for g in found:
        if g.problem is None:
            continue
        # The shell skips directories and non-executables when it searches PATH,
        # so these never run; a broken link is still worth cleaning up.
        sev = Severity.INFO if g.problem.startswith("a directory") else Severity.WARN
        yield Finding("path.go", "path", sev, f"{g.path} on PATH is {g.problem}",
                      "the shell skips it when it looks for go",
                      Fix(f"remove {g.path} or take {g.path.parent} off PATH"))
    if winner is None:
        where = "; ".join(str(g.path) for g in found) or "none of the PATH directories has one"
        yield Finding("path.go", "path", Severity.ERROR, "no usable go on PATH",
                      f"looked in {len(ctx.path_dirs())} PATH directories: {where}",
                      _install_fix(ctx))
        return
    detail = f"resolves to {winner.resolved}" if winner.resolved != winner.path else ""
    shim = ctx.shim_target(winner)
    if shim is not None:
        detail = "; ".join(x for x in (detail, _shim_note(ctx, shim)) if x)
    elif (m := ctx.manager_target(winner)) is not None:
        detail = "; ".join(x for x in (detail, f"a {m[0].name} shim: in "
                                       f"{ctx.project or ctx.cwd} it runs {m[1]} (asked with "
                                       f"'{m[0].name} which go')") if x)
    if len(found) > 1:
        order = "; ".join(f"{i}. {g.path}" + (" (wins)" if g is winner else
                                               f" ({g.problem})" if g.problem else
                                               " (the same file)" if g.resolved ==
                                               winner.resolved else " (shadowed)")
                          for i, g in enumerate(found, 1))
        detail = "; ".join(x for x in (detail, f"PATH order: {order}") if x)
    yield Finding("path.go", "path", Severity.OK, f"go on PATH: {winner.path}", detail)
    for g in found:
        if g.problem is not None or g.index <= winner.index:
            continue
        if g.resolved == winner.resolved:
            continue  # the same file reached through another PATH entry
        yield _shadowed(ctx, g, winner)


def _shim_note(ctx: Context, t) -> str:
    """What a goarchlab shim runs in the audited directory, for the path.go detail."""
    where = ctx.project or ctx.cwd
    asked = f"Go {t.choice.value}{' or newer' if t.choice.minimum else ''}"
    if t.toolchain is None:
        # shim/main.go handOver: 'goarchlab toolchain exec' installs it, or stops.
        return (f"a goarchlab shim: in {where} it runs {asked} (chosen by {t.choice.where}), "
                "which is not installed: the first go command through it tries to install "
                "it (see toolchains.active)")
    return (f"a goarchlab shim: in {where} it runs {t.toolchain.go} ({t.toolchain.version}, "
            f"chosen by {t.choice.where})")


def _shadowed(ctx: Context, g: GoOnPath, winner: GoOnPath) -> Finding:
    """An INFO finding for a go that never runs because ``winner`` comes first.

    Only its headers are read: a shadowed go is never executed by doctor.
    """
    what = ""
    would = ""
    target = g.resolved or g.path
    try:
        info = ctx.inspect(target)
        bi = info.go
        if bi is not None:
            plat = f"{bi.goos or '?'}/{bi.goarch or info.archs[0]}"
            what = f" ({bi.go_version} {plat})"
            # A universal Mach-O: the kernel would pick the native slice.
            arch = ctx.host.native_arch if ctx.host.native_arch in info.archs else (
                bi.goarch or info.archs[0])
            _how, reason = facts.classify(ctx, bi.goos, arch)
            would = ("; first on PATH it would " + reason.replace("runs", "run", 1)
                     if reason.startswith("runs") else "; first on PATH it could not run: "
                     + reason.removeprefix("cannot run here: "))
    except GoarchlabError:
        from goarchlab.doctor.version_managers import recognise

        m = recognise(g.path, g.resolved, ctx.env)
        what = f" (a {m.name} shim)" if m else " (not a binary goarchlab can read)"
    return Finding("path.go", "path", Severity.INFO, f"shadowed: {g.path}{what}",
                   f"it never runs because {winner.path} comes earlier on PATH{would}",
                   Fix(f"reorder PATH if you meant to use {g.path}, or remove that install"))


@check("path.go-arch", "path", "the winning go's OS/arch against the host: native, "
       "translated (binfmt/QEMU, Rosetta 2) or unable to run")
def check_go_arch(ctx: Context) -> Iterator[Finding]:
    """Judge how the winning go runs here; a go that hangs or prints garbage is a finding."""
    winner = ctx.active_go()
    if winner is None:
        on_path = ctx.path_go()
        shim = ctx.shim_target(on_path) if on_path is not None else None
        if shim is not None:
            yield Finding("path.go-arch", "path", Severity.INFO,
                          f"{on_path.path} is a goarchlab shim whose Go {shim.choice.value} "
                          "is not installed yet",
                          f"asked by {shim.choice.where}; the first go command through the "
                          "shim tries to install it (see toolchains.active), so there is no go "
                          "to judge yet")
        return
    try:
        ident = facts.identify(ctx, winner)
    except ProcTimeout as e:
        yield Finding("path.go-arch", "path", Severity.ERROR,
                      f"{winner.path} did not answer 'go version' within {e.timeout:g} s",
                      "it hangs (a broken wrapper script, or waiting for input) and every go "
                      "command through it will too",
                      Fix(f"fix or remove {winner.path}; raise doctor's --timeout if it is "
                          "only slow"))
        return
    except GoarchlabError as e:
        yield Finding("path.go-arch", "path", Severity.ERROR,
                      f"{winner.path} is not a working go command", e.message,
                      Fix(e.hint or f"remove {winner.path} from PATH"))
        return
    kind = "wrapper script for " if ident.script else ""
    what = f"{kind}{ident.version or 'an unknown version'} {ident.platform}"
    if winner.shim is not None:
        what += f", run by the {winner.via} {winner.shim}"
    if ident.how == "native":
        yield Finding("path.go-arch", "path", Severity.OK,
                      f"{winner.path} {ident.reason}", what)
        return
    if ident.how == "translated":
        detail = (f"{what}: every go command runs under emulation, and unless GOARCH is "
                  f"set builds default to GOARCH={ident.goarch} (the toolchain's own arch), "
                  "so the programs you build and test run translated too")
    else:
        detail = (f"{what}: the kernel refuses to start it ('exec format error'), so every "
                  "go command fails")
    yield Finding("path.go-arch", "path", Severity.ERROR, f"{winner.path} {ident.reason}",
                  detail, _install_fix(ctx, ident.version))
