"""Which Go toolchain the go command will run for a module: a model of its startup switch.

The go command (Go 1.21+) decides at startup, before doing anything else,
whether to run itself or another toolchain. doctor must say what *will*
happen without running a go command that could download a toolchain, so this
module reproduces that decision. It follows ``Select`` in
``$GOROOT/src/cmd/go/internal/toolchain/select.go`` (read from go1.27.3) and
``go help toolchain``:

* ``GOTOOLCHAIN`` is ``local``, ``auto`` (= ``local+auto``), ``path``
  (= ``local+path``), ``<name>`` or ``<name>+auto`` / ``<name>+path``; the
  ``<name>`` (or the local toolchain for ``local``) is the *minimum*.
* Only with ``+auto``/``+path`` are the go.mod (or go.work) lines read: a
  ``toolchain`` line newer than the minimum raises it; then a ``go`` line newer
  still raises it to ``go<line>``, with ``.0`` appended to a language version
  of 1.21 or later (``go 1.99`` -> ``go1.99.0``). ``toolchain default`` keeps
  the minimum.
* If the result is not the local toolchain, go looks for a program of that name
  on PATH and else (not in ``path`` mode) downloads the module
  ``golang.org/toolchain@v0.0.1-<name>.<GOOS>-<GOARCH>`` where GOOS/GOARCH are
  those of the running go binary.
* The toolchain that finally runs refuses a go.mod whose ``go`` line is newer
  than itself: ``go: go.mod requires go >= X (running go Y; GOTOOLCHAIN=...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from goarchlab.gocmd.version import GoVersion

SOURCE_REF = "$GOROOT/src/cmd/go/internal/toolchain/select.go (Select, Exec); go help toolchain"


@dataclass(frozen=True)
class Selection:
    """The outcome of the go command's startup toolchain switch.

    ``toolchain``: the toolchain name that will run, e.g. ``go1.99.0``, or
    ``local``. ``reason``: ``local``, ``gotoolchain`` (the GOTOOLCHAIN minimum),
    ``toolchain-line`` or ``go-line``. ``mode``: ``""`` (no switching by the
    module), ``auto`` or ``path``. ``too_new``: the go line when the toolchain
    that runs is older than it (the go command then fails), else None.
    ``invalid``: an error message the go command prints before doing anything
    (an invalid GOTOOLCHAIN or toolchain line), else None.
    """

    toolchain: str
    reason: str
    mode: str
    too_new: str | None = None
    invalid: str | None = None

    @property
    def switches(self) -> bool:
        """True when another toolchain than the local one will run."""
        return self.toolchain != "local" and self.invalid is None


def version_of_toolchain(name: str) -> GoVersion | None:
    """The Go version a toolchain name stands for (``go1.2.3-bigcorp`` -> go1.2.3), as
    ``gover.FromToolchain`` reads it; None for anything that is not ``go<version>``."""
    if "/" in name or "\\" in name or not name.startswith("go"):
        return None
    v = name[2:]
    for sep in (" ", "\t", "-"):
        v = v.split(sep, 1)[0]
    return GoVersion.try_parse(v)


def select(gotoolchain: str, local: GoVersion, go_line: str | None,
           toolchain_line: str | None, file: str = "go.mod") -> Selection:
    """Decide which toolchain runs, given the effective GOTOOLCHAIN, the local
    go's version and the module file's ``go``/``toolchain`` lines (None when absent).

    ``file`` names the module file (go.mod or go.work) in messages.
    """
    min_name, min_vers = "local", local
    mode = ""
    if gotoolchain == "auto":
        mode = "auto"
    elif gotoolchain == "path":
        mode = "path"
    else:
        base, plus, suffix = gotoolchain.partition("+")
        if base != "local":
            v = version_of_toolchain(base)
            if v is None:
                msg = (f'invalid GOTOOLCHAIN "{gotoolchain}": invalid minimum toolchain "{base}"'
                       if plus else f'invalid GOTOOLCHAIN "{gotoolchain}"')
                return Selection("local", "local", "", invalid=msg)
            min_name, min_vers = base, v
        if plus and suffix not in ("auto", "path"):
            return Selection("local", "local", "", invalid=(
                f'invalid GOTOOLCHAIN "{gotoolchain}": only version suffixes are +auto and +path'))
        mode = suffix

    name, vers, reason = min_name, min_vers, ("local" if min_name == "local" else "gotoolchain")
    go_vers = GoVersion.try_parse(go_line) if go_line else None
    if mode in ("auto", "path") and toolchain_line != "default":
        if toolchain_line:
            tv = version_of_toolchain(toolchain_line)
            if tv is None:
                return Selection("local", "local", mode,
                                 invalid=f'invalid toolchain "{toolchain_line}" in {file}')
            if tv > vers:
                name, vers, reason = toolchain_line, tv, "toolchain-line"
        if go_vers is not None and go_vers > vers:
            name = f"go{go_line}"
            if go_vers.kind == "lang" and go_vers.at_least(1, 21):
                name += ".0"
            vers, reason = GoVersion.parse(name), "go-line"
    if name == str(local):  # select.go: gotoolchain == gover.LocalToolchain() runs locally
        name = "local"
    too_new = go_line if go_vers is not None and go_vers > vers else None
    return Selection(name, reason, mode, too_new=too_new)


def download_module(toolchain: str, goos: str, goarch: str) -> str:
    """The module the go command downloads for ``toolchain`` when it is not on PATH,
    e.g. ``golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64``."""
    return f"golang.org/toolchain@v0.0.1-{toolchain}.{goos}-{goarch}"


#: Go ships a new minor release every six months (go.dev/doc/devel/release); a version
#: two or more minors past the newest one a machine knows would need a year of releases
#: this machine has never seen.
UNLIKELY_MINORS_AHEAD = 2


def release_status(version: GoVersion, known: list[GoVersion]) -> str:
    """Whether ``version`` is a Go release, judged without network from ``known`` (the
    releases this machine has: installed toolchains, the go on PATH):

    ``known`` (it is one of them or older than the newest: not judged further),
    ``newer`` (newer than every known one: it may be a release this machine has not
    seen), ``unknown`` (:data:`UNLIKELY_MINORS_AHEAD` or more minors past the newest:
    not a known release).
    """
    if not known:
        return "known"
    newest = max(known)
    if version <= newest:
        return "known"
    if (version.major, version.minor) >= (newest.major, newest.minor + UNLIKELY_MINORS_AHEAD):
        return "unknown"
    return "newer"
