"""``go help TOPIC`` of one go binary, cached under GOARCHLAB_HOME/cache/doctor/.

Why a cache: the help text is compiled into the go binary, so every run of that
binary prints the same text, and asking it costs a go process (~10 ms of CPU,
started late: the GOFLAGS check needs the identified go first) at the end of
doctor's critical path. The entry is keyed by the binary's device, inode, size
and modification time (nanoseconds), which any reinstall, upgrade or rebuild
changes, and holds the binary's resolved path on its first line, checked on
every read. A cache that cannot be read or written is only a slower run.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from goarchlab.doctor.context import Context


def help_text(ctx: Context, go: Path, topic: str) -> str | None:
    """The stdout of ``go help <topic>`` (topic: a word such as ``build``) of the go at
    ``go``, from the cache when this very binary answered before; None when go fails."""
    return ctx.memo(("go help", topic, str(go)), lambda: _help_text(ctx, go, topic))


def _help_text(ctx: Context, go: Path, topic: str) -> str | None:
    from goarchlab.home import goarchlab_home

    try:
        real = go.resolve()
        st = real.stat()
        entry = goarchlab_home(ctx.env) / "cache" / "doctor" / (
            f"go-help-{topic}-{st.st_dev}-{st.st_ino}-{st.st_size}-{st.st_mtime_ns}.txt")
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
        entry = None
    if entry is not None:
        try:
            first, _, text = entry.read_text(encoding="utf-8").partition("\n")
            if first == str(real):
                return text
        except (OSError, UnicodeDecodeError):
            pass
    r = ctx.run((str(go), "help", topic), env=ctx.go_command_env())
    if not r.ok:
        return None
    if entry is not None:
        _store(entry, f"{real}\n{r.stdout}")
    return r.stdout


def _store(entry: Path, body: str) -> None:
    """Write ``entry`` whole or not at all (a temporary name, then rename): a doctor
    run at the same moment reads the old entry, none, or the new one."""
    tmp = entry.with_name(f".{entry.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, entry)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
