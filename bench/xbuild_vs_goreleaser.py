"""``goarchlab xbuild`` against a real peer: ``goreleaser build``, same targets, same flags.

goreleaser (pinned, built once with ``go install`` through the Go module proxy
into a cache) gets a minimal ``.goreleaser.yaml`` (version 2) for exactly what
``goarchlab xbuild --first-class --trimpath --ldflags ...`` builds: the same
eight first-class ports of ``go tool dist list -json``, the same go binary,
``-trimpath``, the same ``-ldflags`` and, per target, the CGO_ENABLED xbuild
chooses (go's own default: the host's ``go env CGO_ENABLED`` for the host
platform, one ``go env`` of a foreign platform for all others; see
goarchlab.xbuild.cgo). goreleaser's level defaults (GOAMD64, GO386, GOARM,
GOARM64) are set to the go command's own defaults, which xbuild leaves unset.

On a warm build cache (one untimed run of each first) the two commands
alternate, each round starting with the other one; every build relinks
(goreleaser's ``--clean``, xbuild's fresh staging directory). xbuild also
hashes and verifies each artifact and writes SHA256SUMS and a manifest;
``goreleaser build`` writes its artifacts.json and metadata.json. xbuild runs as
a user's install runs it: a new process of a venv's python (as pipx makes),
without this machine's own site hooks (benchmodule.user_interpreter).

Goal (issue 16): ``xbuild/goreleaser`` <= 1.0 on a small module.

    python bench/xbuild_vs_goreleaser.py [--module DIR] [--package .] [--go 1.27.3]
        [--rounds 5] [--cache DIR]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmodule import LDFLAGS, cpu_model, timed, user_interpreter, write_module

from goarchlab import proc, toolchains
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.distlist import dist_list
from goarchlab.xbuild import cgo as xcgo
from goarchlab.xbuild import plan as xplan

GORELEASER = "github.com/goreleaser/goreleaser/v2"
#: Tried in order: the pinned release, then the one before it (issue 16).
VERSIONS = ("v2.17.0", "v2.15.1")
#: Seconds for building goreleaser (hundreds of modules; minutes on 2 cores).
INSTALL_TIMEOUT = 3600.0

#: goreleaser's variant suffix per GOARCH (internal/builders/golang Parse) and the
#: go variable whose default fills it.
LEVEL_VAR = {"amd64": "GOAMD64", "386": "GO386", "arm": "GOARM", "arm64": "GOARM64"}


@dataclass(frozen=True)
class PlannedTarget:
    """One target as xbuild builds it: ``goos``/``goarch``, ``level``: the go
    command's default for the arch's level variable ("" when it has none),
    ``cgo``: CGO_ENABLED ("0"/"1")."""

    goos: str
    goarch: str
    level: str
    cgo: str

    @property
    def goreleaser(self) -> str:
        """goreleaser's target name: ``goos_goarch[_level]``."""
        return f"{self.goos}_{self.goarch}" + (f"_{self.level}" if self.level else "")


def xbuild_plan(go: Path, env: dict[str, str], cwd: Path) -> list[PlannedTarget]:
    """The first-class targets and their CGO_ENABLED, decided with xbuild's own
    functions (plan.toolchain_of, cgo.cross_default) under ``env``."""
    go, _version, host, host_cgo = xplan.toolchain_of(go, env, cwd)
    base = {**env, "GOTOOLCHAIN": "local"}
    cross = xcgo.cross_default(go, base, host, cwd)
    out = []
    for d in dist_list(go, base):
        if not d.first_class:
            continue
        var = LEVEL_VAR.get(d.goarch)
        level = ""
        if var:
            level = xcgo.go_env_values(go, {**base, "GOOS": d.goos, "GOARCH": d.goarch},
                                       [var], cwd).get(var, "")
        cgo = host_cgo if (d.goos, d.goarch) == host else cross
        out.append(PlannedTarget(d.goos, d.goarch, level, cgo))
    return out


def _q(s: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(s)


def goreleaser_config(targets: list[PlannedTarget], *, go: Path, package: str, binary: str,
                      ldflags: str, dist: Path, project: str) -> str:
    """``.goreleaser.yaml`` (version 2): one build per CGO_ENABLED value, each
    naming its targets, with ``-trimpath`` and ``ldflags``; ``dist`` is the
    output directory."""
    lines = ["version: 2", f"project_name: {_q(project)}", f"dist: {_q(str(dist))}", "builds:"]
    for cgo in sorted({t.cgo for t in targets}):
        lines += [
            f"  - id: {_q('cgo' + cgo)}",
            f"    main: {_q(package)}",
            f"    binary: {_q(binary)}",
            f"    tool: {_q(str(go))}",
            "    flags:",
            f"      - {_q('-trimpath')}",
            "    ldflags:",
            f"      - {_q(ldflags)}",
            "    env:",
            f"      - {_q('CGO_ENABLED=' + cgo)}",
            "    targets:",
            *(f"      - {_q(t.goreleaser)}" for t in targets if t.cgo == cgo),
        ]
    # Nothing is released: without this 'goreleaser check' wants a git repository.
    lines += ["release:", "  disable: true"]
    return "\n".join(lines) + "\n"


def default_cache(env: dict[str, str]) -> Path:
    """Where goreleaser is kept: GOARCHLAB_HOME/tools when a pinned goreleaser is
    already there (beside goarchlab's own tools, apidiff), else
    GOARCHLAB_HOME/cache/bench-tools, else ~/.cache/goarchlab-bench."""
    home = env.get("GOARCHLAB_HOME")
    if not home:
        return Path.home() / ".cache" / "goarchlab-bench"
    tools = Path(home) / "tools"
    if any((tools / f"goreleaser@{v}" / "goreleaser").is_file() for v in VERSIONS):
        return tools
    return Path(home) / "cache" / "bench-tools"


def ensure_goreleaser(cache: Path, go: Path, env: dict[str, str]) -> tuple[Path, str]:
    """The goreleaser binary and its version, built once per version into
    ``cache/goreleaser@VERSION`` with ``go install`` (module proxy only)."""
    errors = []
    for v in VERSIONS:
        exe = cache / f"goreleaser@{v}" / "goreleaser"
        if exe.is_file():
            return exe, v
    flags = f"{env.get('GOFLAGS', '')} -modcacherw".strip()
    env = {**env, **_proxy_only(go, env), "GOFLAGS": flags}
    for v in VERSIONS:
        gobin = cache / f"goreleaser@{v}"
        gobin.mkdir(parents=True, exist_ok=True)
        print(f"building goreleaser {v} into {gobin} (once; minutes) ...", file=sys.stderr)
        r = proc.run([str(go), "install", f"{GORELEASER}@{v}"],
                     env={**env, "GOBIN": str(gobin)},
                     timeout=INSTALL_TIMEOUT, cwd=gobin)
        if r.ok and (gobin / "goreleaser").is_file():
            return gobin / "goreleaser", v
        errors.append(f"{v}: {(r.stderr or r.stdout).strip()[-600:]}")
    sys.exit("could not build goreleaser:\n" + "\n".join(errors))


def _proxy_only(go: Path, env: dict[str, str]) -> dict[str, str]:
    """GOPROXY without ``direct``/``off`` (nothing fetched from a repository's own
    host) and no GOPRIVATE/GONOPROXY exceptions; exits when no proxy is left."""
    vals = xcgo.go_env_values(go, env, ["GOPROXY"], Path.cwd())
    proxies = [p for p in vals.get("GOPROXY", "").replace("|", ",").split(",")
               if p and p not in ("direct", "off")]
    if not proxies:
        sys.exit("GOPROXY names no module proxy: goreleaser is only fetched through one")
    return {"GOPROXY": ",".join(proxies), "GOPRIVATE": "", "GONOPROXY": ""}


def _spread(xs: list[float]) -> str:
    m = statistics.median(xs)
    return f"{m:.2f} s (min {min(xs):.2f}, max {max(xs):.2f}, spread {(max(xs) - min(xs)) / m:.1%})"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (``--rounds`` >= 1)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--module", type=Path, help="module directory (default: a generated "
                    "net/http + encoding/json server)")
    ap.add_argument("--package", default=".", help="main package in the module (default: .)")
    ap.add_argument("--go", default=None, help="Go version (default: the newest installed)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cache", type=Path, help="where goreleaser is built (default: "
                    "GOARCHLAB_HOME/tools if it holds one, else GOARCHLAB_HOME/cache/"
                    "bench-tools, else ~/.cache/goarchlab-bench)")
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if args.module is not None and not (args.module / "go.mod").is_file():
        ap.error(f"--module {args.module}: no go.mod there")
    return args


@dataclass(frozen=True)
class Setup:
    """One run's inputs: the module directory, the go binary and its version, the
    environment running it, xbuild's targets, the goreleaser config written, the
    xbuild command line and its output directory."""

    module: Path
    go: Path
    version: str
    env: dict[str, str]
    targets: list[PlannedTarget]
    config: Path
    xbuild: list[str]
    xbuild_out: Path


def setup(args: argparse.Namespace, work: Path, tc: toolchains.Toolchain,
          env: dict[str, str]) -> Setup:
    """Write (or take) the module, plan xbuild's targets with ``tc`` and write the
    goreleaser config into ``work``; raises GoarchlabError from the go command."""
    env = toolchains.go_environ(tc, env)
    mod = args.module.resolve() if args.module else write_module(work)
    targets = xbuild_plan(tc.go, env, mod)
    pkg = xplan.load_main_package(tc.go, env, mod, args.package)
    cfg = work / ".goreleaser.yaml"
    cfg.write_text(goreleaser_config(targets, go=tc.go, package=args.package,
                                     binary=pkg.exec_name, ldflags=LDFLAGS,
                                     dist=work / "gr-dist", project=pkg.exec_name))
    xb_out = work / "xb-dist"
    py = user_interpreter(work / "venv")
    xb = [py, "-m", "goarchlab", "xbuild", "--first-class", "--trimpath", "--ldflags",
          LDFLAGS, "--go", str(tc.version).removeprefix("go"), "--json",
          "-o", str(xb_out), args.package]
    return Setup(mod, tc.go, str(tc.version), env, targets, cfg, xb, xb_out)


def build_settings(dist: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(GOOS, GOARCH) -> (CGO_ENABLED, -trimpath) of every Go executable under ``dist``,
    read from its build info (goarchlab.binary never runs it)."""
    from goarchlab.binary import inspect

    out = {}
    for f in sorted(p for p in dist.rglob("*") if p.is_file()):
        try:
            go = inspect(f).slices[0].go
        except GoarchlabError:
            continue  # SHA256SUMS, manifest.json, goreleaser's metadata
        if go is not None:
            st = go.settings
            out[(st["GOOS"], st["GOARCH"])] = (st["CGO_ENABLED"], st.get("-trimpath"))
    return out


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="xbuild-vs-gr-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    env = dict(os.environ)
    try:
        tc = toolchains.ensure(args.go or "latest", install_missing=True, env=env)
        s = setup(args, work, tc, env)
    except GoarchlabError as e:
        sys.exit(f"{e.message} ({e.hint})")
    mod, version, env, targets, xb, xb_out = s.module, s.version, s.env, s.targets, s.xbuild, \
        s.xbuild_out
    exe, gr_version = ensure_goreleaser(args.cache or default_cache(env), s.go, env)
    gr = [str(exe), "build", "--snapshot", "--clean", "--config", str(s.config)]
    load0 = os.getloadavg()
    print(f"warming the cache ({len(targets)} targets, {version}, goreleaser {gr_version}) ...",
          file=sys.stderr)
    timed(gr, env, mod)
    timed(xb, env, mod)
    # Like for like, or the ratio means nothing: each target built by both, with the
    # same cgo setting and -trimpath (read from the artifacts the warm-up wrote).
    gr_built, xb_built = build_settings(s.config.parent / "gr-dist"), build_settings(xb_out)
    if gr_built != xb_built or len(xb_built) != len(targets):
        sys.exit(f"goreleaser and xbuild built different things: {gr_built} vs {xb_built}")
    walls: dict[str, list[float]] = {"goreleaser": [], "xbuild": []}
    cpus: dict[str, list[float]] = {"goreleaser": [], "xbuild": []}
    for i in range(args.rounds):
        order = ["goreleaser", "xbuild"] if i % 2 == 0 else ["xbuild", "goreleaser"]
        for who in order:
            # Outside the timing: goreleaser's --clean empties its own dist.
            shutil.rmtree(xb_out, ignore_errors=True)
            w, c = timed(gr if who == "goreleaser" else xb, env, mod)
            walls[who].append(w)
            cpus[who].append(c)
        print(f"round {i + 1}: goreleaser {walls['goreleaser'][-1]:.2f} s, "
              f"xbuild {walls['xbuild'][-1]:.2f} s, load {os.getloadavg()[0]:.1f}",
              file=sys.stderr)
    med = statistics.median
    cores = os.cpu_count() or 1
    load1 = os.getloadavg()
    print(f"machine: {cores} cores, {cpu_model()}, {platform.system()} {platform.release()}")
    print(f"toolchain: {version}; goreleaser {gr_version} (parallelism = GOMAXPROCS); "
          f"{len(targets)} targets: {', '.join(t.goreleaser + ' cgo=' + t.cgo for t in targets)}")
    print(f"module: {mod if args.module else 'generated net/http + encoding/json server'}; "
          f"{args.rounds} rounds, alternating, warm cache")
    print(f"goreleaser build --snapshot --clean: {_spread(walls['goreleaser'])}")
    print(f"goarchlab xbuild --first-class:      {_spread(walls['xbuild'])}")
    print(f"CPU seconds (user+sys, medians): goreleaser {med(cpus['goreleaser']):.2f}, "
          f"xbuild {med(cpus['xbuild']):.2f}")
    print("load average (1/5/15 min): start " + "/".join(f"{x:.1f}" for x in load0)
          + ", end " + "/".join(f"{x:.1f}" for x in load1))
    print(f"xbuild/goreleaser: {med(walls['xbuild']) / med(walls['goreleaser']):.3f}")


if __name__ == "__main__":
    main()
