"""``--emit github-actions``: the same matrix as a GitHub Actions workflow.

Each target is given to the hosted runner that executes it natively
(ubuntu-24.04 for linux/amd64 and linux/386, ubuntu-24.04-arm for
linux/arm64, macos-15 for darwin/arm64, macos-15-intel for darwin/amd64;
labels in :mod:`goarchlab.ghactions`); linux/arm goes to ubuntu-24.04-arm too,
but goarchlab does not assume an arm64 CPU runs AArch32 code
(host.archmap.COMPAT), so there, with no qemu installed, its tests are
skipped. Every other target is built and vetted on ubuntu-24.04. Each job
installs goarchlab with pip (``$GOARCHLAB_SPEC``), runs ``goarchlab matrix
--json`` for its targets and uploads the JSON; a last job downloads them all
and merges them (``goarchlab matrix --merge``) into one grid in the job summary.

The Go versions are exact releases, resolved when the workflow is written
(:mod:`goarchlab.toolchains.exact`): every runner tests the same Go, and the
file says which. One job per runner tests all of them (``--go A,B``): the
matrix command already runs versions x targets, and splitting by version would
install goarchlab and Python once more per version for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from goarchlab import __version__, ghactions

#: Hosted runner label for each target that one executes natively.
NATIVE_RUNNER = {
    "linux/amd64": ghactions.LINUX_AMD64,
    "linux/386": ghactions.LINUX_AMD64,
    "linux/arm64": ghactions.LINUX_ARM64,
    "linux/arm": ghactions.LINUX_ARM64,
    "darwin/arm64": ghactions.MACOS_ARM64,
    "darwin/amd64": ghactions.MACOS_AMD64,
}
#: Where targets no hosted runner executes are built and vetted.
BUILD_ONLY_RUNNER = ghactions.LINUX_AMD64


def assign(targets: Sequence[str]) -> dict[str, list[str]]:
    """Runner label -> the targets it runs, in the order first needed."""
    out: dict[str, list[str]] = {}
    for t in targets:
        plat = "/".join(t.split("/")[:2])
        out.setdefault(NATIVE_RUNNER.get(plat, BUILD_ONLY_RUNNER), []).append(t)
    return out


def github_actions(
    go_versions: Sequence[str], targets: Sequence[str], packages: Sequence[str],
    test_args: Sequence[str], pip_spec: str = ghactions.DEFAULT_SPEC, python: str = "3.12",
    resolved: Sequence[str] = (),
) -> str:
    """The workflow YAML text for ``go_versions`` (exact releases: go1.22.10) x
    ``targets``; ``resolved``: header lines saying how each was chosen."""
    groups = assign(targets)
    cmd = ["goarchlab", "matrix", "--go", ",".join(go_versions), "--targets", "TARGETS"]
    for p in packages:
        cmd += ["--package", p]
    cmd += ["--json"]  # before "--": what follows it belongs to go test
    cmd_text = ghactions.shell_join(cmd).replace(" TARGETS", ' "$TARGETS"')
    if test_args:
        cmd_text += " -- " + ghactions.shell_join(test_args)
    install = [f"goarchlab toolchain install {v.removeprefix('go')}" for v in go_versions]
    run_steps = [
        {"uses": ghactions.CHECKOUT},
        *ghactions.install_steps(python),
        {"name": "Install Go " + ", ".join(go_versions), "run": "\n".join(install) + "\n"},
        {"name": "Build, vet and test", "shell": "bash",
         "env": {"TARGETS": "${{ matrix.targets }}",
                 "RESULT": "matrix-${{ matrix.runner }}.json"},
         "run": "status=0\n"
                f'{cmd_text} > "$RESULT" || status=$?\n'
                'goarchlab matrix --merge "$RESULT" --markdown >> "$GITHUB_STEP_SUMMARY" || true\n'
                'exit "$status"\n'},
        {"uses": ghactions.UPLOAD, "if": "${{ always() }}",
         "with": {"name": "matrix-${{ matrix.runner }}",
                  "path": "matrix-${{ matrix.runner }}.json", "if-no-files-found": "error"}},
    ]
    merge_steps = [
        *ghactions.install_steps(python),
        {"uses": ghactions.DOWNLOAD,
         "with": {"pattern": "matrix-*", "path": "results", "merge-multiple": True}},
        {"name": "Merge the results", "shell": "bash",
         "run": "status=0\n"
                "goarchlab matrix --merge results/*.json --json > matrix.json || status=$?\n"
                "goarchlab matrix --merge results/*.json --markdown >> \"$GITHUB_STEP_SUMMARY\""
                " || true\n"
                'exit "$status"\n'},
        {"uses": ghactions.UPLOAD, "if": "${{ always() }}",
         "with": {"name": "matrix-merged", "path": "matrix.json"}},
    ]
    doc = {
        "name": "goarchlab matrix",
        "on": {"push": None, "pull_request": None, "workflow_dispatch": None},
        "permissions": {"contents": "read"},
        "env": ghactions.spec_env(pip_spec),
        "jobs": {
            "matrix": {
                "name": "matrix on ${{ matrix.runner }}",
                "runs-on": "${{ matrix.runner }}",
                "strategy": {"fail-fast": False, "matrix": {"include": [
                    {"runner": label, "targets": ",".join(ts)} for label, ts in groups.items()
                ]}},
                "steps": run_steps,
            },
            "merge": {"needs": "matrix", "if": "${{ always() }}",
                      "runs-on": ghactions.LINUX_AMD64, "steps": merge_steps},
        },
    }
    return ghactions.dump(doc, [
        f"Generated by goarchlab {__version__}: goarchlab matrix --emit github-actions",
        f"goarchlab is installed with pip from ${ghactions.SPEC_VAR}: set the repository "
        "variable, or edit the default below.",
        *resolved,
    ])
