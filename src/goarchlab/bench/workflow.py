"""``goarchlab bench --emit github-actions``: the same benchmark on a fleet of hosted runners.

Three legs, each the host's default pair (native against translated) when no
``--vs`` is given:

- ``macos-arm64`` (macos-15, Apple Silicon): darwin/arm64 against darwin/amd64
  under Rosetta 2. GitHub's image documentation does not promise Rosetta, so
  the leg installs it when its runtime is absent (softwareupdate
  --install-rosetta; nothing to do when present);
- ``linux-arm64`` (ubuntu-24.04-arm): linux/arm64 against linux/amd64 under QEMU;
- ``linux-amd64`` (ubuntu-24.04): linux/amd64 against linux/arm64 under QEMU;
  both Linux legs install Ubuntu's qemu-user and qemu-user-binfmt.

Each leg installs goarchlab (``$GOARCHLAB_SPEC``) and the Go releases the
command names (exact, resolved when the workflow is written), runs ``goarchlab
bench ARGS --json`` and uploads the result; the ``report`` job downloads every
leg, runs ``goarchlab bench merge`` (Markdown into the job summary, ``--report``
HTML uploaded as an artifact) and fails on a significant regression when the
command had ``--fail-on-regression``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goarchlab import __version__, ghactions


@dataclass(frozen=True)
class Leg:
    """One runner: ``name`` (artifact and job label), hosted ``runner`` label,
    ``pair`` (what the default pair measures there)."""

    name: str
    runner: str
    pair: str


_QEMU = ("sudo apt-get update -qq\n"
         "sudo apt-get install -y -qq --no-install-recommends qemu-user qemu-user-binfmt\n")
# The file goarchlab's host layer looks for (host.native): Rosetta's runtime.
_ROSETTA = ("if [ ! -e /Library/Apple/usr/libexec/oah/libRosettaRuntime ]; then\n"
            "  sudo softwareupdate --install-rosetta --agree-to-license\n"
            "fi\n"
            "arch -x86_64 /usr/bin/true\n")

LEGS: tuple[Leg, ...] = (
    Leg("macos-arm64", ghactions.MACOS_ARM64,
        "darwin/arm64 native against darwin/amd64 under Rosetta 2"),
    Leg("linux-arm64", ghactions.LINUX_ARM64,
        "linux/arm64 native against linux/amd64 under QEMU"),
    Leg("linux-amd64", ghactions.LINUX_AMD64,
        "linux/amd64 native against linux/arm64 under QEMU"),
)
REPORT = "bench-report.html"


def github_actions(bench_args: Sequence[str], go_versions: Sequence[str], *,
                   fail_on_regression: bool, pip_spec: str = ghactions.DEFAULT_SPEC,
                   python: str = "3.12", resolved: Sequence[str] = ()) -> str:
    """The workflow YAML text. ``bench_args``: the words after ``goarchlab bench``
    each leg runs (without output options); ``go_versions``: exact releases each
    leg installs first (go1.27.3); ``resolved``: header lines saying how they
    were chosen."""
    bench = ghactions.shell_join(["goarchlab", "bench", *bench_args, "--json"])
    install = "".join(f"goarchlab toolchain install {v.removeprefix('go')}\n"
                      for v in go_versions)
    leg_steps = [
        {"uses": ghactions.CHECKOUT},
        *ghactions.install_steps(python),
        {"name": "Install Rosetta 2", "if": "runner.os == 'macOS'", "shell": "bash",
         "run": _ROSETTA},
        {"name": "Install QEMU user-mode emulation", "if": "runner.os == 'Linux'",
         "shell": "bash", "run": _QEMU},
        *([{"name": "Install Go " + ", ".join(go_versions), "run": install}]
          if go_versions else []),
        {"name": "Benchmark (${{ matrix.pair }})", "shell": "bash",
         "env": {"RESULT": "bench-${{ matrix.leg }}.json"},
         "run": f'{bench} > "$RESULT"\n'},
        {"uses": ghactions.UPLOAD, "if": "${{ always() }}",
         "with": {"name": "bench-${{ matrix.leg }}", "path": "bench-${{ matrix.leg }}.json",
                  "if-no-files-found": "error"}},
    ]
    merge = ["goarchlab", "bench", "merge", "RESULTS", "--markdown", "--report", REPORT]
    if fail_on_regression:
        merge.append("--fail-on-regression")
    merge_text = ghactions.shell_join(merge).replace("RESULTS", "results/*.json")
    report_steps = [
        *ghactions.install_steps(python),
        {"uses": ghactions.DOWNLOAD,
         "with": {"pattern": "bench-*", "path": "results", "merge-multiple": True}},
        {"name": "Merge the legs", "shell": "bash",
         "run": f'{merge_text} >> "$GITHUB_STEP_SUMMARY"\n'},
        {"uses": ghactions.UPLOAD, "if": "${{ always() }}",
         "with": {"name": "bench-report", "path": f"{REPORT}\nresults/\n",
                  "if-no-files-found": "warn"}},
    ]
    doc = {
        "name": "goarchlab bench",
        "on": {"push": {"branches": ["main"]}, "workflow_dispatch": None},
        "permissions": {"contents": "read"},
        "env": ghactions.spec_env(pip_spec),
        "jobs": {
            "bench": {
                "name": "bench on ${{ matrix.leg }}",
                "runs-on": "${{ matrix.runner }}",
                "strategy": {"fail-fast": False, "matrix": {"include": [
                    {"leg": leg.name, "runner": leg.runner, "pair": leg.pair}
                    for leg in LEGS]}},
                "steps": leg_steps,
            },
            "report": {"needs": "bench", "if": "${{ always() }}",
                       "runs-on": ghactions.LINUX_AMD64, "steps": report_steps},
        },
    }
    return ghactions.dump(doc, [
        f"Generated by goarchlab {__version__}: goarchlab bench --emit github-actions",
        f"goarchlab is installed with pip from ${ghactions.SPEC_VAR}: set the repository "
        "variable, or edit the default below.",
        *(f"{leg.name} ({leg.runner}): {leg.pair}" for leg in LEGS),
        *resolved,
    ])


@dataclass(frozen=True)
class Versions:
    """The Go releases a workflow names: ``go`` (the baseline's ``--go``, exact, or
    None: the directory's pin decides on the runner as here), ``vs`` (the ``--vs``
    values with each Go version exact), ``install`` (every release to install,
    exact) and ``notes`` (how each was resolved, for the file's header)."""

    go: str | None
    vs: tuple[str, ...]
    install: tuple[str, ...]
    notes: tuple[str, ...]


def versions(go: str | None, vs: Sequence[str], cwd, env, home, notify) -> Versions:
    """Resolve ``--go``, the Go versions in ``--vs`` and, without ``--go``, the
    version the directory pins (.go-version, go.mod ...), to exact releases
    (:func:`goarchlab.toolchains.api.exact_versions`). UsageError when nothing names or pins a
    Go: a runner's go on PATH is whatever its image ships."""
    from goarchlab.bench.variants import split_changes
    from goarchlab.errors import UsageError
    from goarchlab.gocmd.version import GoVersion
    from goarchlab.toolchains.api import exact_versions, request

    specs: list[str] = []
    base = go
    if base is None:
        choice = request(cwd, env, home)
        if choice is None or choice.version is None:
            raise UsageError("--emit needs to know the baseline's Go: nothing here pins one",
                             "pass --go 1.27 (or pin one: goarchlab toolchain use --local 1.27)")
        base = choice.value
    specs.append(base)
    split = [split_changes(v) for v in vs]
    for changes in split:
        specs += [c for c in changes if "/" not in c and "=" not in c
                  and GoVersion.try_parse(c) is not None]
    exact = {e.asked: e for e in exact_versions(specs, home, env, notify)}
    new_vs = tuple("+".join(str(exact[c].version) if c in exact else c for c in changes)
                   for changes in split)
    notes = tuple(f"Go {e.asked}: {e.version} ({e.where})" for e in exact.values())
    install = tuple(dict.fromkeys(str(e.version) for e in exact.values()))
    return Versions(str(exact[go].version) if go else None, new_vs, install, notes)
