"""Project checks (area ``project``): go.mod, the toolchain it makes go run,
version-manager pins and ``.env``; the VS Code files are in :mod:`checks_vscode`.

Every go command here runs with ``GOTOOLCHAIN=local``: asking a go command in
a module whose go line is newer than itself would otherwise make it download
another toolchain. The effective GOTOOLCHAIN is read where the go command
reads it (:mod:`localgo`); what the switch would then do is modelled by
:mod:`toolchain_select`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from goarchlab.doctor import facts, toolchain_select
from goarchlab.doctor.context import Context
from goarchlab.doctor.localgo import LocalGo, local_go
from goarchlab.doctor.model import CheckSkipped, Finding, Fix, Severity, check
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion
from goarchlab.toolchains.api import Go

AREA = "project"
#: At most this many .env findings per file: the first lines tell the story.
MAX_DOTENV_FINDINGS = 20


def _go_errors(text: str) -> str:
    """go's error output as lines, the ``go: errors parsing`` header kept."""
    return "\n".join(ln.rstrip() for ln in text.strip().splitlines()[:12])


def _edit_json(ctx: Context, go: Go, kind: str, file: Path) -> dict | Finding:
    """``go mod edit -json`` (or ``go work edit -json``) of ``file`` by ``go``, or the
    finding that quotes go's parse errors."""
    r = ctx.run((str(go.go), kind, "edit", "-json", str(file)),
                env=ctx.go_command_env(), cwd=ctx.project)
    if r.ok:
        try:
            return json.loads(r.stdout)
        except json.JSONDecodeError:
            pass
    msg = _go_errors(r.stderr or r.stdout) or f"go {kind} edit exited {r.returncode}"
    return Finding(
        f"project.{'gomod' if kind == 'mod' else 'gowork'}.parse", AREA, Severity.ERROR,
        f"{file.name} does not parse", msg,
        Fix(f"Fix the lines go names above in {file}; every go command in this module fails "
            "until it parses."),
        refs=(f"go help {kind} edit",))


@check("project.gomod", AREA, "go.mod parses; its go/toolchain lines against the active go "
       "and the effective GOTOOLCHAIN")
def check_gomod(ctx: Context) -> Iterator[Finding]:
    """Parse go.mod with the real go; say which toolchain go will run for it."""
    if ctx.project is None:
        return
    gomod = ctx.project / "go.mod"
    if not gomod.is_file():
        yield Finding("project.gomod.missing", AREA, Severity.WARN,
                      f"no go.mod in {ctx.project}",
                      "go commands here run outside module mode, or in an enclosing module.",
                      Fix(f"Create one with 'go mod init <module path>' in {ctx.project}."))
        return
    lg = local_go(ctx)
    if lg is None:
        return
    mod = _edit_json(ctx, lg.probed, "mod", gomod)
    if isinstance(mod, Finding):
        yield mod
        return
    # select.go reads go.work before go.mod when a workspace is in use.
    file, lines = gomod, mod
    if lg.gowork and lg.gowork != "off" and Path(lg.gowork).is_file():
        work = _edit_json(ctx, lg.probed, "work", Path(lg.gowork))
        if isinstance(work, Finding):
            yield work
            return
        file, lines = Path(lg.gowork), work
    yield from _toolchain_findings(ctx, lg, file, lines.get("Go"), lines.get("Toolchain"))


def _on_path(ctx: Context, name: str) -> Path | None:
    for d in ctx.path_dirs():
        p = Path(d) / name
        if p.is_file():
            return p
    return None


def _toolchain_findings(ctx: Context, lg: LocalGo, file: Path, go_line: str | None,
                        tc_line: str | None) -> Iterator[Finding]:
    go = lg.probed  # local_go returns a probed go only
    refs = (toolchain_select.SOURCE_REF, "https://go.dev/doc/toolchain")
    fid = "project.toolchain"
    active = str(go.version)
    if not go.version.at_least(1, 21):
        yield Finding(fid, AREA, Severity.INFO,
                      f"{active} predates toolchain switching (Go 1.21)",
                      f"It ignores GOTOOLCHAIN; {file.name} says go {go_line}.", refs=refs)
        return
    sel = toolchain_select.select(lg.gotoolchain, go.version, go_line, tc_line, file.name)
    setting = f"GOTOOLCHAIN={lg.gotoolchain}"
    origin = _origin(ctx, "GOTOOLCHAIN")
    if sel.invalid:
        yield Finding(fid + ".invalid", AREA, Severity.ERROR,
                      f"go commands in this module fail: {sel.invalid}",
                      f"The go command checks this at startup ({setting}).",
                      Fix("Set GOTOOLCHAIN to local, auto, path or goX.Y.Z[+auto|+path] "
                          f"and the toolchain line of {file.name} to goX.Y.Z (or remove it)."),
                      refs=refs)
        return
    runs = active if not sel.switches else sel.toolchain
    if sel.too_new:
        quoted = (f"go: {file.name} requires go >= {sel.too_new} (running go "
                  f"{runs.removeprefix('go')}; {setting})")
        yield Finding(fid + ".too-new", AREA, Severity.ERROR,
                      f"{file.name} requires go >= {sel.too_new}; {setting} runs {runs}",
                      f"Every go command in this module fails with: {quoted}",
                      Fix(f"Install Go {sel.too_new} or newer ('goarchlab toolchain install "
                          "<version>') and put it first on PATH, or let go switch toolchains: "
                          f"GOTOOLCHAIN=auto{origin}."), refs=refs)
        return
    if not sel.switches:
        yield Finding(fid, AREA, Severity.OK,
                      f"the active {active} builds this module ({file.name}: go {go_line}"
                      + (f", toolchain {tc_line}" if tc_line else "") + f"; {setting})",
                      refs=refs)
        return
    why = {"go-line": f"its go line {go_line} is newer than {active}",
           "toolchain-line": f"its toolchain line {tc_line} is newer than {active}",
           "gotoolchain": f"{setting} names it"}[sel.reason]
    found = _on_path(ctx, sel.toolchain)
    module = toolchain_select.download_module(sel.toolchain, go.target.goos, go.target.goarch)
    if found is not None:
        how = f"It runs {found}, the program of that name on PATH."
    elif sel.mode == "path":
        yield Finding(fid + ".not-on-path", AREA, Severity.ERROR,
                      f"go needs {sel.toolchain} for this module and {setting} allows only PATH",
                      f"{file.name}: {why}. Every go command fails with: go: cannot find "
                      f'"{sel.toolchain}" in PATH',
                      Fix(f"Install it ('goarchlab toolchain install "
                          f"{sel.toolchain.removeprefix('go')}') under that name on PATH, "
                          "or set GOTOOLCHAIN=auto to let go download it."), refs=refs)
        return
    else:
        how = (f"No program named {sel.toolchain} is on PATH, so go downloads {module} into "
               "the module cache (GOMODCACHE) and runs it.")
    arch_note = ""
    native = _native_arch(ctx)
    if found is None and native and go.target.goarch != native:
        arch_note = (f" That download is for {go.target.goarch}, the arch of the running go, not "
                     f"this machine's {native}.")
    edit = "go work edit" if file.name == "go.work" else "go mod edit"
    if sel.reason == "toolchain-line":
        # The toolchain line is the offending one: without it the go line decides.
        lower = f"drop the toolchain line ('{edit} -toolchain=none')"
    else:
        lower = f"lower the go line ('{edit} -go={go.version.lang.release_name()[2:]}') if " \
                "the code allows"
    sev = Severity.WARN if sel.reason == "go-line" else Severity.INFO
    tv = toolchain_select.version_of_toolchain(sel.toolchain)
    if found is None and tv is not None and toolchain_select.release_status(
            tv, [go.version]) == "unknown":
        # The download of a version that does not exist stops with (go1.27.3, run here):
        # "go: download go1.99.1 for linux/amd64: toolchain not available".
        sev = Severity.ERROR
        how += (f" But {sel.toolchain} is not a known Go release (far newer than {active}), "
                f"so the download fails and every go command here stops with 'go: download "
                f"{sel.toolchain} for {go.target.platform}: toolchain not available'.")
    yield Finding(fid + ".switch", AREA, sev,
                  f"go runs {sel.toolchain}, not the active {active}, in this module",
                  f"{file.name}: {why} and {setting} allows switching. {how}{arch_note}",
                  Fix(f"To build with the active go, {lower}; to use {sel.toolchain} "
                      f"directly, install it with 'goarchlab toolchain install "
                      f"{sel.toolchain.removeprefix('go')}'."), refs=refs)


def _origin(ctx: Context, name: str) -> str:
    """Where a go setting comes from, as a hint for changing it ("" when unknown)."""
    try:
        st = facts.setting(ctx, name, default_from_go_env=False)
    except (CheckSkipped, GoarchlabError):  # a hint only; doctor-core's checks report why
        return ""
    if st.source == facts.SRC_FILE:
        return f" ('go env -w {name}=auto': it is set in {st.where or 'the go env file'})"
    if st.source == facts.SRC_SHELL:
        return " (it is set in the shell environment)"
    return ""


def _native_arch(ctx: Context) -> str | None:
    try:
        return ctx.host.native_arch
    except (GoarchlabError, ImportError):
        return None


#: Who reads each pin file (asdf reads .go-version only with legacy_version_file = yes).
_MANAGERS = {".go-version": "goenv (and asdf or mise, when told to read .go-version)",
             ".tool-versions": "asdf (or mise)"}


def _pins(project: Path) -> Iterator[tuple[str, int, str]]:
    """(file, line, version) of each Go pin of a version manager in the project."""
    gv = project / ".go-version"
    if gv.is_file():
        for i, ln in enumerate(gv.read_text(errors="replace").splitlines(), 1):
            s = ln.split("#", 1)[0].strip()
            if s:
                yield ".go-version", i, s
                break
    tv = project / ".tool-versions"
    if tv.is_file():
        for i, ln in enumerate(tv.read_text(errors="replace").splitlines(), 1):
            parts = ln.split("#", 1)[0].split()
            # asdf's plugin is "golang"; mise also accepts "go". The first version wins.
            if len(parts) >= 2 and parts[0] in ("golang", "go"):
                yield ".tool-versions", i, parts[1]


@check("project.version-pins", AREA, ".go-version and .tool-versions against the active go")
def check_version_pins(ctx: Context) -> Iterator[Finding]:
    """Compare version-manager pins with the go that wins on PATH."""
    if ctx.project is None:
        return
    pins = list(_pins(ctx.project))
    if not pins:
        return
    lg = local_go(ctx)
    if lg is None:
        return
    active = lg.probed.version
    for name, line, text in pins:
        pinned = GoVersion.try_parse(text)
        where = f"{name}:{line}"
        if pinned is None:
            yield Finding("project.version-pins.unknown", AREA, Severity.INFO,
                          f"{where} pins {text!r}, which is not a Go version goarchlab can "
                          f"compare with the active {active}", refs=(name,))
        elif active.matches(pinned):
            yield Finding("project.version-pins", AREA, Severity.OK,
                          f"{where} pins {text}; the active go is {active}")
        else:
            yield Finding("project.version-pins.mismatch", AREA, Severity.WARN,
                          f"{where} pins Go {text} but the go on PATH is {active}",
                          f"{_MANAGERS[name]} would select Go {text} in this directory; "
                          f"{lg.probed.go} does not match it, so the manager's shims are not "
                          "first on PATH or the pin is stale.",
                          Fix(f"Install {text} with your version manager and put its shims "
                              f"first on PATH, or change {name} to "
                              f"{str(active).removeprefix('go')}."))


@check("project.dotenv", AREA, ".env syntax by godotenv rules, with file and line")
def check_dotenv(ctx: Context) -> Iterator[Finding]:
    """Lint the project's .env as github.com/joho/godotenv reads it."""
    if ctx.project is None:
        return
    path = ctx.project / ".env"
    if not path.is_file():
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        yield Finding("project.dotenv.unreadable", AREA, Severity.WARN,
                      f"{path} cannot be read as UTF-8 text: {e}",
                      fix=Fix(f"Save {path.name} as UTF-8."))
        return
    from goarchlab.doctor import dotenv_lint  # only for a project with a .env file

    uses = _requires(ctx.project / "go.mod", "github.com/joho/godotenv")
    issues = dotenv_lint.lint(text, ctx.env)
    refs = (dotenv_lint.GODOTENV_REF,)
    for iss in issues[:MAX_DOTENV_FINDINGS]:
        where = f"{path}:{iss.line}"
        if iss.kind == "syntax":
            detail = (f"Line {iss.line}: {iss.text} -- godotenv.Load stops at the first such "
                      "line and returns an error without setting any variable from the file.")
            yield Finding("project.dotenv.syntax", AREA,
                          Severity.ERROR if uses else Severity.WARN,
                          f"{where}: {iss.message}", detail,
                          Fix(f"Rewrite line {iss.line} as KEY=value (quote values with "
                              "spaces or '#'; comment lines start with '#')."), refs)
        elif iss.kind == "portability":
            yield Finding("project.dotenv.portability", AREA, Severity.INFO,
                          f"{where}: {iss.message}", f"Line {iss.line}: {iss.text}",
                          Fix(f"Write line {iss.line} as KEY=value, which every reader accepts."),
                          refs)
        else:
            yield Finding("project.dotenv.empty-expansion", AREA, Severity.INFO,
                          f"{where}: {iss.message}", f"Line {iss.line}: {iss.text}",
                          Fix("Define the variable above this line or in the environment, "
                              "or single-quote the value to keep '$' literally."), refs)
    if not issues:
        yield Finding("project.dotenv", AREA, Severity.OK, f"{path} parses by godotenv rules",
                      refs=refs)


def _requires(gomod: Path, module: str) -> bool:
    """True when go.mod's text names ``module`` (a require or replace line)."""
    try:
        return module in gomod.read_text(errors="replace")
    except OSError:
        return False
