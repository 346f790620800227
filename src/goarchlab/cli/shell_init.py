"""``goarchlab shell-init bash|zsh|fish``: print the snippet that puts the shims on PATH."""

from __future__ import annotations

import os

from goarchlab import render
from goarchlab.toolchains.shims import SHELLS


def register(subparsers) -> None:
    """Add ``shell-init``."""
    p = subparsers.add_parser(
        "shell-init",
        help="print the shell code that puts the go/gofmt shims on PATH",
        description='Add  eval "$(goarchlab shell-init zsh)"  to your shell start-up file '
        "(fish: goarchlab shell-init fish | source).",
    )
    p.add_argument("shell", choices=SHELLS)
    p.set_defaults(handler=_run)


def _run(args) -> int:
    from goarchlab.toolchains import hostplat, shims
    from goarchlab.toolchains.model import goarchlab_home
    from goarchlab.toolchains.store import Store

    store = Store(goarchlab_home(), hostplat.native())
    state = shims.ensure(store, os.environ, render.note)
    snippet = shims.shell_snippet(args.shell, store.shims)
    render.emit(shims.ShellInit(args.shell, store.shims, state.kind, snippet))
    return 0
