"""``go env`` checks: GOOS/GOARCH overrides and their source, GOTOOLCHAIN.

The values are read where the go command reads them (shell environment, then
the ``go env -w`` file, then ``$GOROOT/go.env``; see goarchlab.doctor.facts), so
a bad value is reported with its source even when it makes ``go env`` itself fail
(``GOARCH=sparc``: "unsupported GOOS/GOARCH pair linux/sparc").
"""

from __future__ import annotations

from collections.abc import Iterator

from goarchlab.doctor import facts, localgo
from goarchlab.doctor.claims import CLAIMS
from goarchlab.doctor.context import Context
from goarchlab.doctor.facts import Setting
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.doctor.toolchain_select import select
from goarchlab.gocmd import levels
from goarchlab.gocmd.version import GoVersion

REF_ENV = "go help environment"
REF_TOOLCHAIN = "go help toolchain; $GOROOT/src/cmd/go/internal/toolchain/select.go"


def unset_fix(settings: list[Setting], shell_text: str) -> Fix:
    """The fix for variables that should not be set: ``go env -u`` (safe, automatic)
    for those in the go env file, a sentence for those set in the shell."""
    in_file = tuple(s.name for s in settings if s.source == facts.SRC_FILE)
    in_shell = [s.name for s in settings if s.source == facts.SRC_SHELL]
    if in_file and not in_shell:
        return Fix(f"go env -u {' '.join(in_file)}", "go-env-unset", in_file)
    if in_file:
        return Fix(f"go env -u {' '.join(in_file)}; and {shell_text}", "go-env-unset", in_file)
    return Fix(shell_text)


def shell_and_file(ctx: Context, name: str) -> list[Setting]:
    """Every explicit setting of ``name``: the shell's and the go env file's (a value in
    the file is masked while the shell sets one, but comes back when the shell's goes)."""
    out = []
    if ctx.env.get(name):
        out.append(Setting(name, ctx.env[name], facts.SRC_SHELL))
    ef = facts.env_file(ctx)
    if ef.values.get(name):
        out.append(Setting(name, ef.values[name], facts.SRC_FILE, str(ef.path)))
    return out


@check("goenv.go-env", "goenv", "'go env -json' of the winning go answers")
def check_go_env(ctx: Context) -> Iterator[Finding]:
    """Run ``go env -json`` once (shared by every check); its failure is one finding."""
    env = facts.go_env(ctx)
    yield Finding("goenv.go-env", "goenv", Severity.OK,
                  f"go env answers: {env.get('GOVERSION', '?')}, GOROOT {env.get('GOROOT', '?')}")


@check("goenv.goarch", "goenv", "GOOS/GOARCH overrides that make every build non-native, "
       "where each comes from, and values Go does not know")
def check_goarch(ctx: Context) -> Iterator[Finding]:
    """Explicit GOOS/GOARCH: unknown to the toolchain (error), non-native (warn)."""
    host = ctx.host
    ident = facts.runnable(ctx)
    explicit = {n: ss for n in ("GOOS", "GOARCH") if (ss := shell_and_file(ctx, n))}
    eff = {n: ss[0] for n, ss in explicit.items()}  # the shell's masks the file's
    goos = eff["GOOS"].value if "GOOS" in eff else ident.goos
    goarch = eff["GOARCH"].value if "GOARCH" in eff else ident.goarch
    all_settings = [s for ss in explicit.values() for s in ss]
    name = str(localgo.toolchain(ctx).name or ident.version)
    if explicit:
        targets = facts.ports(ctx)
        known = {"GOOS": {t.goos for t in targets}, "GOARCH": {t.goarch for t in targets}}
        bad = False
        for n, s in eff.items():
            if s.value not in known[n]:
                bad = True
                yield Finding(
                    f"goenv.{n.lower()}-unknown", "goenv", Severity.ERROR,
                    f"{n}={s.value} is not a {n} that {name} knows",
                    f"{s.origin()}; every build stops with 'unsupported GOOS/GOARCH pair "
                    f"{goos}/{goarch}'. {name} knows: {', '.join(sorted(known[n]))} "
                    "(go tool dist list)",
                    unset_fix(explicit[n], f"unset {n} in your shell profile"),
                    (REF_ENV, "go tool dist list -json"))
        if not bad and (goos, goarch) not in {(t.goos, t.goarch) for t in targets}:
            bad = True
            yield Finding("goenv.goarch-unknown", "goenv", Severity.ERROR,
                          f"{goos}/{goarch} is not a port of {name}",
                          "; ".join(f"{s.name}={s.value} {s.origin()}" for s in eff.values())
                          + ": every build stops with 'unsupported GOOS/GOARCH pair'",
                          unset_fix(all_settings, "unset them in your shell profile"),
                          ("go tool dist list -json",))
        if bad:
            return
    target = f"{goos}/{goarch}"
    native = (goos, goarch) == (host.os, host.native_arch)
    if not explicit:
        if native:
            yield Finding("goenv.goarch", "goenv", Severity.OK,
                          f"builds target {target}, this machine's platform",
                          "GOOS/GOARCH are not set; the default is the toolchain's own platform")
        else:
            yield Finding("goenv.goarch", "goenv", Severity.WARN,
                          f"builds target {target} by default, not this machine's "
                          f"{host.platform}",
                          f"GOOS/GOARCH are not set, so they default to the platform of the "
                          f"toolchain itself ({ident.platform}); see path.go-arch")
        return
    origins = "; ".join(f"{s.name}={s.value} {s.origin()}" for s in all_settings)
    masked = [s for ss in explicit.values() for s in ss[1:]]
    if masked:
        origins += " (the go env file's value applies whenever the shell's is unset)"
    if native:
        yield Finding("goenv.goarch", "goenv", Severity.INFO,
                      f"{' and '.join(eff)} set to this machine's {target}: not needed",
                      origins, unset_fix(all_settings, f"unset {' '.join(eff)} in your shell "
                                                       "profile"), (REF_ENV,))
        return
    how, reason = facts.classify(ctx, goos, goarch)
    if how == "cannot-run":
        runs = "go run and go test cannot run them on this machine"
    else:
        runs = "go run and go test " + reason.replace("runs", "run them", 1)
    assign = " ".join(f"{n}={s.value}" for n, s in eff.items())
    yield Finding(
        "goenv.goarch-override", "goenv", Severity.WARN,
        f"{assign} make{'s' if len(eff) == 1 else ''} every build target "
        f"{target}, not this machine's {host.platform}",
        f"{origins}. Binaries you build are for {target}: {runs}",
        unset_fix(all_settings, f"unset {' '.join(eff)} in your shell profile and set it per "
                                f"command when cross-compiling ({assign} go build)"),
        (REF_ENV,))


@check("goenv.toolchain", "goenv", "GOTOOLCHAIN valid (local, auto, path, goX.Y.Z, "
       "goX.Y.Z+auto, goX.Y.Z+path) and which toolchain it makes go run")
def check_gotoolchain(ctx: Context) -> Iterator[Finding]:
    """Validate GOTOOLCHAIN as select.go does; say what it makes the go command do."""
    s = facts.setting(ctx, "GOTOOLCHAIN", default_from_go_env=False)
    tc = localgo.toolchain(ctx)
    local = tc.version or GoVersion.parse("1.21.0")
    value = s.value or "local"
    sel = select(value, local, None, None)
    if sel.invalid:
        yield Finding("goenv.toolchain", "goenv", Severity.ERROR,
                      f"GOTOOLCHAIN={s.value} is invalid",
                      f"{s.origin()}; every go command stops with 'go: {sel.invalid}'. Valid: "
                      "local, auto, path, a toolchain name such as go1.27.3, optionally "
                      "with +auto or +path",
                      unset_fix(shell_and_file(ctx, "GOTOOLCHAIN"),
                                "unset GOTOOLCHAIN or set it to auto or local"),
                      (REF_TOOLCHAIN,))
        return
    if sel.switches:
        yield Finding("goenv.toolchain", "goenv", Severity.INFO,
                      f"GOTOOLCHAIN={value} runs {sel.toolchain} instead of {tc.name}",
                      f"{s.origin()}; the go on PATH runs {sel.toolchain} for every command: "
                      + ("a program of that name on PATH" if sel.mode == "path" else
                         "a program of that name on PATH, else downloaded (golang.org/toolchain)"),
                      unset_fix(shell_and_file(ctx, "GOTOOLCHAIN"),
                                "unset GOTOOLCHAIN to use the go on PATH"),
                      (REF_TOOLCHAIN,))
        return
    what = {"auto": "when a go.mod or go.work asks for a newer Go, go runs that toolchain "
                    "(a program of that name on PATH, else downloaded)",
            "path": "it switches to a newer toolchain found on PATH (never downloads) when a "
                    "go.mod or go.work asks for one",
            "": "it always runs the go on PATH"}[sel.mode]
    if s.source == facts.SRC_SHIM:
        # shim/main.go: setenv(env, "GOTOOLCHAIN", "local", false) when the shell has none.
        what = ("the shell leaves it unset, so the shim sets it and go never switches "
                "toolchains: it runs the toolchain the shim chose for the directory")
    yield Finding("goenv.toolchain", "goenv", Severity.OK, f"GOTOOLCHAIN={value}",
                  f"{s.origin()}; {what}", refs=(REF_TOOLCHAIN,))


#: Level variables whose invalid value go1.23+ does not stop on: internal/buildcfg keeps
#: one Error and assigns it from the GOARM64 parse, which runs after these two.
_ERASED_SINCE = {"GOAMD64": GoVersion.parse("1.23"), "GOARM": GoVersion.parse("1.23")}
#: Checked by internal/buildcfg at every go command's start, whatever GOARCH is;
#: GO386 is only checked by the compiler, when building for 386.
_CHECKED_AT_START = ("GOAMD64", "GOARM", "GOARM64", "GOMIPS", "GOMIPS64", "GOPPC64",
                     "GORISCV64", "GOWASM")
REF_BUILDCFG = "$GOROOT/src/internal/buildcfg/cfg.go"


@check("goenv.levels", "goenv", "GOAMD64/GOARM64/GOARM/GO386/... valid for the toolchain "
       "version and relevant to its GOARCH (GOARM does nothing for arm64)")
def check_levels(ctx: Context) -> Iterator[Finding]:
    """Each explicitly set level variable: valid for this Go, read by this GOARCH."""
    ident = facts.active(ctx)
    tc = localgo.toolchain(ctx)
    ver = tc.version
    name = tc.name or "this Go"
    ga = shell_and_file(ctx, "GOARCH")
    goarch = ga[0].value if ga else (ident.goarch or "")
    for var, lv in levels.VARS.items():
        settings = shell_and_file(ctx, var)
        if not settings:
            continue
        s = settings[0]
        fix = unset_fix(settings, f"unset {var} in your shell profile")
        bad = levels.validate_level(var, s.value, ver)
        not_read = ver is not None and ver < lv.since
        erased = var in _ERASED_SINCE and ver is not None and ver >= _ERASED_SINCE[var]
        relevant = goarch in lv.goarchs
        if bad and not not_read and not erased and (var in _CHECKED_AT_START or relevant):
            where = "every go command" if var in _CHECKED_AT_START else \
                f"every build for GOARCH={goarch}"
            yield Finding("goenv.levels", "goenv", Severity.ERROR,
                          f"{var}={s.value} is invalid for {name}: {where} fails",
                          f"{s.origin()}; {bad}", fix, (REF_ENV, REF_BUILDCFG))
            continue
        if not relevant:
            yield _irrelevant(var, s, goarch, ver, name, bad if not not_read else None, fix)
            continue
        if not_read:
            yield Finding("goenv.levels", "goenv", Severity.WARN,
                          f"{var}={s.value} is ignored by {name}", f"{s.origin()}; {bad}", fix,
                          (REF_ENV,))
        elif bad:
            yield Finding("goenv.levels", "goenv", Severity.ERROR,
                          f"{var}={s.value} is invalid: {name} quietly builds for the default "
                          f"{var}={lv.default} instead",
                          f"{s.origin()}; {bad}. {name} does not stop on it (its GOARM64 check "
                          f"replaces the error in {REF_BUILDCFG}) and records {var}={s.value} "
                          "in the build info of what it builds", fix, (REF_ENV, REF_BUILDCFG))
        else:
            yield Finding("goenv.levels", "goenv", Severity.OK,
                          f"{var}={s.value}: builds for GOARCH={goarch} use it", s.origin(),
                          refs=(REF_ENV,))


def _irrelevant(var: str, s: Setting, goarch: str, ver: GoVersion | None, name: str,
                bad: str | None, fix: Fix) -> Finding:
    """A level variable the target GOARCH does not read (truthful for ``ver``)."""
    lv = levels.VARS[var]
    own = levels.level_var(goarch)
    if own is None:
        tail = f"GOARCH={goarch} has no level variable"
    elif ver is not None and ver < levels.VARS[own].since:
        tail = (f"GOARCH={goarch} has no level variable in {name} ({own} arrived in "
                f"go{levels.VARS[own].since.major}.{levels.VARS[own].since.minor})")
    else:
        tail = f"the {goarch} variable is {own} ({levels.VARS[own].help})"
    detail = f"{s.origin()}; {var} applies only to GOARCH={'/'.join(lv.goarchs)}: {tail}"
    refs: tuple[str, ...] = (REF_ENV,)
    if var == "GOARM" and goarch == "arm64":
        c = CLAIMS["goarm-arm64"]
        detail = (f"{s.origin()}; GOARM applies only to GOARCH=arm (32-bit: 5, 6, 7): {tail}. "
                  f"Guides claim '{c.claim}': that is false")
        refs = c.refs
    elif bad:
        detail += f". The value is also invalid ({bad}), which {name} does not stop on"
    return Finding("goenv.levels", "goenv", Severity.WARN,
                   f"{var}={s.value} does nothing with GOARCH={goarch}", detail, fix, refs)
