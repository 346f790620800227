"""``goarchlab shell-init bash|zsh|fish [--activate]``: print the snippet that puts the
shims on PATH, and with ``--activate`` a prompt hook that puts the resolved toolchain
itself first on PATH (no per-call cost)."""

from __future__ import annotations

import os

from goarchlab import render
from goarchlab.home import goarchlab_home
from goarchlab.toolchains import hostplat, shims
from goarchlab.toolchains.shims import SHELLS
from goarchlab.toolchains.store import Store


def register(subparsers) -> None:
    """Add ``shell-init``."""
    p = subparsers.add_parser(
        "shell-init",
        help="print the shell code that puts the go/gofmt shims on PATH",
        description='Add  eval "$(goarchlab shell-init zsh)"  to your shell start-up file '
        "(fish: goarchlab shell-init fish | source).",
    )
    p.add_argument("shell", choices=SHELLS)
    p.add_argument("--activate", action="store_true",
                   help="also add a prompt hook that puts the toolchain this directory "
                   "resolves to first on PATH and sets GOROOT (each go call then costs "
                   "nothing extra; the shims stay behind it)")
    p.set_defaults(handler=_run)


def _run(args) -> int:
    store = Store(goarchlab_home(), hostplat.native())
    state = shims.ensure(store, os.environ, render.note)
    if args.activate:
        snippet = shims.activate_snippet(args.shell, store.shims)
        if state.kind != "compiled":
            render.note("activation starts once a toolchain is installed (its helper is "
                        "compiled then); until then the shims serve every go call")
    else:
        snippet = shims.shell_snippet(args.shell, store.shims)
    render.emit(shims.ShellInit(args.shell, store.shims, state.kind, snippet, args.activate))
    return 0
