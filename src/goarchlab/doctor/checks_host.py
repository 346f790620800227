"""Host checks: what this machine is, and whether goarchlab's own Python runs translated.

A Python running under Rosetta 2 (an x86_64 Python on Apple Silicon) starts
everything it launches as x86_64 when the program is universal, so it is worth
saying before anything else.
"""

from __future__ import annotations

from collections.abc import Iterator

from goarchlab.doctor.context import Context
from goarchlab.doctor.facts import translator_name
from goarchlab.doctor.model import Finding, Fix, Severity, check


@check("host.facts", "host", "this machine's OS, native arch, translators, and whether "
       "goarchlab's own Python runs translated")
def check_host(ctx: Context) -> Iterator[Finding]:
    """Summarise the host facts; warn when this Python process runs translated."""
    h = ctx.host
    # binfmt and Rosetta apply on a plain exec (the kernel hands the binary over).
    runs = [f"{translator_name(t)}{' (binfmt)' * (t.kind == 'binfmt')} for {t.arch}"
            for t in h.translators if t.kind in ("binfmt", "rosetta")]
    covered = {t.arch for t in h.translators if t.kind in ("binfmt", "rosetta")}
    # A qemu-user binary runs a foreign program only when called with it as argument:
    # goarchlab.targets picks it as the Runner for bench and matrix (go test -exec).
    explicit = [f"{' '.join(t.command) or t.interpreter} for {t.arch}"
                for t in h.translators if t.kind == "qemu" and t.arch not in covered]
    parts = []
    if runs:
        parts.append("foreign binaries run through: " + ", ".join(runs))
    if explicit:
        parts.append("run explicitly (not on a plain exec, which fails with 'exec format "
                      "error'; goarchlab bench and matrix run them this way): "
                      + ", ".join(explicit))
    yield Finding("host.facts", "host", Severity.OK,
                  f"{h.platform}: {h.os_version}, {h.cpu_model}",
                  "; ".join(parts) or "no translator: a binary for another architecture "
                  "cannot start here")
    if h.translated:
        yield Finding(
            "host.python", "host", Severity.WARN,
            f"goarchlab's Python runs as {h.process_arch} under translation on this "
            f"{h.native_arch} machine",
            "programs it starts that have a native slice may start translated too; the "
            "Python install is for the wrong architecture",
            Fix(f"install a {h.os}/{h.native_arch} Python and reinstall goarchlab with it"))
