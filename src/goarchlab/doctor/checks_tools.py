"""Tool checks (area ``tools``): gopls, dlv, staticcheck, golangci-lint and VS Code.

For each tool: where it is (PATH, and GOBIN or GOPATH/bin where ``go install``
puts it), how its binary runs on this host (from its headers, never by running
it), and for the tools that type-check Go code the Go version they were built
with against the active toolchain. Why that version matters, from the sources:

* ``$GOROOT/src/go/types/check.go``: a go/types built with go1.N reports
  ``package requires newer Go version go1.M (application built with go1.N)``
  for a package whose language version is newer, and ``file requires newer Go
  version`` for a file whose build tag is; a newer toolchain's own standard
  library can have such files (go1.27.3's ``src/vendor/golang.org/x/net/idna/
  tables17.0.0.go`` is ``//go:build go1.27``).
* golang.org/x/tools ``go/packages``: a loader built with go1.N that runs a
  newer ``go list`` adds ``This application uses version go1.N of the
  source-processing packages but runs version go1.M of 'go list'. It may fail
  to process source files that rely on newer language features.``
* golangci-lint (PR golangci/golangci-lint#4938) refuses outright: ``the Go
  language version (go1.N) used to build golangci-lint is lower than the
  targeted Go version``. gopls documents that only the latest Go is supported
  as its build version (gopls/doc/index.md, "Supported Go versions").

Delve reads the *debugged* program's Go version, not its own build's, so dlv
gets no version finding.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from goarchlab.doctor import archfit
from goarchlab.doctor.context import Context
from goarchlab.doctor.facts import is_script
from goarchlab.doctor.localgo import LocalGo, local_go
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion

AREA = "tools"

#: tool -> how to (re)install it with the active go.
INSTALL = {
    "gopls": "go install golang.org/x/tools/gopls@latest",
    "dlv": "go install github.com/go-delve/delve/cmd/dlv@latest",
    "staticcheck": "go install honnef.co/go/tools/cmd/staticcheck@latest",
    "golangci-lint": ("install a release binary (https://golangci-lint.run/welcome/install/) "
                      "or 'go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
                      "@latest'"),
}
#: Tools that type-check Go source with go/types and so must be built with a Go at least
#: as new as the code they read.
ANALYSERS = ("gopls", "staticcheck", "golangci-lint")
REFS = {
    "version": ("$GOROOT/src/go/types/check.go (TooNew)",
                "golang.org/x/tools/go/packages/packages.go",
                "https://go.dev/gopls#supported-go-versions",
                "https://github.com/golangci/golangci-lint/pull/4938"),
    "code": ("https://github.com/microsoft/vscode/blob/main/resources/darwin/bin/code.sh",
             "https://github.com/microsoft/vscode/pull/291948"),
}


def _find(ctx: Context, name: str) -> list[Path]:
    """Every ``name`` on PATH, in PATH order (the first one runs)."""
    hits: list[Path] = []
    for d in ctx.path_dirs():
        p = Path(d) / name
        if p.is_file() and p not in hits:
            hits.append(p)
    return hits


def _install_dirs(lg: LocalGo | None, env: dict[str, str]) -> list[Path]:
    """Where ``go install`` puts binaries: GOBIN, else the bin of the first GOPATH entry."""
    if lg is not None and lg.gobin:
        return [Path(lg.gobin)]
    gopath = (lg.gopath if lg is not None else "") or env.get("GOPATH", "")
    first = gopath.split(os.pathsep)[0] if gopath else ""
    if not first and env.get("HOME"):
        first = str(Path(env["HOME"]) / "go")
    return [Path(first) / "bin"] if first else []


#: Delve checks sysctl.proc_translated at start and stops: go-delve/delve
#: pkg/proc/macutil/rosetta_darwin.go (CheckRosetta).
DELVE_ROSETTA = ("Delve refuses to start under Rosetta 2: it stops with 'can not run under "
                 "Rosetta, check that the installed build of Go is right for your CPU "
                 "architecture' (go-delve/delve pkg/proc/macutil/rosetta_darwin.go, "
                 "CheckRosetta), so there is no debugging with it at all")


def _translated_effect(ctx: Context, tool: str, mode: str) -> str:
    """The sentence saying what running translated does to ``tool`` ("" when it cannot run)."""
    if mode != "translated":
        return ""
    if tool == "dlv" and ctx.host.os == "darwin":
        return " " + DELVE_ROSETTA + "."
    # Every instruction of a translated program goes through the translator (Rosetta 2
    # or QEMU user-mode), so the tool is slower than a native build of it.
    return " Everything it does is slowed by translation."


def _fit_finding(ctx: Context, tool: str, shown: Path, exe: Path) -> tuple[Finding | None, object]:
    """(a finding when ``exe`` does not run natively or cannot be read, BinaryInfo or None)."""
    try:
        info = ctx.inspect(exe)
    except GoarchlabError as e:
        return Finding(f"tools.{tool}.unreadable", AREA, Severity.WARN,
                       f"{shown} is not an executable goarchlab can read: {e.message}",
                       fix=Fix(f"Reinstall {tool}: {INSTALL.get(tool, 'see its docs')}.")), None
    f = archfit.fit(info, ctx.host)
    if f.mode == "native":
        return None, info
    title = (f"{shown} runs translated ({'+'.join(info.archs)} on "
             f"{ctx.host.platform})" if f.mode == "translated"
             else f"{shown} cannot run on this machine")
    where = "" if exe == shown else f" ({exe})"
    return Finding(
        f"tools.{tool}.{f.mode}", AREA, Severity.ERROR, title,
        f"{tool}{where}: {f.reason}." + _translated_effect(ctx, tool, f.mode),
        Fix(f"Install a {ctx.host.os}/{ctx.host.native_arch} build: "
            + (INSTALL[tool] + " with a native go first on PATH" if tool in INSTALL
               else "download the build for your machine's architecture") + "."),
    ), info


def _version_finding(tool: str, shown: Path, built: str, lg: LocalGo) -> Finding | None:
    bv = GoVersion.try_parse(built)
    if bv is None or tool not in ANALYSERS:
        return None
    active = lg.probed.version
    if bv.lang >= active.lang:
        return None
    n, m = bv.lang, active.lang
    extra = ""
    if tool == "golangci-lint":
        extra = (f" golangci-lint itself refuses modules that target a newer Go: 'the Go "
                 f"language version ({n}) used to build golangci-lint is lower than the "
                 "targeted Go version'.")
    return Finding(
        f"tools.{tool}.old-go", AREA, Severity.WARN,
        f"{shown} was built with {built}, older than the active {active}",
        f"Its go/types knows Go only up to {n}: packages and files that need {m} (the "
        f"active toolchain's own standard library can have such files) get 'requires newer Go "
        f"version {m}' errors, to which go/packages adds that it 'uses version {n} of the "
        f"source-processing packages but runs version {m} of 'go list''.{extra}",
        Fix(f"Rebuild it with the active go: {INSTALL[tool]}."), REFS["version"])


@check("tools.dev", AREA, "gopls, dlv, staticcheck, golangci-lint: found, native, and built "
       "with a Go at least as new as the active one")
def check_dev_tools(ctx: Context) -> Iterator[Finding]:
    """Audit each Go developer tool on PATH and in the go install directory."""
    lg = local_go(ctx)
    installed_in = _install_dirs(lg, ctx.env)
    for tool in INSTALL:
        on_path = _find(ctx, tool)
        elsewhere = [d / tool for d in installed_in if (d / tool).is_file()
                     and (d / tool) not in on_path]
        if not on_path:
            if elsewhere:
                yield Finding(f"tools.{tool}.not-on-path", AREA, Severity.WARN,
                              f"{tool} is installed at {elsewhere[0]} but that directory is "
                              "not on PATH",
                              "Editors and shells look tools up on PATH and will not find it.",
                              Fix(f"Add {elsewhere[0].parent} to PATH."))
            else:
                yield Finding(f"tools.{tool}.missing", AREA, Severity.INFO,
                              f"{tool} is not installed", fix=Fix(INSTALL[tool] + "."))
            continue
        shown = on_path[0]
        exe = shown.resolve()
        if is_script(exe):
            yield Finding(f"tools.{tool}.script", AREA, Severity.INFO,
                          f"{shown} is a script (a version-manager shim?), not inspected",
                          "goarchlab reads binaries' headers and does not run scripts.")
            continue
        bad, info = _fit_finding(ctx, tool, shown, exe)
        if bad is not None:
            yield bad
        if info is None:
            continue
        go = info.go
        if go is not None and lg is not None:
            vf = _version_finding(tool, shown, go.go_version, lg)
            if vf is not None:
                yield vf
        for other in elsewhere:
            yield Finding(f"tools.{tool}.shadowed", AREA, Severity.INFO,
                          f"{shown} shadows {other}",
                          f"PATH runs {shown}; 'go install' updates {other}.",
                          Fix(f"Put {other.parent} before {shown.parent} on PATH, or remove "
                              f"one of the two."))
        if bad is None:
            built = f", built with {go.go_version}" if go is not None else ""
            ver = f" {go.main_version}" if go is not None and go.main_version else ""
            yield Finding(f"tools.{tool}", AREA, Severity.OK,
                          f"{tool}{ver} at {shown}: {'+'.join(info.archs)}, native{built}")


def bundle_executable(code: Path) -> Path | None:
    """The real executable behind a VS Code ``code`` launcher script, or None.

    macOS: the launcher is ``<X>.app/Contents/Resources/app/bin/code``; like the
    script itself (resources/darwin/bin/code.sh) the app bundle is the path up
    to the first ``.app`` directory, and its executable is Info.plist's
    CFBundleExecutable (``Electron`` up to VS Code 1.109, ``Code`` after
    microsoft/vscode#291948), else ``Contents/MacOS/Code`` or ``Electron``.
    Linux: ``<dir>/bin/code`` runs ``<dir>/code`` (resources/linux/bin/code.sh).
    """
    resolved = code.resolve()
    parts = resolved.parts
    for i, part in enumerate(parts):
        if part.endswith(".app"):
            contents = Path(*parts[: i + 1]) / "Contents"
            names: list[str] = []
            import plistlib  # only for a VS Code .app bundle (macOS)
            from xml.parsers.expat import ExpatError

            try:
                with (contents / "Info.plist").open("rb") as f:
                    name = plistlib.load(f).get("CFBundleExecutable")
                if isinstance(name, str):
                    names.append(name)
            except (OSError, ValueError, ExpatError):  # InvalidFileException is a ValueError
                pass
            names += ["Code", "Electron"]
            for n in names:
                exe = contents / "MacOS" / n
                if exe.is_file():
                    return exe
            return None
    if resolved.parent.name == "bin":
        for n in ("code", "Code"):
            exe = resolved.parent.parent / n
            if exe.is_file() and not is_script(exe):
                return exe
    return None if is_script(resolved) else resolved


@check("tools.editor", AREA, "VS Code (code): found, and its real executable native")
def check_editor(ctx: Context) -> Iterator[Finding]:
    """Find ``code`` on PATH and inspect the application it launches."""
    hits = _find(ctx, "code")
    if not hits:
        yield Finding("tools.code.missing", AREA, Severity.INFO,
                      "VS Code's 'code' command is not on PATH",
                      fix=Fix("In VS Code run 'Shell Command: Install 'code' command in PATH' "
                              "from the Command Palette (macOS), or install the code package."),
                      refs=REFS["code"])
        return
    shown = hits[0]
    exe = bundle_executable(shown)
    if exe is None:
        yield Finding("tools.code.unresolved", AREA, Severity.INFO,
                      f"{shown} is a launcher script whose application goarchlab did not find",
                      f"It resolves to {shown.resolve()}.", refs=REFS["code"])
        return
    bad, info = _fit_finding(ctx, "code", shown, exe)
    if bad is not None:
        yield Finding(bad.id, AREA, bad.severity, bad.title, bad.detail,
                      Fix(f"Download the {ctx.host.os} build of VS Code for "
                          f"{ctx.host.native_arch} (or the universal one) from "
                          "https://code.visualstudio.com/download and replace this one."),
                      REFS["code"])
    elif info is not None:
        yield Finding("tools.code", AREA, Severity.OK,
                      f"VS Code at {exe}: {'+'.join(info.archs)}, runs natively",
                      f"'code' on PATH is {shown}.", refs=REFS["code"])
