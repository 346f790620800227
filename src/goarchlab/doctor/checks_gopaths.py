"""``go env`` checks: GOFLAGS, the directories go writes to, and module fetching.

GOFLAGS is split the way ``cmd/go/internal/base.InitGOFLAGS`` does (with
``cmd/internal/quoted.Split``: space-separated, quotes only around a whole
entry), so a value the go command rejects is named before a build fails on it.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from goarchlab.doctor import facts, gohelp
from goarchlab.doctor.checks_goenv import REF_ENV, shell_and_file, unset_fix
from goarchlab.doctor.claims import CLAIMS
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.targets import QuoteError, split_quoted


def flag_name(field: str) -> str | None:
    """The name of a GOFLAGS entry (``-mod=mod`` -> ``mod``), or None when the entry is
    not a flag by InitGOFLAGS' rule (must be -x, --x, -x=v or --x=v)."""
    if (not field.startswith("-") or field in ("-", "--") or field.startswith("---")
            or field.startswith("-=") or field.startswith("--=")):
        return None
    name = field[1:].removeprefix("-")
    return name.split("=", 1)[0]


_HELP_FLAG = re.compile(r"^\t-([A-Za-z][\w.-]*)", re.M)


def _known_flags(ctx: Context, topic: str) -> set[str]:
    """Flag names listed by ``go help <topic>`` of the winning go (asked once per
    binary: goarchlab.doctor.gohelp caches the text)."""
    ident = facts.runnable(ctx)
    text = gohelp.help_text(ctx, ident.go.path, topic)
    return set(_HELP_FLAG.findall(text)) if text is not None else set()


def _go_list_probe(ctx: Context) -> str | None:
    """Run ``go list .`` with the audited GOFLAGS in a throw-away one-package module and
    return go's error text when it fails, else None: the go command itself says what a
    flag that go build ignores does to go list (base.SetFromGOFLAGS gives every command
    the GOFLAGS entries it knows; InitGOFLAGS rejects only names no command knows)."""
    ident = facts.runnable(ctx)
    with tempfile.TemporaryDirectory(prefix="goarchlab-goflags-") as d:
        # No go line: go reads it as go 1.16 and runs any toolchain without a switch.
        Path(d, "go.mod").write_text("module goarchlab.example/probe\n")
        Path(d, "p.go").write_text("package probe\n")
        r = ctx.run((str(ident.go.path), "list", "."), env=ctx.go_command_env(), cwd=Path(d))
    if r.ok:
        return None
    return (r.stderr or r.stdout).strip().splitlines()[0] if (r.stderr or r.stdout).strip() \
        else f"exit {r.returncode}"


def _gcflags_claim(fields: list[str]) -> str | None:
    """The -gcflags entry that applies the '-l -m vectorises' claim, if any."""
    for f in fields:
        if f.startswith(("-gcflags=", "--gcflags=")):
            val = f.split("=", 1)[1]
            val = val.split("=", 1)[1] if re.match(r"^[\w./*-]+=", val) else val
            if {"-l", "-m"} & set(split_quoted(val.strip("'\"")) if val else []):
                return f
    return None


@check("goenv.goflags", "goenv", "GOFLAGS parses as the go command splits it, each entry a "
       "known flag; the '-gcflags=-l -m vectorises' claim")
def check_goflags(ctx: Context) -> Iterator[Finding]:
    """Split GOFLAGS like InitGOFLAGS and judge each entry."""
    settings = shell_and_file(ctx, "GOFLAGS")
    if not settings:
        return
    s = settings[0]
    fix_all = unset_fix(settings, "unset GOFLAGS in your shell profile")
    try:
        fields = split_quoted(s.value)
    except QuoteError as e:
        yield Finding("goenv.goflags", "goenv", Severity.ERROR,
                      f"GOFLAGS does not parse: {e}",
                      f"GOFLAGS={s.value!r} {s.origin()}; every go command except go env and "
                      f"go bug stops with 'go: parsing $GOFLAGS: {e}'", fix_all, (REF_ENV,))
        return
    bad = []
    flag_names = [flag_name(f) for f in fields]
    # InitGOFLAGS stops on a non-flag or an unknown flag name; a name with a quote in it
    # (the "-m'" of -gcflags='-l -m') is never a flag. A quote inside an entry whose name
    # is a flag is not rejected: go keeps the quote as part of the value.
    rejected = any(n is None or "'" in n or '"' in n for n in flag_names)
    quoted = []
    for f, name in zip(fields, flag_names, strict=True):
        if not f:
            # go1.22 and go1.27: base.SetFromGOFLAGS slices the empty name and panics.
            bad.append("an empty entry ('' or \"\") is not a flag, and go env itself crashes "
                       "on it (panic: slice bounds out of range)")
        elif name is None:
            bad.append(f"'{f}' is not a flag: each entry must be -flag or -flag=value")
        elif "'" in f or '"' in f:
            why = (f"'{f}' has a quote inside: quotes only group a whole entry "
                   "(write '-gcflags=-l -m', not -gcflags='-l -m')")
            (bad if rejected else quoted).append(why)
    # What the user meant, read as a shell would, to recognise the guide's claim
    # even when its quoting broke GOFLAGS.
    meant = fields
    if bad or quoted:
        import shlex  # only here: ~0.4 ms of CPU that a plain GOFLAGS does not need

        try:
            meant = shlex.split(s.value)
        except ValueError:
            meant = fields
    claimed = _gcflags_claim(meant)
    if claimed:
        rest = [f for f in meant if f != claimed]
        in_file = [x for x in settings if x.source == facts.SRC_FILE]
        if in_file and not rest:
            fix_all = Fix("go env -u GOFLAGS", "go-env-unset", ("GOFLAGS",))
        elif in_file:
            value = " ".join(f"'{f}'" if " " in f else f for f in rest)
            fix_all = Fix(f"go env -w GOFLAGS={value}", "go-env-write", (f"GOFLAGS={value}",))
        else:
            fix_all = Fix(f"remove {claimed} from the GOFLAGS your shell profile sets")
    for why in bad:
        yield Finding("goenv.goflags", "goenv", Severity.ERROR, f"GOFLAGS entry rejected: {why}",
                      f"GOFLAGS={s.value!r} {s.origin()}; the go command stops with "
                      "'go: parsing $GOFLAGS: ...' for every command except go env and go bug",
                      fix_all, (REF_ENV,))
    for why in quoted:
        yield Finding("goenv.goflags", "goenv", Severity.WARN, f"GOFLAGS entry {why}",
                      f"GOFLAGS={s.value!r} {s.origin()}; the go command accepts it but passes "
                      "the quote characters on as part of the flag's value", fix_all, (REF_ENV,))
    unknown = []
    if not bad:
        known = _known_flags(ctx, "build")
        names = [n for f in fields if (n := flag_name(f)) and n not in known]
        if names:
            known |= _known_flags(ctx, "testflag")
            unknown = [n for n in names if n not in known and f"test.{n}" not in known]
    failure = _go_list_probe(ctx) if unknown else None
    if failure is not None and "parsing $GOFLAGS" in failure:
        # No go command knows the name: InitGOFLAGS stops every command but go env/bug.
        yield Finding("goenv.goflags", "goenv", Severity.ERROR,
                      f"GOFLAGS sets {', '.join('-' + n for n in unknown)}, which no go "
                      "command knows",
                      f"GOFLAGS={s.value!r} {s.origin()}; every go command except go env and "
                      f"go bug stops with '{failure}' (asked of the go command itself)",
                      fix_all, (REF_ENV, "$GOROOT/src/cmd/go/internal/base/goflags.go"))
        return
    names = ", ".join("-" + n for n in unknown)
    if failure is not None:
        # Some go command knows the name (go list has -m, for one), so no error appears
        # at start-up; base.SetFromGOFLAGS gives it to that command, and go list, which
        # gopls and golang.org/x/tools/go/packages run, fails.
        also = ""
        if claimed:
            also = f" Builds run with {claimed}: " + CLAIMS["gcflags-vectorise"].truth + "."
        yield Finding("goenv.goflags", "goenv", Severity.ERROR,
                      f"GOFLAGS sets {names}: go build ignores it but go list takes it, and "
                      "go list fails",
                      f"GOFLAGS={s.value!r} {s.origin()}; GOFLAGS gives each entry to every go "
                      f"command that knows it: {names} is not a flag of go build or go test, so "
                      f"they ignore it, but 'go list .' takes it and fails with '{failure}' "
                      "(asked of the go command in a one-package module), and so do gopls "
                      f"and every tool built on go list.{also}",
                      Fix(f"remove {names} from GOFLAGS"
                          + (f" (and {claimed}, unless every build should run without "
                             "inlining)" if claimed else "")
                          + "; pass such a flag on the command line of the one command that "
                          "needs it, e.g. go build -gcflags=-m ./..."),
                      (REF_ENV, "$GOROOT/src/cmd/go/internal/base/goflags.go",
                       "go help list"))
        return
    for n in unknown:
        # go list still works (just asked), so only the commands that know -n take it.
        yield Finding("goenv.goflags", "goenv", Severity.WARN,
                      f"GOFLAGS sets -{n}, which is not a flag of go build or go test",
                      f"GOFLAGS={s.value!r} {s.origin()}; builds and tests ignore it; the go "
                      f"commands that have a -{n} flag take it (go list . still works: asked "
                      "of the go command)",
                      fix_all, ("go help build", "go help testflag",
                                "$GOROOT/src/cmd/go/internal/base/goflags.go"))
    if claimed:
        c = CLAIMS["gcflags-vectorise"]
        yield Finding("goenv.goflags-gcflags", "goenv", Severity.WARN,
                      f"GOFLAGS applies {claimed} to every build: it does not vectorise",
                      f"{s.origin()}; {c.truth}", fix_all, c.refs)
    elif not bad and not unknown and not quoted:
        yield Finding("goenv.goflags", "goenv", Severity.OK, f"GOFLAGS={s.value}", s.origin())


def _writable(p: Path) -> bool:
    """True when go could create or write ``p``: it exists writable, or its nearest
    existing ancestor is a writable directory."""
    q = p
    while not q.exists():
        if q.parent == q:
            return False
        q = q.parent
    return q.is_dir() and os.access(q, os.W_OK | os.X_OK)


@check("goenv.paths", "goenv", "GOPATH/GOBIN exist and are writable, the install directory "
       "is on PATH, GOCACHE/GOMODCACHE writable")
def check_paths(ctx: Context) -> Iterator[Finding]:
    """The directories the go command writes to."""
    env = facts.go_env(ctx)
    on_path = {os.path.realpath(d) for d in ctx.path_dirs()}
    gopath = [p for p in env.get("GOPATH", "").split(os.pathsep) if p]
    if not gopath:
        yield Finding("goenv.paths", "goenv", Severity.WARN, "GOPATH is empty",
                      "go cannot place installed programs or the module cache (HOME unset?)",
                      Fix("set HOME, or GOPATH to an absolute directory"), (REF_ENV,))
    gobin = env.get("GOBIN", "")
    bindir = Path(gobin) if gobin else (Path(gopath[0]) / "bin" if gopath else None)
    for name, value, sev in (("GOCACHE", env.get("GOCACHE", ""), Severity.ERROR),
                             ("GOMODCACHE", env.get("GOMODCACHE", ""), Severity.WARN),
                             ("GOPATH", gopath[0] if gopath else "", Severity.WARN),
                             ("GOBIN", gobin, Severity.WARN)):
        if not value:
            continue
        if value == "off" and name == "GOCACHE":
            raw = facts.setting(ctx, "GOCACHE", default_from_go_env=False)
            why = ("GOCACHE=off" if raw.value in ("", "off") else
                   f"GOCACHE={raw.value} ({raw.origin()}) is not an absolute path, so go "
                   "turns the cache off")
            yield Finding("goenv.paths", "goenv", Severity.ERROR,
                          "the build cache is off: every build fails",
                          f"{why}; the go command requires its build cache since Go 1.12",
                          unset_fix(shell_and_file(ctx, "GOCACHE"),
                                    "unset GOCACHE or set it to an absolute directory"),
                          (REF_ENV,))
            continue
        if not _writable(Path(value)):
            what = {"GOCACHE": "every build fails", "GOMODCACHE": "module downloads fail",
                    "GOPATH": "go install and module downloads may fail",
                    "GOBIN": "go install fails"}[name]
            yield Finding("goenv.paths", "goenv", sev, f"{name}={value} is not writable",
                          f"{what}", Fix(f"fix the permissions of {value} or point {name} "
                                         "at a writable directory"), (REF_ENV,))
    if bindir is not None:
        # go1.27 reports GOBIN as GOPATH/bin when it is unset: name what the user set.
        via = "GOBIN" if shell_and_file(ctx, "GOBIN") else "GOPATH/bin"
        if os.path.realpath(bindir) in on_path:
            yield Finding("goenv.paths", "goenv", Severity.OK,
                          f"go install puts programs in {bindir} ({via}), which is on PATH")
        else:
            yield Finding("goenv.paths", "goenv", Severity.WARN,
                          f"{bindir} ({via}) is not on PATH",
                          "programs installed with go install (gopls, dlv, staticcheck) are "
                          "not found by the shell or the editor",
                          Fix(f"add {bindir} to PATH in your shell profile"), (REF_ENV,))


@check("goenv.proxy", "goenv", "GOPROXY/GOSUMDB/GOPRIVATE/GONOSUMDB/GONOPROXY consistent")
def check_proxy(ctx: Context) -> Iterator[Finding]:
    """Module fetching settings that contradict each other or disable verification."""
    out = list(_proxy_findings(ctx))
    yield from out
    env = facts.go_env(ctx)
    if not out and env.get("GOPROXY"):
        yield Finding("goenv.proxy", "goenv", Severity.OK, f"GOPROXY={env['GOPROXY']}",
                      f"GOSUMDB={env.get('GOSUMDB') or '(unset)'}"
                      + (f", GOPRIVATE={env['GOPRIVATE']}" if env.get("GOPRIVATE") else ""))


def _proxy_findings(ctx: Context) -> Iterator[Finding]:
    env = facts.go_env(ctx)
    proxy = env.get("GOPROXY", "")
    sumdb = env.get("GOSUMDB", "")
    entries = [e.strip() for e in re.split(r"[,|]", proxy) if e.strip()]
    if proxy and not entries:
        yield Finding("goenv.proxy", "goenv", Severity.ERROR, f"GOPROXY={proxy!r} has no entries",
                      "module downloads fail: 'GOPROXY list is not the empty string, but "
                      "contains no entries'", Fix("unset GOPROXY"), (REF_ENV,))
    goflags = env.get("GOFLAGS", "")
    if entries[:1] == ["off"] and re.search(r"(^|\s)--?mod=mod(\s|$)", goflags):
        yield Finding("goenv.proxy", "goenv", Severity.WARN,
                      "GOFLAGS=-mod=mod asks go to fetch missing modules, but GOPROXY=off "
                      "forbids every download",
                      f"{facts.setting(ctx, 'GOPROXY').origin()}: any module missing from "
                      "the module cache fails with 'module lookup disabled by GOPROXY=off'",
                      Fix("drop -mod=mod from GOFLAGS or unset GOPROXY"), (REF_ENV,))
    if sumdb == "off":
        s = facts.setting(ctx, "GOSUMDB")
        yield Finding("goenv.proxy", "goenv", Severity.WARN,
                      "GOSUMDB=off: new modules are not checked against the checksum database",
                      f"{s.origin()}; for private modules set GOPRIVATE (or GONOSUMDB) to "
                      "their path patterns instead",
                      unset_fix(shell_and_file(ctx, "GOSUMDB"), "unset GOSUMDB"),
                      ("go help module-auth",))
    for var in ("GOPRIVATE", "GONOSUMDB", "GONOPROXY", "GOINSECURE"):
        for pat in filter(None, env.get(var, "").split(",")):
            if "://" in pat:
                yield Finding("goenv.proxy", "goenv", Severity.WARN,
                              f"{var} pattern {pat!r} never matches",
                              "the patterns are module path prefixes such as "
                              "github.com/corp/*, without a scheme",
                              Fix(f"write it as {pat.split('://', 1)[1]}"),
                              ("go help private",))
