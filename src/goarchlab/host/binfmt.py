"""Linux binfmt_misc handlers: which foreign ELF binaries the kernel hands to an emulator.

Each handler is a file under ``/proc/sys/fs/binfmt_misc`` (see the kernel's
Documentation/admin-guide/binfmt-misc.rst) that reads like::

    enabled
    interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
    flags: PO
    offset 0
    magic 7f454c460201010000000000000000000200b700
    mask ffffffffffffff00fffffffffffffffffeffffff

The magic is the start of an ELF header, so the GOARCH it matches is read from
its class, byte order and e_machine bytes: the handler's name (``qemu-aarch64``,
``rosetta``) is only a label chosen by whoever registered it.
"""

from __future__ import annotations

from dataclasses import dataclass

from goarchlab.host import archmap

BINFMT_DIR = "/proc/sys/fs/binfmt_misc"
_NOT_HANDLERS = {"register", "status"}


@dataclass(frozen=True)
class BinfmtEntry:
    """One binfmt_misc handler as registered.

    ``name``: the file name (``qemu-aarch64``); ``path``: where it was read.
    ``enabled``: the handler's own switch (the global ``status`` is applied by
    :func:`read_handlers`). ``interpreter``: the emulator's path; ``flags``:
    letters such as ``P`` (preserve argv[0]), ``O`` (open binary), ``C``
    (credentials), ``F`` (interpreter opened at registration, so it works even
    where its path is absent). ``goarch``: the Go GOARCH its ELF magic matches,
    or None (an extension handler, a non-ELF magic). ``problem``: why it will
    not run anything (disabled, interpreter missing, unreadable), else None.
    """

    name: str
    path: str
    enabled: bool
    interpreter: str
    flags: str
    goarch: str | None
    problem: str | None = None

    @property
    def usable(self) -> bool:
        """True when the kernel will run matching binaries through this handler."""
        return self.problem is None and self.goarch is not None


def parse_entry(name: str, path: str, text: str) -> BinfmtEntry:
    """Parse one handler file's text. Malformed text gives an entry with a ``problem``."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines or lines[0] not in ("enabled", "disabled"):
        return BinfmtEntry(name, path, False, "", "", None, "unreadable handler entry")
    enabled = lines[0] == "enabled"
    fields: dict[str, str] = {}
    for ln in lines[1:]:
        key, _, value = ln.partition(" ")
        fields[key.rstrip(":")] = value.strip()
    interpreter = fields.get("interpreter", "")
    flags = fields.get("flags", "")
    goarch = None
    if "magic" in fields:
        try:
            magic = bytes.fromhex(fields["magic"])
            mask = bytes.fromhex(fields["mask"]) if fields.get("mask") else b"\xff" * len(magic)
            offset = int(fields.get("offset", "0"))
        except ValueError:
            return BinfmtEntry(name, path, enabled, interpreter, flags, None,
                               "magic or mask is not hexadecimal")
        masked = bytes(m & k for m, k in zip(magic, mask.ljust(len(magic), b"\xff"), strict=False))
        if offset == 0:
            goarch = archmap.elf_header_goarch(masked)
    problem = None
    if not enabled:
        problem = "handler disabled"
    elif not interpreter:
        problem = "no interpreter"
    return BinfmtEntry(name, path, enabled, interpreter, flags, goarch, problem)


def read_handlers(probe, directory: str = BINFMT_DIR) -> tuple[BinfmtEntry, ...]:
    """Every handler under ``directory`` as read through ``probe`` (see goarchlab.host.probe).

    An interpreter path that does not exist makes the handler unusable unless
    it was registered with the ``F`` flag. When binfmt_misc is globally
    disabled (``status`` reads ``disabled``) every handler gets that problem.
    Returns () when binfmt_misc is not mounted.
    """
    names = probe.listdir(directory)
    if not names:
        return ()
    status = (probe.read_text(f"{directory}/status") or "enabled").strip()
    out = []
    for name in sorted(n for n in names if n not in _NOT_HANDLERS):
        path = f"{directory}/{name}"
        text = probe.read_text(path)
        entry = parse_entry(name, path, text or "")
        problem = entry.problem
        if problem is None and status == "disabled":
            problem = "binfmt_misc is disabled (status)"
        if problem is None and "F" not in entry.flags and not probe.exists(entry.interpreter):
            problem = f"interpreter {entry.interpreter} is missing"
        if problem != entry.problem:
            entry = BinfmtEntry(entry.name, entry.path, entry.enabled, entry.interpreter,
                                entry.flags, entry.goarch, problem)
        out.append(entry)
    return tuple(out)
