"""Variants: toolchain x target x runner x env x build flags, from ``--vs`` text.

The baseline is the host's native platform with the default toolchain. Each
``--vs`` names what differs from the baseline; several changes combine with
``+`` (``--vs 'linux/arm64+GOGC=50'``), except after a build-flag key, whose
value runs to the end (``--vs 'ldflags=-s -w'``):

==============================  ==========================================
``go1.22.10`` / ``1.22.10``     another toolchain (installed on demand)
``linux/arm64``, ``linux/amd64/v3``  another target (and level); its runner
                                is found for this host (native, qemu, rosetta)
``GOGC=50``                     an environment variable (run time; also at
                                build time for GOAMD64, CGO_ENABLED, ...)
``ldflags=-s -w``, ``gcflags=..``  build flags (``go build -ldflags='-s -w'``)
``tags=a,b``, ``trimpath``, ``-race``  more build flags
``runner=CMD ARGS``             run binaries through CMD (like go test -exec)
==============================  ==========================================

Without ``--vs`` the pair is native against translated for this host
(:func:`default_plans`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace

from goarchlab.bench.hostfacts import native_runner, runner_for, translator_hint
from goarchlab.bench.model import Variant
from goarchlab.errors import UsageError
from goarchlab.gocmd.version import GoVersion
from goarchlab.host.model import Host
from goarchlab.outcome import RunnerKind
from goarchlab.targets import Runner, Target

#: Environment variables that change what ``go build`` produces (go help environment
#: of go1.27.3: GOFIPS140 selects the FIPS 140 crypto sources and its GODEBUG default;
#: a variable unknown to an older go is ignored by it).
BUILD_ENV = frozenset({"CGO_ENABLED", "GOEXPERIMENT", "GOFLAGS", "GODEBUG", "GOFIPS140",
                       "CC", "CXX", "FC", "PKG_CONFIG", "CGO_CFLAGS", "CGO_CPPFLAGS",
                       "CGO_CXXFLAGS", "CGO_FFLAGS", "CGO_LDFLAGS", "GO_EXTLINK_ENABLED",
                       "GOAMD64", "GOARM64", "GOARM", "GO386", "GOPPC64", "GORISCV64",
                       "GOMIPS", "GOMIPS64", "GOWASM"})
_FLAG_KEYS = ("ldflags", "gcflags", "asmflags", "tags", "pgo")
_ENV_RX = re.compile(r"^([A-Z_][A-Z0-9_]*)=(.*)$", re.S)


@dataclass(frozen=True)
class Plan:
    """A resolved variant: the stored :class:`Variant` plus what running it needs.

    ``version``: toolchain version asked for (None: the default toolchain).
    ``level``: the target's level (``v3``, ``v8.2``) or empty. ``runner``: how its
    binaries run here.
    """

    variant: Variant
    version: str | None
    goos: str
    goarch: str
    level: str
    runner: Runner

    @property
    def name(self) -> str:
        """The variant's name (a column in the tables)."""
        return self.variant.name

    def build_env(self) -> dict[str, str]:
        """GOOS, GOARCH, the level variable and build-affecting env for ``go build``."""
        env = Target(self.goos, self.goarch, self.level or None).env()
        env.update((k, v) for k, v in self.variant.env if k in BUILD_ENV)
        return env

    def run_env(self) -> dict[str, str]:
        """The variant's extra environment for running its binaries."""
        return dict(self.variant.env)


def parse_target(text: str) -> tuple[str, str, str]:
    """``linux/arm64`` -> (goos, goarch, level); ``linux/amd64/v3`` keeps ``v3``.
    Syntax and level values are checked by :meth:`goarchlab.targets.Target.parse`."""
    t = Target.parse(text)
    return t.goos, t.goarch, t.level or ""


def split_changes(text: str) -> list[str]:
    """Split one ``--vs`` value into its changes (``+``-separated, flags run to the end)."""
    out: list[str] = []
    rest = text.strip()
    while rest:
        key = rest.split("=", 1)[0]
        if key in _FLAG_KEYS or rest.startswith("-") or key == "runner":
            out.append(rest)
            break
        head, sep, rest = rest.partition("+")
        if head.strip():
            out.append(head.strip())
        rest = rest.strip() if sep else ""
    return out


def base_plan(host: Host, version: str | None = None) -> Plan:
    """The baseline: the host's native platform, default toolchain, no env or flags."""
    v = str(GoVersion.parse(version)) if version else None
    var = Variant(name="native", toolchain_version=v or "", target=host.platform,
                  runner_kind="native", runner="")
    return Plan(var, v, host.os, host.native_arch, "", native_runner(host))


def apply(base: Plan, text: str, host: Host) -> Plan:
    """The plan ``--vs text`` describes: ``base`` with each named change applied."""
    changes = split_changes(text)
    if not changes:
        raise UsageError("--vs needs a value", "e.g. --vs go1.22.10, --vs GOGC=50")
    p = base
    env = dict(p.variant.env)
    flags = list(p.variant.build_flags)
    version, goos, goarch, level, runner = p.version, p.goos, p.goarch, p.level, p.runner
    explicit_runner = False
    for ch in changes:
        key = ch.split("=", 1)[0]
        if key in _FLAG_KEYS:
            flags.append(f"-{key}={ch.split('=', 1)[1]}")
        elif ch.startswith("-"):
            flags.extend(shlex.split(ch))
        elif ch == "trimpath":
            flags.append("-trimpath")
        elif key == "runner":
            custom = ch.split("=", 1)[1]
            if not custom.strip():
                raise UsageError("runner= needs a command", "e.g. --vs 'runner=qemu-aarch64'")
            explicit_runner = True
        elif m := _ENV_RX.match(ch):
            env[m[1]] = m[2]
        elif "/" in ch:
            goos, goarch, level = parse_target(ch)
        elif GoVersion.try_parse(ch) is not None:
            version = str(GoVersion.parse(ch))
        else:
            raise UsageError(f"unknown variant {ch!r}", "use a Go version (go1.22.10), a target "
                             "(linux/arm64), NAME=VALUE (GOGC=50), ldflags=..., or runner=CMD")
    if explicit_runner:
        runner = runner_for(goos, goarch, host, custom)
    elif (goos, goarch) != (p.goos, p.goarch):
        found = runner_for(goos, goarch, host)
        if found is None:
            raise UsageError(f"no way to run {goos}/{goarch} binaries on this {host.platform} "
                             "host", translator_hint(host, goarch) if goos == host.os else
                             "benchmarks run only targets of this host's OS")
        runner = found
    rname = "" if runner.kind == RunnerKind.NATIVE else runner.label
    name = _name(text, changes, runner, rname, goarch)
    var = replace(p.variant, name=name, toolchain_version=version or "",
                  target=f"{goos}/{goarch}" + (f"/{level}" if level else ""),
                  runner_kind=runner.kind, runner=rname,
                  env=tuple(sorted(env.items())), build_flags=tuple(flags))
    return Plan(var, version, goos, goarch, level, runner)


def _name(text: str, changes: list[str], runner: Runner, rname: str, goarch: str) -> str:
    # A target change is named after how it runs (qemu-arm64); others after the text.
    if len(changes) == 1 and "/" in changes[0] and "=" not in changes[0]:
        if runner.kind == "native":
            return changes[0].replace("/", "-")
        tool = "rosetta" if "rosetta" in (rname + runner.kind) else (
            "qemu" if "qemu" in rname else runner.kind)
        return f"{tool}-{goarch}" + (f"-{changes[0].split('/')[2]}" if changes[0].count("/") == 2
                                     else "")
    return "".join(text.split()) or "variant"


def default_plans(host: Host, version: str | None = None) -> tuple[list[Plan], str | None]:
    """The host's default pair (native, translated) and a note when no translator exists.

    amd64 Linux: linux/arm64 under qemu-aarch64; arm64 Mac: darwin/amd64 under
    Rosetta; arm64 Linux: linux/amd64 under qemu-x86_64 or a binfmt handler.
    """
    base = base_plan(host, version)
    other = {"amd64": "arm64", "arm64": "amd64"}.get(host.native_arch)
    if other is None:
        return [base], f"no translated pair is defined for {host.platform}; running native only"
    if runner_for(host.os, other, host) is None:
        return [base], (f"no translator for {host.os}/{other} on this host, running native only; "
                        + translator_hint(host, other))
    return [base, apply(base, f"{host.os}/{other}", host)], None


def plans_from_args(host: Host, vs: list[str], version: str | None = None
                    ) -> tuple[list[Plan], str | None]:
    """Variants for ``--vs`` values (baseline first), or the default pair without any."""
    if not vs:
        return default_plans(host, version)
    base = base_plan(host, version)
    plans = [base] + [apply(base, t, host) for t in vs]
    names = [p.name for p in plans]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise UsageError(f"two variants are both named {dup!r}", "give each --vs a different value")
    return plans, None
