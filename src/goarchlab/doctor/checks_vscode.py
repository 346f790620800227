"""VS Code project files (area ``project``): ``.vscode/launch.json`` and ``settings.json``.

A launch configuration of type ``go`` whose ``env`` sets GOARCH (or GOOS) makes
the Go extension build the debuggee for that target; ``dlvToolPath`` (a
launch attribute) and ``go.alternateTools`` (a setting) name the dlv/gopls/go
binaries the extension runs instead of the ones on PATH, and
``go.toolsEnvVars`` is the environment the extension gives those tools.
Binaries named there are inspected like the tools on PATH.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from goarchlab.doctor import archfit, facts
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.errors import GoarchlabError

AREA = "project"
REFS = ("https://github.com/golang/vscode-go/blob/master/docs/debugging.md",
        "https://github.com/golang/vscode-go/blob/master/docs/settings.md")


def _load(path: Path) -> tuple[Any, Finding | None]:
    """The parsed file, or the finding that says where its syntax breaks."""
    from goarchlab.doctor import jsonc  # only for a project with VS Code settings

    try:
        return jsonc.loads(path.read_text(encoding="utf-8")), None
    except jsonc.JsoncError as e:
        return None, Finding(
            "project.vscode.syntax", AREA, Severity.WARN,
            f"{path}:{e.line}:{e.col}: {e.message}",
            f"{path.name} is not valid JSON with comments (the dialect VS Code reads) "
            f"at line {e.line}, column {e.col}.",
            Fix(f"Fix the syntax at line {e.line}, column {e.col} of {path}."), REFS)
    except (OSError, UnicodeDecodeError) as e:
        return None, Finding("project.vscode.unreadable", AREA, Severity.WARN,
                             f"{path} cannot be read: {e}", fix=Fix(f"Save {path} as UTF-8."))


def _expand(value: str, project: Path, env: dict[str, str]) -> Path:
    """A path as VS Code would substitute it: ${workspaceFolder}, ${env:X}, ~."""
    v = value.replace("${workspaceFolder}", str(project)).replace("${workspaceRoot}",
                                                                  str(project))
    while "${env:" in v:
        start = v.index("${env:")
        end = v.find("}", start)
        if end < 0:
            break
        v = v[:start] + env.get(v[start + 6:end], "") + v[end + 1:]
    if v.startswith("~"):
        v = env.get("HOME", "~") + v[1:]
    p = Path(v)
    return p if p.is_absolute() else project / p


def _env_findings(ctx: Context, where: str, env: Any, what: str) -> Iterator[Finding]:
    """GOARCH/GOOS in an env block against this host."""
    if not isinstance(env, dict):
        return
    try:
        host = ctx.host
    except (GoarchlabError, ImportError):
        return
    goarch, goos = env.get("GOARCH"), env.get("GOOS")
    if isinstance(goarch, str) and goarch and goarch != host.native_arch:
        # The arch alone (GOOS is judged below): native (a 32-bit mode), translated, or not.
        _how, fate = facts.classify(ctx, host.os, goarch)
        yield Finding(
            "project.vscode.goarch", AREA, Severity.WARN,
            f"{where} sets GOARCH={goarch} for {what}",
            f"Builds for {what} target {goarch}, not this {host.native_arch} machine's native "
            f"arch, so the program {fate}.",
            Fix(f'Remove "GOARCH" from that env block (or set it to "{host.native_arch}").'),
            REFS)
    if isinstance(goos, str) and goos and goos != host.os:
        yield Finding(
            "project.vscode.goos", AREA, Severity.WARN, f"{where} sets GOOS={goos} for {what}",
            f"Builds for {what} target {goos}; this machine runs {host.os}, so the program "
            "cannot run here.",
            Fix(f'Remove "GOOS" from that env block (or set it to "{host.os}").'), REFS)


def _tool_findings(ctx: Context, where: str, tool: str, value: Any) -> Iterator[Finding]:
    """Inspect a binary a VS Code file names and say how it runs here."""
    if not isinstance(value, str) or not value.strip() or ctx.project is None:
        return
    path = _expand(value.strip(), ctx.project, ctx.env)
    if "/" not in value and "\\" not in value and "$" not in value:
        return  # a bare command name: looked up on PATH, which the tools checks cover
    if not path.is_file():
        yield Finding("project.vscode.tool-missing", AREA, Severity.WARN,
                      f"{where} names {tool} at {path}, which does not exist",
                      fix=Fix(f"Point it at an installed {tool} or remove the setting."),
                      refs=REFS)
        return
    try:
        info = ctx.inspect(path)
        host = ctx.host
    except GoarchlabError as e:
        yield Finding("project.vscode.tool-unreadable", AREA, Severity.WARN,
                      f"{where} names {tool} at {path}, which is not an executable goarchlab "
                      f"can read: {e.message}",
                      fix=Fix(f"Point it at a {tool} built for this machine."), refs=REFS)
        return
    f = archfit.fit(info, host)
    if f.mode == "native":
        yield Finding("project.vscode.tool", AREA, Severity.OK,
                      f"{where}: {tool} {path} runs natively ({f.arch})")
        return
    yield Finding(
        f"project.vscode.tool-{f.mode}", AREA, Severity.ERROR,
        f"{where} names a {tool} that "
        + ("runs translated" if f.mode == "translated" else "cannot run here"),
        f"{path}: {f.reason}.",
        Fix(f"Rebuild it for {host.os}/{host.native_arch} ('go install' with a native go) "
            "and point the setting at it, or remove the setting to use the one on PATH."),
        REFS)


def _json_type(v: Any) -> str:
    """The JSON name of a decoded value's type (a number, an object ...)."""
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return f"a number ({v})"
    return {str: "a string", dict: "an object"}.get(type(v), type(v).__name__)


@check("project.vscode", AREA, ".vscode/launch.json and settings.json: syntax, GOARCH "
       "overrides, dlv/gopls binaries of the wrong arch")
def check_vscode(ctx: Context) -> Iterator[Finding]:
    """Read the project's VS Code files the way VS Code does and audit the Go parts."""
    if ctx.project is None:
        return
    vdir = ctx.project / ".vscode"
    launch = vdir / "launch.json"
    if launch.is_file():
        data, bad = _load(launch)
        if bad is not None:
            yield bad
        elif isinstance(data, dict):
            confs = data.get("configurations")
            if confs is not None and not isinstance(confs, list):
                # VS Code shows no debug configuration at all then, and says little.
                yield Finding("project.vscode.launch-invalid", AREA, Severity.WARN,
                              f"{launch}: \"configurations\" is {_json_type(confs)}, "
                              "not a list", "VS Code offers none of its debug configurations",
                              Fix('make it a list: "configurations": [{...}, ...]'), REFS)
            for i, conf in enumerate(confs if isinstance(confs, list) else []):
                if not isinstance(conf, dict) or conf.get("type") != "go":
                    continue
                name = conf.get("name") or f"#{i + 1}"
                where = f"{launch} configuration {name!r}"
                yield from _env_findings(ctx, where, conf.get("env"), "the debugged program")
                yield from _tool_findings(ctx, f"{where} dlvToolPath", "dlv",
                                          conf.get("dlvToolPath"))
    settings = vdir / "settings.json"
    if settings.is_file():
        data, bad = _load(settings)
        if bad is not None:
            yield bad
        elif isinstance(data, dict):
            yield from _env_findings(ctx, f"{settings} go.toolsEnvVars",
                                     data.get("go.toolsEnvVars"),
                                     "the go commands and tools the extension runs")
            alt = data.get("go.alternateTools")
            if isinstance(alt, dict):
                for tool in ("dlv", "gopls", "go"):
                    yield from _tool_findings(ctx, f"{settings} go.alternateTools.{tool}",
                                              tool, alt.get(tool))

