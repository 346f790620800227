"""Homebrew checks (area ``homebrew``, macOS only).

Homebrew's prefixes say the architecture: ``/opt/homebrew`` holds arm64
(Apple Silicon) installs and ``/usr/local`` the x86_64 (Intel) ones, and brew
refuses to install into the other arch's default prefix (Homebrew/brew#9117,
"Cannot install in Homebrew on ARM processor in Intel default prefix"). On an
Apple Silicon Mac an Intel Homebrew and everything it installs run under
Rosetta 2. ``/usr/local`` exists on every Mac, so an install is recognised by
its ``brew`` program (``bin/brew``, or ``Homebrew/bin/brew`` in ``/usr/local``),
not by the directory.

Formulae live in ``<prefix>/Cellar/<formula>/<version>``; ``brew --prefix go``
prints ``<prefix>/opt/go``, a link to the installed keg. Which go brew owns is
read from the winning go's resolved path, without running brew (a Ruby
start-up costs more than doctor's whole budget). Paths are read under
``ctx.probe.root`` when the probe gives one (a recorded Mac's tree), else "/".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from goarchlab.doctor import archfit
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.errors import GoarchlabError

AREA = "homebrew"
#: Homebrew's default macOS prefixes and the arch of what they hold.
PREFIXES = (("/opt/homebrew", "arm64"), ("/usr/local", "amd64"))
REFS = ("https://docs.brew.sh/Installation",
        "https://github.com/Homebrew/brew/pull/9117",
        "https://github.com/Homebrew/install#uninstall-homebrew")
_ARCH_NAME = {"arm64": "arm64", "amd64": "x86_64"}


@dataclass(frozen=True)
class BrewInstall:
    """One Homebrew installation: ``prefix`` (a macOS path), the ``arch`` its bottles
    are for (Go names), and the versions of each go formula in its Cellar
    (``{"go": ("1.22.1",), "go@1.21": ("1.21.8",)}``)."""

    prefix: str
    arch: str
    gos: dict[str, tuple[str, ...]]


def _root(ctx: Context) -> Path:
    root = getattr(ctx.probe, "root", None)
    return Path(root) if root else Path("/")


def _local(root: Path, mac_path: str) -> Path:
    """A macOS absolute path as a path on this machine (under ``root``)."""
    return root / mac_path.lstrip("/")


def _mac(root: Path, local: Path) -> str | None:
    """The macOS path of a local path under ``root``, or None when it is outside."""
    try:
        return "/" + str(local.relative_to(root)) if root != Path("/") else str(local)
    except ValueError:
        return None


def installs(ctx: Context) -> list[BrewInstall]:
    """The Homebrew installations present, arm64 prefix first."""
    root = _root(ctx)
    found = []
    for prefix, arch in PREFIXES:
        brews = [f"{prefix}/bin/brew"] + ([f"{prefix}/Homebrew/bin/brew"]
                                          if prefix == "/usr/local" else [])
        if not any(_local(root, b).exists() for b in brews):
            continue
        gos: dict[str, tuple[str, ...]] = {}
        cellar = _local(root, f"{prefix}/Cellar")
        if cellar.is_dir():
            for rack in sorted(cellar.iterdir()):
                if rack.name == "go" or rack.name.startswith("go@"):
                    gos[rack.name] = tuple(sorted(k.name for k in rack.iterdir() if k.is_dir()))
        found.append(BrewInstall(prefix, arch, gos))
    return found


def _owner(mac_path: str) -> tuple[str, str, str] | None:
    """(prefix, formula, version) when ``mac_path`` is inside a Homebrew go keg."""
    parts = PurePosixPath(mac_path).parts
    for prefix, _ in PREFIXES:
        pp = PurePosixPath(prefix).parts
        n = len(pp)
        if parts[:n] == pp and len(parts) > n + 2 and parts[n] == "Cellar":
            formula = parts[n + 1]
            if formula == "go" or formula.startswith("go@"):
                return prefix, formula, parts[n + 2]
    return None


def _path_order(ctx: Context, root: Path, prefixes: list[str]) -> list[str]:
    """The prefixes whose bin directory is on PATH, in PATH order."""
    order = []
    for d in ctx.path_dirs():
        mac = _mac(root, Path(d))
        for p in prefixes:
            if mac == f"{p}/bin" and p not in order:
                order.append(p)
    return order


@check("homebrew", AREA, "Homebrew on macOS: mixed arm64/x86_64 installs, which go brew "
       "owns and its arch")
def check_homebrew(ctx: Context) -> Iterator[Finding]:
    """Audit Homebrew installations and the Homebrew go."""
    try:
        host = ctx.host
    except GoarchlabError:
        return
    if host.os != "darwin":
        yield Finding("homebrew", AREA, Severity.OK, f"not macOS ({host.os}): no Homebrew checks")
        return
    root = _root(ctx)
    found = installs(ctx)
    if not found:
        yield Finding("homebrew.none", AREA, Severity.INFO, "Homebrew is not installed",
                      refs=REFS)
        return
    by_prefix = {b.prefix: b for b in found}
    native = [b for b in found if b.arch == host.native_arch]
    foreign = [b for b in found if b.arch != host.native_arch]
    if host.native_arch == "arm64" and foreign:
        intel = foreign[0]
        order = _path_order(ctx, root, [b.prefix for b in found])
        first = (f" {order[0]}/bin comes first on PATH, so its brew and formulae win."
                 if order else "")
        fix = Fix(f"Keep /opt/homebrew: list what the Intel one holds ('{intel.prefix}/bin/brew "
                  "list'), reinstall what you need with /opt/homebrew/bin/brew, then remove it "
                  "with Homebrew's uninstall.sh --path=/usr/local.")
        if native:
            yield Finding("homebrew.mixed", AREA, Severity.WARN,
                          "two Homebrews: /opt/homebrew (arm64) and /usr/local (x86_64)",
                          "Everything the /usr/local one installs is x86_64 and runs under "
                          f"Rosetta 2.{first}", fix, REFS)
        else:
            yield Finding("homebrew.intel-only", AREA, Severity.WARN,
                          "the only Homebrew is the Intel one in /usr/local",
                          "Everything it installs is x86_64 and runs under Rosetta 2 on this "
                          "Apple Silicon Mac.",
                          Fix("Install Homebrew natively (it goes to /opt/homebrew), reinstall "
                              "your formulae with it, then remove the Intel one with "
                              "uninstall.sh --path=/usr/local."), REFS)
    else:
        names = ", ".join(f"{b.prefix} ({_ARCH_NAME[b.arch]})" for b in found)
        yield Finding("homebrew.installs", AREA, Severity.OK, f"Homebrew: {names}", refs=REFS)
    yield from _go_findings(ctx, root, host, by_prefix)


def _go_findings(ctx: Context, root: Path, host, by_prefix: dict[str, BrewInstall]
                 ) -> Iterator[Finding]:
    g = ctx.active_go()
    owner = None
    if g is not None and g.resolved is not None:
        mac = _mac(root, g.resolved)
        owner = _owner(mac) if mac else None
    for b in by_prefix.values():
        for formula, versions in b.gos.items():
            if owner is None or (owner[0], owner[1]) != (b.prefix, formula):
                yield Finding("homebrew.go-unused", AREA, Severity.INFO,
                              f"Homebrew's {formula} {', '.join(versions)} in {b.prefix} is "
                              "not the go on PATH",
                              (f"PATH runs {g.path}." if g is not None else "No go on PATH.")
                              + f" 'brew --prefix {formula}' is {b.prefix}/opt/{formula}.")
    if owner is None:
        return
    prefix, formula, version = owner
    arch = dict(PREFIXES)[prefix]
    exe = g.resolved
    try:
        info = ctx.inspect(exe)
        fit = archfit.fit(info, host)
        archs = "+".join(info.archs)
    except GoarchlabError:
        fit, archs = None, _ARCH_NAME[arch] + " (by prefix)"
    wrong = fit.mode != "native" if fit is not None else arch != host.native_arch
    if wrong:
        how = fit.reason if fit is not None else f"{prefix} holds {_ARCH_NAME[arch]} formulae"
        yield Finding(
            "homebrew.go-arch", AREA, Severity.ERROR,
            f"the go on PATH is Homebrew's {formula} {version} from {prefix}, built for {archs}",
            f"{g.path} -> {_mac(root, exe)}: {how}. Every build defaults to that arch too.",
            Fix(f"/opt/homebrew/bin/brew install {formula}, put /opt/homebrew/bin before "
                f"{prefix}/bin on PATH, and '{prefix}/bin/brew uninstall {formula}'."), REFS)
        return
    yield Finding("homebrew.go", AREA, Severity.OK,
                  f"the go on PATH is Homebrew's {formula} {version} from {prefix} ({archs})",
                  f"'brew --prefix {formula}' is {prefix}/opt/{formula}; the binary is "
                  f"{_mac(root, exe)}.", refs=REFS)
