"""Derived facts that several doctor checks share, memoised on the Context.

* :func:`identify`: what a ``go`` on PATH is (version, its own GOOS/GOARCH) and
  how it runs on this host (natively, translated, or not at all), read from its
  headers; only a script or a binary without Go build info is asked ``go version``.
* :func:`setting`: the effective value of a go command variable and where it
  comes from, following ``cmd/go/internal/cfg.Getenv``: a non-empty OS
  environment value wins, then the user's ``go env -w`` file, then
  ``$GOROOT/go.env``, then the go command's built-in default.
* :func:`goroot`: the GOROOT the winning go really uses (``go env``'s, which
  differs from the PATH binary's when GOROOT is set), with a path-based
  fallback when ``go env`` cannot run; the rest of that toolchain (its release,
  the toolchain handle) is goarchlab.doctor.localgo.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from goarchlab.doctor import archfit
from goarchlab.doctor.archfit import translator_name
from goarchlab.doctor.context import Context, GoOnPath
from goarchlab.doctor.model import CheckSkipped
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.env import parse_go_version_output

SRC_SHELL = "shell environment"
SRC_FILE = "go env file"
SRC_GOROOT = "GOROOT/go.env"
SRC_DEFAULT = "default"
#: Set by goarchlab's own shim for the go it runs (Context.shim_overrides).
SRC_SHIM = "goarchlab shim"


@dataclass(frozen=True)
class GoIdentity:
    """What one ``go`` on PATH is and how it runs here.

    ``version``: e.g. ``go1.27.3`` (None when unknown). ``goos``/``goarch``: the
    binary's own platform. ``how``: ``native``, ``translated`` or ``cannot-run``.
    ``reason``: a sentence saying how it runs (``runs translated under
    qemu-aarch64 (binfmt)``). ``script``: True for a wrapper script (asdf, goenv
    shims), whose platform comes from ``go version``. ``goroot``: the GOROOT its
    path implies (``<root>/bin/go``), when ``<root>/VERSION`` exists.
    """

    go: GoOnPath
    version: str | None
    goos: str | None
    goarch: str | None
    how: str
    reason: str
    script: bool = False
    goroot: Path | None = None
    format: str = ""

    @property
    def platform(self) -> str:
        """``goos/goarch``, with ``?`` for an unknown part."""
        return f"{self.goos or '?'}/{self.goarch or '?'}"


def classify(ctx: Context, goos: str | None, goarch: str | None) -> tuple[str, str]:
    """How a binary for ``goos/goarch`` runs on this host: ``(how, reason)``.

    ``how`` is ``native``, ``translated`` or ``cannot-run``. Only translators the
    kernel applies on a plain exec count (binfmt on Linux, Rosetta on macOS): a
    ``qemu-*`` binary on PATH runs a foreign program only when called explicitly.
    """
    host = ctx.host
    plat = f"{goos or '?'}/{goarch or '?'}"
    v = archfit.judge(host, goos, (goarch,) if goarch else ())
    if v.why == "os":
        return "cannot-run", f"cannot run here: a {plat} binary on a {host.platform} machine"
    if v.why == "native":
        return "native", f"runs natively ({plat})"
    if v.why == "compat":
        return "native", f"runs natively ({plat}: {host.native_arch} CPUs execute {goarch} code)"
    t = v.translator
    if v.mode == "translated":
        kind = "" if t.kind == "rosetta" else f" ({t.kind})"
        return "translated", f"runs translated under {translator_name(t)}{kind}"
    extra = ""
    if t is not None:
        extra = f"; {' '.join(t.command) or t.interpreter} can run it only when called explicitly"
    return "cannot-run", (
        f"cannot run here: a {plat} binary on a {host.platform} machine with no "
        f"{'Rosetta 2' if host.os == 'darwin' else 'binfmt handler'} for {goarch}{extra}"
    )


def _goroot_of(path: Path | None) -> Path | None:
    if path is None or path.parent.name != "bin":
        return None
    root = path.parent.parent
    return root if (root / "VERSION").is_file() else None


def is_script(path: Path) -> bool:
    """True when ``path`` starts with ``#!`` (a wrapper script, not a binary)."""
    try:
        with path.open("rb") as f:
            return f.read(2) == b"#!"
    except OSError:
        return False


def identify(ctx: Context, go: GoOnPath) -> GoIdentity:
    """Identify ``go`` (memoised per path). Raises GoarchlabError when it is neither a
    readable executable nor a script that answers ``go version`` (garbage, a hang)."""
    return ctx.memo(("identify", str(go.path)), lambda: _identify(ctx, go))


def _identify(ctx: Context, go: GoOnPath) -> GoIdentity:
    target = go.resolved or go.path
    root = _goroot_of(go.resolved)
    info = None
    inspect_error: GoarchlabError | None = None
    if not is_script(target):
        try:
            info = ctx.inspect(target)
        except GoarchlabError as e:
            inspect_error = e
    if info is not None:
        host = ctx.host
        # A universal Mach-O: the kernel picks the native slice when there is one.
        sl = next((s for s in info.slices if s.goarch == host.native_arch), info.slices[0])
        bi = sl.go
        goos = sl.goos or (bi.goos if bi else None) or archfit.FORMAT_OS.get(info.format)
        if info.format == "elf" and goos is None:
            goos = "linux" if host.os == "linux" else None
        how, reason = classify(ctx, goos, sl.goarch)
        if bi is not None and bi.path == "cmd/go":
            return GoIdentity(go, bi.go_version, goos, sl.goarch, how, reason, False, root,
                              info.format)
        if how == "cannot-run":
            ver = bi.go_version if bi else None
            return GoIdentity(go, ver, goos, sl.goarch, how, reason, False, root, info.format)
        # Not visibly the go command (no build info, or another Go program): ask it.
    elif inspect_error is not None:
        raise GoarchlabError(
            f"{go.path} is not a program this machine can run: {inspect_error.message}",
            "remove it from PATH or replace it with a real Go toolchain",
        )
    r = ctx.run((str(go.path), "version"))
    if not r.ok:
        raise GoarchlabError(
            f"'{go.path} version' failed (exit {r.returncode}): "
            f"{(r.stderr or r.stdout).strip()[:120] or 'no output'}",
            "this go may be broken; reinstall it or take it off PATH",
        )
    out = parse_go_version_output(r.stdout)
    how, reason = classify(ctx, out.goos, out.goarch)
    if how == "cannot-run":
        # It answered, so something runs it (an unlisted translator or a wrapper).
        how, reason = "translated", f"runs ({out.goos}/{out.goarch}) through a translator " \
                                    "goarchlab could not identify"
    ver = str(out.version) if out.version else out.raw.split()[2]
    return GoIdentity(go, ver, out.goos, out.goarch, how, reason, info is None, root,
                      info.format if info else "script")


def active(ctx: Context) -> GoIdentity:
    """The identity of the go that wins on PATH.

    Raises CheckSkipped when there is none or it cannot be identified (``path.go``
    and ``path.go-arch`` report why), so dependent checks do not repeat it.
    """
    g = ctx.active_go()
    if g is None:
        raise CheckSkipped("no usable go on PATH (see path.go)")
    try:
        return identify(ctx, g)
    except GoarchlabError as e:
        raise CheckSkipped(f"the go on PATH is unusable: {e.message} (see path.go-arch)") from e


def runnable(ctx: Context) -> GoIdentity:
    """Like :func:`active`, and also skip when the winning go cannot run here."""
    ident = active(ctx)
    if ident.how == "cannot-run":
        raise CheckSkipped(f"{ident.go.path} {ident.reason} (see path.go-arch)")
    return ident


def go_env(ctx: Context) -> dict[str, str]:
    """``go env -json`` of a winning go that can run; CheckSkipped otherwise.

    A failure of ``go env`` itself raises the (shared) GoarchlabError.
    """
    runnable(ctx)
    return ctx.go_env()


def try_go_env(ctx: Context) -> dict[str, str] | None:
    """``go env -json`` when it works, else None (for checks with a fallback)."""
    try:
        return go_env(ctx)
    except (GoarchlabError, CheckSkipped):
        return None


def goroot(ctx: Context) -> Path:
    """The GOROOT of the toolchain the winning go uses (memoised): ``go env``'s (which
    differs from the PATH binary's root when GOROOT is set), else, when ``go env``
    cannot run, the root its path implies; CheckSkipped when neither is known.
    goarchlab.doctor.localgo.toolchain has the rest of that toolchain's facts."""
    return ctx.memo("goroot", lambda: _goroot(ctx))


def _goroot(ctx: Context) -> Path:
    env = try_go_env(ctx)
    if env and env.get("GOROOT"):
        return Path(env["GOROOT"])
    ident = active(ctx)
    if ident.goroot is None:
        raise CheckSkipped(f"cannot tell the GOROOT of {ident.go.path} (see path.go)")
    return ident.goroot


# --- where go command variables come from ------------------------------------


@dataclass(frozen=True)
class EnvFile:
    """The user's ``go env -w`` file: its ``path`` (None with GOENV=off or no
    config dir) and the ``values`` it sets, read by go's own rules (lines
    ``KEY=value`` whose first byte is A-Z; a later line wins)."""

    path: Path | None
    values: dict[str, str]


def env_file(ctx: Context) -> EnvFile:
    """Read the go env file once (``cmd/go/internal/cfg.EnvFile``'s location)."""
    return ctx.memo("env_file", lambda: _env_file(ctx))


def env_file_path(env: dict[str, str]) -> Path | None:
    """Where the go command keeps ``go env -w`` settings for environment ``env``:
    ``$GOENV``, else ``os.UserConfigDir()/go/env``; None for ``GOENV=off``."""
    g = env.get("GOENV", "")
    if g:
        return None if g == "off" else Path(g)
    if sys.platform == "darwin":
        base = env.get("HOME", "") and str(Path(env["HOME"], "Library", "Application Support"))
    elif sys.platform == "win32":
        base = env.get("AppData", "")
    else:
        xdg = env.get("XDG_CONFIG_HOME", "")
        if xdg:
            # os.UserConfigDir fails on a relative XDG_CONFIG_HOME (no HOME fallback),
            # and the go command then reads no env file at all.
            base = xdg if os.path.isabs(xdg) else ""
        else:
            base = env.get("HOME", "") and str(Path(env["HOME"], ".config"))
    return Path(base, "go", "env") if base else None


def parse_env_file(text: str) -> dict[str, str]:
    """Parse go env file text the way ``cfg.readEnvFile`` does."""
    values: dict[str, str] = {}
    for line in text.split("\n"):
        key, eq, val = line.partition("=")
        if not eq or not line or not ("A" <= line[0] <= "Z"):
            continue
        values[key] = val
    return values


def _env_file(ctx: Context) -> EnvFile:
    path = env_file_path(ctx.env)
    if path is None:
        return EnvFile(None, {})
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return EnvFile(path, {})
    return EnvFile(path, parse_env_file(text))


def goroot_defaults(ctx: Context) -> dict[str, str]:
    """``$GOROOT/go.env`` of the active toolchain ({} when unknown)."""

    def compute() -> dict[str, str]:
        try:
            root = goroot(ctx)
            return parse_env_file((root / "go.env").read_text(errors="replace"))
        except (CheckSkipped, OSError):
            return {}

    return ctx.memo("goroot_defaults", compute)


@dataclass(frozen=True)
class Setting:
    """A go command variable: ``value`` (effective, may be empty), ``source``
    (``shell environment``, ``goarchlab shim``, ``go env file``, ``GOROOT/go.env`` or
    ``default``)
    and ``where`` (the file it was read from, if any)."""

    name: str
    value: str
    source: str
    where: str = ""

    @property
    def explicit(self) -> bool:
        """True when the user set it (in the shell or with ``go env -w``)."""
        return self.source in (SRC_SHELL, SRC_FILE)

    def origin(self) -> str:
        """``set in the shell environment`` / ``set with go env -w in <file>`` / ..."""
        if self.source == SRC_SHELL:
            return "set in the shell environment"
        if self.source == SRC_FILE:
            return f"set with 'go env -w' (in {self.where})"
        if self.source == SRC_GOROOT:
            return f"the toolchain's default (in {self.where})"
        if self.source == SRC_SHIM:
            return f"set by the goarchlab shim {self.where} for the go it runs"
        return "the go command's default"


def setting(ctx: Context, name: str, default_from_go_env: bool = True) -> Setting:
    """The effective value of ``name`` and its source; the default comes from
    ``go env -json`` when it ran (``default_from_go_env``), else it is empty."""
    shim = ctx.shim_overrides().get(name)
    if shim is not None:
        # The shim sets it in the go command's OS environment, which beats every file.
        return Setting(name, shim, SRC_SHIM, str(ctx.path_go().path))
    v = ctx.env.get(name, "")
    if v:
        return Setting(name, v, SRC_SHELL)
    ef = env_file(ctx)
    if ef.values.get(name):
        return Setting(name, ef.values[name], SRC_FILE, str(ef.path))
    gd = goroot_defaults(ctx)
    # An empty line in the user's file hides $GOROOT/go.env (cfg.readEnvFile).
    if gd.get(name) and name not in ef.values:
        return Setting(name, gd[name], SRC_GOROOT, str(goroot(ctx) / "go.env"))
    env = try_go_env(ctx) if default_from_go_env else None
    return Setting(name, (env or {}).get(name, ""), SRC_DEFAULT)


def ports(ctx: Context):
    """``go tool dist list -json`` of the winning go (GOTOOLCHAIN=local), once.

    Returns a tuple of goarchlab.gocmd.distlist.DistTarget. Run only when a check
    needs it (an explicit GOOS/GOARCH, or cgo support of a target), to keep doctor fast.
    """
    from goarchlab.gocmd.distlist import dist_list

    ident = runnable(ctx)
    env = ctx.go_command_env()
    return ctx.memo("dist_list", lambda: dist_list(ident.go.path, env, timeout=ctx.timeout))
