"""Target (GOOS/GOARCH plus an optional level) and Runner (how its binaries execute here).

Shared by xbuild, bench and matrix (DESIGN.md). A Runner has the contract of
``go test -exec``: its command is put in front of the binary and its arguments.
Preference when several exist: a native run, then a kernel binfmt handler or
Rosetta 2 (the binary runs as a plain exec), then an explicit qemu-user.

Runner and :class:`goarchlab.host.model.Translator` are two things: a Translator is
what this host *has* (an emulator installed for one arch, found in /proc, a sysctl or
PATH); a Runner is *how* one target's binaries run here. A translated Runner is built
from the host's Translator for its arch and keeps it (``Runner.translator``); native
and custom runners have none. :attr:`Runner.label` is the one printable name of a
runner, used by matrix cells, bench variants and every report.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd import levels
from goarchlab.host.model import Host, Translator
from goarchlab.outcome import RunnerKind

_NAME = re.compile(r"^[a-z0-9]+$")
#: The runner kinds as strings, in order (:class:`goarchlab.outcome.RunnerKind`).
RUNNER_KINDS = tuple(k.value for k in RunnerKind)


@dataclass(frozen=True)
class Target:
    """GOOS/GOARCH and an optional level (the value of GOARCH's level variable).

    Written ``linux/arm64``, ``linux/amd64/v3``, ``linux/arm64/v8.2,lse``,
    ``linux/arm/7``. Whether Go knows the GOOS/GOARCH pair is for ``go tool
    dist list`` to say; :meth:`parse` checks the syntax and the level value.
    """

    goos: str
    goarch: str
    level: str | None = None

    @classmethod
    def parse(cls, text: str) -> Target:
        """Parse ``goos/goarch[/level]``. Raises UsageError on bad syntax, a level for an
        arch without a level variable, or a level value no Go release accepts."""
        parts = text.strip().split("/", 2)
        if len(parts) < 2 or not all(_NAME.match(p) for p in parts[:2]):
            raise UsageError(f"{text!r} is not a target",
                             "write it like linux/arm64, linux/amd64/v3 or linux/arm64/v8.2,lse")
        level = parts[2] if len(parts) == 3 else None
        t = cls(parts[0], parts[1], level)
        if level is not None:
            var = t.level_var
            if var is None:
                raise UsageError(f"{text!r}: GOARCH={t.goarch} has no level variable",
                                 "drop the /level part")
            problem = levels.validate_level(var, level)
            if problem:
                raise UsageError(f"{text!r}: {problem}", f"see 'go help environment' for {var}")
        return t

    @property
    def level_var(self) -> str | None:
        """The level variable of this GOARCH (GOAMD64 for amd64), or None."""
        return levels.level_var(self.goarch)

    @property
    def platform(self) -> str:
        """``goos/goarch`` without the level."""
        return f"{self.goos}/{self.goarch}"

    def env(self) -> dict[str, str]:
        """GOOS, GOARCH and, when a level is set, its variable (``GOAMD64=v3``)."""
        e = {"GOOS": self.goos, "GOARCH": self.goarch}
        if self.level is not None and self.level_var:
            e[self.level_var] = self.level
        return e

    def __str__(self) -> str:
        return f"{self.platform}/{self.level}" if self.level is not None else self.platform


def parse_list(spec: str) -> list[Target]:
    """Parse a comma-separated ``--targets`` value: ``linux/amd64,linux/arm64/v8.2,lse``.

    A level may itself hold commas (GOARM64=v8.2,lse, GOARM=7,softfloat), so a
    piece without a ``/`` continues the level of the target before it. Empty
    pieces are ignored; an empty list is returned for an empty ``spec``. Raises
    UsageError as :meth:`Target.parse` does.
    """
    texts: list[str] = []
    for piece in (x.strip() for x in spec.split(",")):
        if not piece:
            continue
        if "/" not in piece and texts:
            texts[-1] += "," + piece
        else:
            texts.append(piece)
    return [Target.parse(t) for t in texts]


@dataclass(frozen=True)
class Runner:
    """How binaries of ``target`` execute on this host.

    ``kind``: ``native``, ``rosetta`` (``arch -x86_64``), ``qemu`` (an explicit
    qemu-user binary), ``binfmt`` (the kernel hands the binary to an emulator on
    exec) or ``custom`` (a command the user gave). ``command``: the argv prefix
    (empty for native and binfmt). ``translator``: the host's Translator this runner
    was built from (rosetta, qemu, binfmt kinds picked by :func:`runner_for`), else
    None.
    """

    kind: RunnerKind
    command: tuple[str, ...]
    target: Target
    translator: Translator | None = None

    @property
    def translated(self) -> bool:
        """True unless the hardware runs the binary itself."""
        return self.kind != "native"

    @property
    def label(self) -> str:
        """The one printable name of this runner, the same in every command and report:
        ``native``, ``rosetta``, ``qemu-aarch64`` (the qemu binary's name),
        ``qemu-aarch64 via binfmt`` (the emulator behind the kernel's handler;
        ``binfmt`` when it is unknown), or a custom runner's whole command."""
        if self.kind == RunnerKind.CUSTOM and self.command:
            return " ".join(self.command)
        if self.kind == RunnerKind.QEMU and self.command:
            return Path(self.command[0]).name
        if self.kind == RunnerKind.BINFMT and self.translator and self.translator.interpreter:
            interp = Path(self.translator.interpreter).name
            # Debian's handler is qemu-aarch64 (or aarch64-binfmt-P in qemu-user-binfmt).
            if "-binfmt" in interp:
                interp = "qemu-" + interp.split("-binfmt")[0].removeprefix("qemu-")
            return f"{interp} via binfmt"
        return str(self.kind)

    def argv(self, binary: str | os.PathLike, *args: str) -> list[str]:
        """The argv that runs ``binary`` with ``args`` under this runner."""
        return [*self.command, os.fspath(binary), *args]

    def go_test_exec(self, home: Path | None = None) -> str | None:
        """The value for ``go test -exec`` / ``go run -exec``, or None when the binary
        runs as a plain exec (native, binfmt) and no -exec is needed.

        cmd/go splits the flag value with cmd/internal/quoted.Split: fields
        separated by spaces, each optionally wrapped in '...' or "..." with no
        escapes. A command that cannot be written that way (an argument holding
        both quote kinds) gets a wrapper script under ``home``/cache/exec
        (``home`` defaults to GOARCHLAB_HOME), whose path is returned.
        """
        if not self.command:
            return None
        joined = quote_exec(self.command)
        if joined is not None:
            return joined
        wrapper = str(_wrapper(self.command, home))
        return quote_exec((wrapper,)) or wrapper


class QuoteError(ValueError):
    """An unterminated quote in a cmd/internal/quoted list; the message is cmd/go's own
    (``unterminated ' string``)."""


def split_quoted(text: str) -> list[str]:
    """Port of cmd/internal/quoted.Split, how cmd/go splits ``-exec``, GOFLAGS and CC:
    fields separated by spaces, each optionally wrapped whole in '...' or "..." with
    no escapes. Raises QuoteError on an unterminated quote."""
    out: list[str] = []
    s = text
    while s:
        s = s.lstrip(" \t\n\r")
        if not s:
            break
        if s[0] in "'\"":
            q = s[0]
            end = s.find(q, 1)
            if end < 0:
                raise QuoteError(f"unterminated {q} string")
            out.append(s[1:end])
            s = s[end + 1:]
            continue
        m = re.match(r"[^ \t\n\r]*", s)
        out.append(m.group(0))
        s = s[m.end():]
    return out


def split_exec(text: str) -> list[str]:
    """Split a command as cmd/go splits ``-exec`` (:func:`split_quoted`).

    Raises UsageError on an unterminated quote.
    """
    try:
        return split_quoted(text)
    except QuoteError as e:
        raise UsageError(f"{e} in {text!r}",
                         "close the quote; quotes do not nest and nothing is escaped") from None


def quote_exec(argv: tuple[str, ...] | list[str]) -> str | None:
    """Join ``argv`` so that :func:`split_exec` (cmd/go) gives it back, as
    cmd/internal/quoted.Join does; None when an argument holds both ' and "."""
    parts = []
    for a in argv:
        if not a or any(c in a for c in " \t\n\r'\""):
            if "'" in a and '"' in a:
                return None
            q = '"' if "'" in a else "'"
            parts.append(f"{q}{a}{q}")
        else:
            parts.append(a)
    return " ".join(parts)


def _wrapper(command: tuple[str, ...], home: Path | None) -> Path:
    """A shell script that execs ``command`` with its arguments (written once, atomically)."""
    # hashlib loads OpenSSL (~3.5 ms of CPU): only here, not for every importer
    # of Target (doctor --json among them).
    import hashlib

    from goarchlab.home import goarchlab_home

    base = (home or goarchlab_home()) / "cache" / "exec"
    base.mkdir(parents=True, exist_ok=True)
    body = "#!/bin/sh\nexec " + " ".join(_sh_quote(a) for a in command) + ' "$@"\n'
    path = base / f"exec-{hashlib.sha256(body.encode()).hexdigest()[:16]}"
    if not path.exists():
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text(body)
        tmp.chmod(0o755)
        tmp.replace(path)
    return path


def _sh_quote(a: str) -> str:
    return "'" + a.replace("'", "'\\''") + "'"


def runner_for(target: Target, host: Host, custom: str | None = None) -> Runner:
    """How ``target``'s binaries run on ``host``.

    ``custom``: a command given by the user (split like ``go test -exec``); its
    program must be found on PATH or be a path. Otherwise: native when the
    hardware runs the arch, then a binfmt handler or Rosetta 2, then an
    explicit qemu-user. Raises GoarchlabError (with how to get a translator)
    when the target cannot run here.
    """
    if custom is not None:
        argv = split_exec(custom)
        if not argv:
            raise UsageError("the custom runner command is empty",
                             "give a command such as 'qemu-aarch64 -cpu max'")
        if shutil.which(argv[0]) is None:
            raise GoarchlabError(f"runner command {argv[0]!r} not found",
                                 "install it or give its full path")
        return Runner(RunnerKind.CUSTOM, tuple(argv), target)
    if target.goos != host.os:
        raise GoarchlabError(
            f"{target.platform} binaries cannot run on this {host.os} machine",
            f"build only, or run them on a {target.goos} machine (a VM or CI runner)")
    if host.runs_natively(target.goarch):
        return Runner(RunnerKind.NATIVE, (), target)
    t = host.translator_for(target.goarch)
    if t is not None:
        return Runner(RunnerKind(t.kind), t.command, target, t)
    raise GoarchlabError(f"{target.platform} binaries cannot run on this {host.platform} machine",
                         translator_hint(host, target.goarch))


def translator_hint(host: Host, goarch: str) -> str:
    """One sentence on how to get a translator for ``goarch`` on ``host``."""
    if host.os == "darwin":
        if host.native_arch == "arm64" and goarch == "amd64":
            return "install Rosetta 2: softwareupdate --install-rosetta --agree-to-license"
        return "macOS has no translator for this architecture"
    if host.os == "linux":
        return ("install QEMU user-mode emulation: apt-get install qemu-user "
                "(and qemu-user-binfmt for kernel binfmt_misc handlers)")
    return "no translator is known for this operating system"


__all__ = ["RUNNER_KINDS", "QuoteError", "Runner", "Target", "quote_exec", "runner_for",
           "split_exec", "split_quoted", "translator_hint"]
