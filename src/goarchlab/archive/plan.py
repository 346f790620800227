"""The extraction planner: every member of an archive, decided before anything is written.

tar, zip and wheel readers (:mod:`goarchlab.archive.extract`) and the git
archives of ``goarchlab api`` feed members to one :class:`Planner`. It
normalises each name once and refuses the archive, naming the member, when a
name

- holds a NUL byte or a backslash (a Windows separator: ``go\\..\\x``);
- is absolute, has an empty component (``go//etc/x``: some joins treat the rest
  as absolute), a ``..`` component, or a component with a drive letter (``C:``);
- is longer than PATH_MAX - 1 (4095) bytes or has a component longer than
  NAME_MAX (255) bytes;
- equals another member's after case folding and Unicode normalisation (the two
  would be one file on a case-insensitive filesystem such as macOS's APFS), or
  repeats a member exactly (directories excepted);
- lies below a symbolic link, or below a file.

``.`` components are dropped. Links are resolved against the whole planned
tree, through other planned links, as the kernel would: a symbolic link is
refused when its target is empty or absolute, when any resolution step leaves
the root, or when it takes more than 40 links (Linux's MAXSYMLINKS: a loop); a
hard link must name a regular file of the same archive. Only then does the
writer start, creating links last, so no write ever passes through a link.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from goarchlab.errors import GoarchlabError

PATH_MAX = 4096  # bytes, the terminating NUL included (Linux, macOS: 1024, not enforced here)
NAME_MAX = 255  # bytes per component
MAXSYMLINKS = 40  # links followed in one resolution before ELOOP (Linux)

FILE, DIR, SYMLINK, HARDLINK = "file", "dir", "symlink", "hardlink"
HINT = "the archive is unsafe or not a Go distribution; nothing was installed"


def refuse(label: str, member: str, why: str, hint: str = HINT) -> GoarchlabError:
    """The refusal of the archive ``label`` for ``member`` (a name longer than 120
    characters is shortened in the message; repr keeps control characters visible)."""
    shown = repr(member) if len(member) <= 120 else f"{member[:100]!r}... ({len(member)} chars)"
    return GoarchlabError(f"{label}: refused member {shown}: {why}", hint)


class _Bad(Exception):
    """A name or link target that must be refused; ``args[0]`` says why."""


def _component(p: str) -> None:
    if p == "":
        raise _Bad("empty path component ('//' or a leading '/')")
    if p == "..":
        raise _Bad("'..' component (path leaves the archive)")
    if len(p) > 63 and len(os.fsencode(p)) > NAME_MAX:  # 63: a UTF-8 char is <= 4 bytes
        raise _Bad(f"component longer than {NAME_MAX} bytes")
    if p[1:2] == ":" and p[0].isascii() and p[0].isalpha():
        raise _Bad("Windows drive letter in the path")


def _common(s: str, what: str) -> None:
    if "\x00" in s:
        raise _Bad(f"NUL byte in the {what}")
    if "\\" in s:
        raise _Bad(f"backslash in the {what} (a Windows path separator)")
    if len(s) > 1023 and len(os.fsencode(s)) > PATH_MAX - 1:
        raise _Bad(f"{what} longer than {PATH_MAX - 1} bytes")


def clean(name: str) -> str:
    """``name`` as a relative POSIX path without ``.`` components or a trailing
    ``/`` ("" for the root itself); raises _Bad for anything the module docstring lists."""
    _common(name, "name")
    if name.startswith("/"):
        raise _Bad("absolute path")
    s = name[:-1] if name.endswith("/") else name
    parts = s.split("/")
    dots = False
    for p in parts:
        if p == ".":
            dots = True
        else:
            _component(p)
    return "/".join(p for p in parts if p != ".") if dots else s


def fold(path: str) -> str:
    """The key two names share when a case-insensitive, normalisation-insensitive
    filesystem (APFS, HFS+, NTFS) would store them as one: NFC(casefold(NFD(path)))."""
    if path.isascii():
        return path.lower()  # casefold() of ASCII; the common case, ~10x cheaper
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", path).casefold())


@dataclass(frozen=True, slots=True)
class Entry:
    """One planned member: ``rel`` its normalised path below the root, ``member``
    its name in the archive, ``kind`` FILE/DIR/SYMLINK/HARDLINK, ``mode`` permission
    bits (0..0o7777), ``link`` the symlink target as stored or the hard link's
    source ``rel``, ``ref`` the reader's handle (TarInfo, ZipInfo), ``sha`` the
    wheel RECORD digest (urlsafe base64, no padding) or None; ``implicit``: a
    directory no member names, only implied by a member below it (``member``)."""

    rel: str
    member: str
    kind: str
    mode: int = 0o644
    link: str = ""
    ref: Any = None
    sha: str | None = None
    implicit: bool = False


@dataclass(frozen=True)
class Plan:
    """The checked tree: ``dirs`` every directory to create (parents first),
    ``files``, ``hardlinks`` (source already resolved to a FILE entry's ``rel``)
    and ``symlinks``, each in archive order."""

    dirs: list[str]
    files: list[Entry]
    hardlinks: list[Entry]
    symlinks: list[Entry]
    longest: tuple[int, str] = (0, "")

    def check_room(self, root: str, label: str, hint: str = HINT) -> None:
        """Refuse when the longest member, placed under ``root``, would pass PATH_MAX."""
        n, member = self.longest
        if n and len(os.fsencode(root)) + 1 + n > PATH_MAX - 1:
            raise refuse(label, member, f"path longer than {PATH_MAX - 1} bytes under {root}",
                         hint)


@dataclass
class Planner:
    """Collects members (:meth:`add`), then checks the whole tree (:meth:`finish`).

    ``label`` names the archive in messages. ``prefix``: the top-level directory
    the tree lives under (``go`` for Go archives and wheels; members outside it
    are checked, then skipped); "" keeps every member.
    """

    label: str
    prefix: str = "go"
    hint: str = HINT
    _nodes: dict[str, Entry] = field(default_factory=dict)  # fold key -> entry
    _dirs_seen: set[str] = field(default_factory=set)  # exact parents already registered
    _order: list[Entry] = field(default_factory=list)
    _below: list[tuple[str, str]] = field(default_factory=list)  # (member, implicit dir)
    _longest: tuple[int, str] = (0, "")

    def _err(self, member: str, why: str) -> GoarchlabError:
        return refuse(self.label, member, why, self.hint)

    def rel(self, name: str) -> str | None:
        """``name`` normalised and stripped of the prefix; None when it lies outside the
        prefix or is the prefix itself. Raises GoarchlabError for an unsafe name."""
        try:
            rel = clean(name)
        except _Bad as e:
            raise self._err(name, e.args[0]) from None
        if not self.prefix:
            return rel or None
        head, sep, rest = rel.partition("/")
        return rest if head == self.prefix and sep else None

    def link_target(self, member: str, target: str) -> str:
        """Check a symlink target as stored (resolution comes in :meth:`finish`)."""
        try:
            if not target:
                raise _Bad("link with an empty target")
            _common(target, "link target")
            if target.startswith("/"):
                raise _Bad(f"link to absolute path {target!r}")
            for p in target.split("/"):
                if p not in ("", ".", ".."):
                    _component(p)
        except _Bad as e:
            raise self._err(member, e.args[0]) from None
        return target

    def add(self, name: str, kind: str, *, mode: int = 0o644, link: str = "",
            ref: Any = None, sha: str | None = None) -> Entry | None:
        """Plan member ``name``; None when it lies outside the prefix or repeats a
        directory. ``link``: the symlink target, or the hard link's member name."""
        rel = self.rel(name)
        if rel is None:
            return None
        if kind == SYMLINK:
            link = self.link_target(name, link)
        elif kind == HARDLINK:
            src = self.rel(link)
            if src is None:
                raise self._err(name, f"hard link to {link!r} outside the tree")
            link = src
        key = fold(rel)
        prev = self._nodes.get(key)
        if prev is not None:
            if prev.rel != rel:
                raise self._err(name, f"differs only in case or Unicode normalisation from "
                                      f"{prev.member!r} (one file on macOS and Windows)")
            if not prev.implicit and (kind != DIR or prev.kind != DIR):
                raise self._err(name, "duplicate member (would overwrite)")
            if not prev.implicit:
                return None  # the same directory listed twice
            if kind != DIR:
                # Members already lie below this name: judged in finish(), so that a
                # link's escape is reported as such rather than as a conflict.
                self._below.append((prev.member, rel))
        e = Entry(rel, name, kind, mode, link, ref, sha)
        self._nodes[key] = e
        self._order.append(e)
        n = len(rel) if rel.isascii() else len(os.fsencode(rel))
        if n > self._longest[0]:
            self._longest = (n, name)
        self._parents(name, rel)
        return e

    def _parents(self, member: str, rel: str) -> None:
        """Register the implicit directories above ``rel`` (once each)."""
        p = rel
        while "/" in p:
            p = p.rpartition("/")[0]
            if p in self._dirs_seen:
                return
            self._dirs_seen.add(p)
            key = fold(p)
            q = self._nodes.get(key)
            if q is None:
                self._nodes[key] = Entry(p, member, DIR, 0o755, implicit=True)
            elif q.rel != p:
                raise self._err(member, f"differs only in case or Unicode normalisation from "
                                        f"{q.member!r} (one directory on macOS and Windows)")
            elif q.kind != DIR:
                self._below.append((member, p))  # judged in finish(), after the links

    def finish(self) -> Plan:
        """Resolve every link against the complete tree; the :class:`Plan` to write."""
        symlinks = [e for e in self._order if e.kind == SYMLINK]
        for e in symlinks:
            self._resolve(e)
        for member, p in self._below:
            # The node may have become a directory after the member was seen.
            q = self._nodes[fold(p)]
            if q.kind == SYMLINK:
                raise self._err(member, f"below the link {q.member!r}")
            if q.kind != DIR:
                raise self._err(member, f"below the file {q.member!r}")
        hardlinks = []
        for e in self._order:
            if e.kind == HARDLINK:
                hardlinks.append(Entry(e.rel, e.member, e.kind, e.mode, self._hard_source(e),
                                       e.ref, e.sha))
        dirs = sorted({e.rel for e in self._nodes.values() if e.kind == DIR})
        files = [e for e in self._order if e.kind == FILE]
        return Plan(dirs, files, hardlinks, symlinks, self._longest)

    def _hard_source(self, e: Entry) -> str:
        """The regular file a hard link (or a chain of them) ends at."""
        seen: set[str] = set()
        cur = e
        while True:
            src = self._nodes.get(fold(cur.link))
            if (src is None or src.rel != cur.link or src.kind not in (FILE, HARDLINK)
                    or src.rel in seen):
                raise self._err(e.member, f"hard link to {cur.link!r}, which is not a "
                                          "regular file of the archive")
            if src.kind == FILE:
                return src.rel
            seen.add(src.rel)
            cur = src

    def _resolve(self, link: Entry) -> None:
        """Follow ``link`` as the kernel would on the planned tree, refusing when a
        step leaves the root or more than MAXSYMLINKS links are taken.

        Names are looked up case-insensitively (the stricter reading: on a
        case-sensitive filesystem a differently cased name does not exist, and
        resolution would stop there, inside the tree).
        """
        cur: list[str] = link.rel.split("/")[:-1]
        todo = [p for p in reversed(link.link.split("/")) if p not in ("", ".")]
        hops = 1
        while todo:
            p = todo.pop()
            if p == "..":
                if not cur:
                    raise self._err(link.member, f"link {link.link!r} escapes: it "
                                                 "resolves outside the tree")
                cur.pop()
                continue
            node = self._nodes.get(fold("/".join((*cur, p))))
            if node is None or node.kind != SYMLINK:
                cur.append(p)
                continue
            hops += 1
            if hops > MAXSYMLINKS:
                raise self._err(link.member, f"link {link.link!r} is a loop (more than "
                                             f"{MAXSYMLINKS} links to follow)")
            # The next link's target, relative to the directory that holds it.
            todo.extend(q for q in reversed(node.link.split("/")) if q not in ("", "."))
