"""Results of ``goarchlab godebug diff`` and ``goarchlab godebug show``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

SCHEMA = "goarchlab.godebug/v1"


@dataclass(frozen=True)
class Change:
    """A setting whose default moves when the go line crosses ``changed``.

    ``changed``: the release whose go line switched it (``go1.22``); ``old``: the
    value that restores the behaviour before it, as ``directive`` (``//go:debug
    httpmuxgo121=1``) or a go.mod ``godebug`` line (Go 1.23+); ``doc_url``: the
    section of go.dev/doc/godebug for that release."""

    name: str
    package: str
    changed: str
    old: str
    directive: str
    doc_url: str
    opaque: bool = False
    immutable: bool = False


@dataclass(frozen=True)
class Removed:
    """A setting this toolchain removed in release ``removed`` (``go1.27``): it has
    the new behaviour whatever the go line, and ``old_values`` in a ``//go:debug``
    or go.mod ``godebug`` line are a build error (none listed: the toolchain's table
    names no old value, every value is accepted and ignored)."""

    name: str
    removed: str
    old_values: tuple[str, ...]
    doc_url: str


@dataclass(frozen=True)
class DiffReport:
    """``godebug diff OLD NEW``: ``old``/``new`` are language versions (``go1.21``);
    ``direction``: ``upgrade`` (OLD < NEW: ``changes`` take their new default),
    ``downgrade`` (OLD > NEW: the same settings go back to ``old``) or ``none``;
    ``changes`` sorted by release then name; ``removed``: settings this toolchain
    removed after min(OLD, NEW), listed apart (no go line brings them back);
    ``table``: the table.go that answered."""

    SCHEMA: ClassVar[str] = SCHEMA
    old: str
    new: str
    direction: str
    changes: tuple[Change, ...]
    removed: tuple[Removed, ...]
    table: str
    #: Which Go answered and why, as data the CLI passes in (version, goroot, reason,
    #: source, gotoolchain: the toolchain handle's JSON form); godebug imports no toolchains.
    toolchain: Mapping[str, str] | None = None
    command: str = "diff"


#: Where an entry of DefaultGODEBUG comes from.
#: ``go-line``: the default for the go version (the go.mod or go.work go line, or a
#: ``default=goX`` line); ``go.mod`` / ``go.work``: a ``godebug`` line of that file;
#: ``go:debug``: a directive in a main package file; ``GOFIPS140``: fips140=on
#: because GOFIPS140 is not off; ``unexplained``: none of these (reported, not guessed).
ORIGINS = ("go-line", "go.mod", "go.work", "go:debug", "GOFIPS140", "unexplained")


@dataclass(frozen=True)
class Entry:
    """One ``key=value`` of DefaultGODEBUG, its ``origin`` (see ORIGINS), ``where``
    (``/path/main.go:6``, ``/path/go.mod:3``; "" when unknown) and a ``detail`` line."""

    key: str
    value: str
    origin: str
    where: str
    detail: str


@dataclass(frozen=True)
class ShowReport:
    """``godebug show [DIR]``: the main package's ``default_godebug`` exactly as
    ``go list -f '{{.DefaultGODEBUG}}'`` prints it, split into ``entries`` (same order);
    ``go_version``: the language version the defaults come from (``go1.21``) and
    ``go_version_from`` the file (or ``default=`` line) that set it; ``ignored``:
    directives and godebug lines go list left out (a directive go list drops, such
    as a removed setting's old value, which ``go build`` then rejects)."""

    SCHEMA: ClassVar[str] = SCHEMA
    dir: str
    package: str
    default_godebug: str
    go_version: str
    go_version_from: str
    workspace: str
    entries: tuple[Entry, ...]
    ignored: tuple[Entry, ...] = ()
    #: Which Go answered and why, as data the CLI passes in (version, goroot, reason,
    #: source, gotoolchain: the toolchain handle's JSON form); godebug imports no toolchains.
    toolchain: Mapping[str, str] | None = None
    command: str = "show"
