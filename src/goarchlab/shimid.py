"""What tells a goarchlab go/gofmt shim from any other go, read from its bytes.

A base module so that doctor, which asks this of every go on PATH, need not
import the toolchains package (~15 ms) for a go that is no shim; goarchlab.toolchains.shims
builds the shims and writes the script ones.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from goarchlab.errors import GoarchlabError

#: The compiled shim's Go module path (toolchains/shim/go.mod), which its build info carries.
MODULE = "goarchlab.invalid/shim"
#: What a script shim (written before any toolchain exists) runs: it hands over to
#: ``goarchlab toolchain exec -- TOOL``.
SCRIPT_MARK = b" toolchain exec -- "


def is_shim(path: Path, inspect: Callable[[Path], Any] | None = None) -> bool:
    """True when ``path`` is a goarchlab go/gofmt shim: the compiled one (its Go build
    info names :data:`MODULE`) or a script shim (:data:`SCRIPT_MARK` in its first 512
    bytes).

    Only reads the file (``inspect``: a memoised goarchlab.binary.inspect, if the
    caller has one); never runs it, since a shim may install a toolchain. Any other
    script is decided from those 512 bytes, without reading headers.
    """
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError:
        return False
    if head.startswith(b"#!"):
        return SCRIPT_MARK in head
    if inspect is None:
        from goarchlab.binary import inspect
    try:
        bi = inspect(path).go
    except GoarchlabError:
        return False
    return bi is not None and MODULE in (bi.main_module, bi.path)
