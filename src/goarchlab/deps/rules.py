"""The policy engine: import rules and module rules over the loaded graph.

Written here because no existing tool covers the combination (depguard: import
paths only; gomodguard: direct modules only; neither knows majors or the
toolchain). Import rules look only at the main modules' packages; a candidate
import is first found from ``go list``'s import lists, and only then are the
importing package's files scanned for the line (the cheap test first).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from goarchlab.deps import gomod, imports
from goarchlab.deps.model import Violation
from goarchlab.deps.policy import ImportRule, Policy, PublicRule
from goarchlab.gocmd.golist import Package
from goarchlab.gocmd.modgraph import ModGraph, Module
from goarchlab.gocmd.version import GoVersion

_MAJOR_RX = re.compile(r"^(.*?)(?:/v(\d+)|\.v(\d+))$")


def major_base(path: str) -> tuple[str, int]:
    """(path without its major suffix, major): ``m/v2`` -> (``m``, 2); ``gopkg.in/y.v3``
    -> (``gopkg.in/y``, 3); ``m`` -> (``m``, 1 or 0: not known from the path, says 1)."""
    m = _MAJOR_RX.match(path)
    if m and (m[2] or (m[3] and path.startswith("gopkg.in/"))):
        n = int(m[2] or m[3])
        if n >= 2 or m[3]:
            return m[1], n
    return path, 1


def is_std_path(path: str) -> bool:
    """The go command's rule: a standard-library path has no dot in its first element."""
    return "." not in path.split("/", 1)[0]


class Graph:
    """Indexes over the loaded packages and modules that the rules share."""

    def __init__(self, root: Path, mods: list[Module]) -> None:
        self.root = root
        self._prefix = os.path.join(os.fspath(root), "")
        #: Import path -> package; an :class:`ImportChecker` fills it as go list prints.
        self.pkgs: dict[str, Package] = {}
        self.mods = mods
        self.main = {m.path for m in mods if m.main}
        # Longest module path first, for attributing a package that go list did
        # not load (a test-only import) to its module.
        self._mod_paths = sorted((m.path for m in mods), key=len, reverse=True)

    def module_of(self, path: str) -> str:
        """The module providing package ``path`` ("" for std or unknown)."""
        p = self.pkgs.get(path)
        if p is not None:
            return p.module
        for m in self._mod_paths:
            if path == m or path.startswith(m + "/"):
                return m
        return ""

    def standard(self, path: str) -> bool:
        """True for a standard-library package."""
        p = self.pkgs.get(path)
        return p.standard if p is not None else is_std_path(path)

    def rel(self, path: str | Path) -> str:
        """``path`` relative to the root, slash-separated (absolute if outside it)."""
        s = os.fspath(path)
        # go prints clean absolute paths: under the root, cutting the prefix is
        # relpath's answer without its two getcwd calls (it runs per violation).
        if s.startswith(self._prefix):
            s = s[len(self._prefix):]
        else:
            r = os.path.relpath(s, self.root)
            s = os.path.normpath(s) if r.startswith("..") else r
        return s.replace(os.sep, "/")


def _path_candidates(policy: Policy, g: Graph, imp: str) -> tuple[str, list]:
    """(module of ``imp``, [(rule, why)] of the deny and allow rules it breaks): what
    does not depend on the importer."""
    std = g.standard(imp)
    mod = "" if std else g.module_of(imp)
    out = []
    for r in policy.deny:
        if any(p.matches(imp, std) for p in r.packages):
            out.append((r, r.reason or f"{imp} is denied by {r.name}"))
    own = mod in g.main
    for r in policy.allow:
        if own or (std and r.std) or any(p.matches(imp, std) for p in r.packages):
            continue
        out.append((r, r.reason or f"{imp} is not in the allow list of {r.name}"))
    return mod, out


def _public_candidates(policy: Policy, imp: str, mod: str, importer: Package) -> list:
    """[(rule, why)] of the [[public]] rules ``imp`` (of module ``mod``) breaks."""
    return [(pr, pr.reason or f"{pr.module} makes only "
             + ", ".join(p.text for p in pr.packages) + " public")
            for pr in policy.public
            if mod == pr.module and importer.module != pr.module
            and not any(p.matches(imp, False) for p in pr.packages)]


class ImportChecker:
    """[[deny]], [[allow]] and [[public]] over the main modules' packages, fed
    while go list prints them (:meth:`feed`, from the thread reading its output),
    so that the check ends soon after go list does (checked after it, the 3,000
    packages of bench/deps_overhead.py took ~50 ms more).

    A package's imports are checked when it arrives: go list -deps prints each
    package after every package it imports, so what the rules ask about those
    (standard library? which module?) is already known. Test imports are not in
    that order (test-only packages are not listed; an external test may import a
    package printed later): they are checked by :meth:`violations`, at the end.
    """

    def __init__(self, policy: Policy, g: Graph) -> None:
        self.policy, self.g = policy, g
        self._on = bool(policy.deny or policy.allow or policy.public)
        # deny/allow verdicts depend on the import path alone: a 3,000-package
        # workspace asks about ~3 times fewer paths than it has imports.
        # None: the path breaks nothing, whoever imports it (most of them).
        self._memo: dict[str, tuple[str, list] | None] = {}
        self._public_mods = {pr.module for pr in policy.public}
        self._seen = 0
        self._found: list[Violation] = []
        self._lock = threading.Lock()

    def feed(self, pkgs: list[Package]) -> None:
        """Add to the graph, and check the own imports of, the packages of ``pkgs``
        (go list's order; a list that only grows) not fed before."""
        with self._lock:
            new = pkgs[self._seen:]
            self._seen += len(new)
            for p in new:
                self.g.pkgs[p.import_path] = p
                if self._on and p.main:
                    self._found += self._check(p, p.imports, p.files)

    def violations(self, pkgs: list[Package]) -> list[Violation]:
        """Feed the rest of ``pkgs`` (all of go list's output), check the test
        imports; every violation found, in no particular order."""
        self.feed(pkgs)
        with self._lock:
            if self._on:
                for p in pkgs:
                    if p.main and p.test_imports:
                        self._found += self._check(p, p.test_imports, p.test_files)
            return list(self._found)

    def _check(self, p: Package, imps: tuple[str, ...], files: tuple[str, ...]) -> list[Violation]:
        out: list[Violation] = []
        for imp in imps:
            if imp in self._memo:
                got = self._memo[imp]
            else:
                mod, cands = _path_candidates(self.policy, self.g, imp)
                got = self._memo[imp] = (mod, cands) if cands or mod in self._public_mods \
                    else None
            if got is None:
                continue
            mod, cands = got
            if mod in self._public_mods:
                cands = cands + _public_candidates(self.policy, imp, mod, p)
            if not cands:
                continue
            sites = imports.find(p.dir, files, imp)
            for rule, why in cands:
                out += _sited(rule, why, self.g, p, imp, sites)
        return out


def _sited(rule: ImportRule | PublicRule, why: str, g: Graph, p: Package, imp: str,
           sites: list[tuple[str, imports.ImportSite]]) -> Iterable[Violation]:
    kind = "public" if isinstance(rule, PublicRule) else rule.kind
    mod = g.module_of(imp)
    if not sites:  # the scanner found no spec: report the package directory
        yield Violation(kind, rule.name, f"{p.import_path} imports {imp}", why,
                        g.rel(p.dir), 1, 1, p.import_path, imp, mod)
        return
    for fname, s in sites:
        rel = g.rel(os.path.join(p.dir, fname))
        if isinstance(rule, ImportRule) and not rule.files.matches(rel):
            continue
        yield Violation(kind, rule.name, f"{p.import_path} imports {imp}", why,
                        rel, s.line, s.column, p.import_path, imp, mod)


def _bare(v: GoVersion) -> str:
    return str(v).removeprefix("go")


def go_max_why(cap: GoVersion, go_line: str) -> str:
    """What a Go release at the cap ``cap`` does with a go.mod saying ``go <go_line>``
    (a newer version): one clause for the go-max violation."""
    if cap.at_least(1, 21):
        running = _bare(cap) if cap.is_release else f"{_bare(cap)}.x"
        # Go 1.21 made the go line a strict minimum (go.dev/doc/go1.21#tools); the
        # refusal text is gover.TooNewError ($GOROOT/src/cmd/go/internal/gover/toolchain.go).
        return (f"Go {_bare(cap)} refuses it ('go: go.mod requires go >= {go_line} (running "
                f"go {running}; GOTOOLCHAIN=local)'), or switches to a newer toolchain when "
                "GOTOOLCHAIN allows it")
    # Before Go 1.21 the go line was advisory: the go command builds anyway and only
    # notes the mismatch if compiling fails (go.dev/doc/go1.12#modules,
    # go.dev/doc/toolchain; "note: module requires Go X" in cmd/go/internal/work).
    return (f"Go {_bare(cap)} reads the go line as advisory: it builds anyway and, only if "
            f"compiling fails, adds 'note: module requires Go {go_line}'; code that needs "
            f"Go {go_line} may fail to build or behave differently")


def _above(v: GoVersion, cap: GoVersion) -> bool:
    """True when go line ``v`` exceeds ``cap``; a cap like ``1.22`` admits every 1.22.x."""
    if cap.kind == "lang":
        return (v.major, v.minor) > (cap.major, cap.minor)
    return v > cap


class ModuleRules:
    """Module-level rules; ``modfiles`` are the main go.mod files and go.work, whose
    lines the violations point at."""

    def __init__(self, policy: Policy, g: Graph, graph: ModGraph | None,
                 modfiles: list[Path]) -> None:
        self.policy, self.g, self.graph = policy, g, graph
        self._modfiles = modfiles

    @functools.cached_property
    def files(self) -> list[gomod.ModFile]:
        """The files' directive lines, read at the first violation that needs one
        (most runs have none; a 300-module workspace has 300 files)."""
        return [gomod.read(f) for f in self._modfiles]

    def _where(self, module: str, replace: bool = False) -> tuple[str, int]:
        for mf in self.files:
            table = mf.replaces if replace else mf.requires
            if module in table:
                return self.g.rel(mf.path), table[module]
        mf = self.files[0]
        return self.g.rel(mf.path), mf.module_line

    def _chain(self, m: Module) -> str:
        if self.graph is None:
            return ""
        chain = self.graph.path_to(self.g.main, f"{m.path}@{m.version}")
        return " (required through " + " -> ".join(chain) + ")" if len(chain) > 2 else ""

    def single_major(self) -> Iterable[Violation]:
        """Modules present at two or more majors."""
        groups: dict[str, list[Module]] = {}
        for m in self.g.mods:
            groups.setdefault(major_base(m.path)[0], []).append(m)
        for base, ms in sorted(groups.items()):
            if len(ms) < 2:
                continue
            ms.sort(key=lambda m: major_base(m.path)[1])
            names = ", ".join(f"{m.path}@{m.version}" if m.version else m.path for m in ms)
            file, line = next((self._where(m.path) for m in ms
                               if any(m.path in f.requires for f in self.files)),
                              self._where(ms[0].path))
            yield Violation(
                "single-major", "modules.single-major",
                f"{base} is in the build at {len(ms)} major versions: {names}",
                "two majors of one module mean two copies of its state and types; "
                "move every importer to the newest major" + self._chain(ms[0]),
                file, line, module=base)

    def local_replace(self) -> Iterable[Violation]:
        """Replacements by a directory."""
        for m in self.g.mods:
            if m.replace is not None and m.replace.local:
                file, line = self._where(m.path, replace=True)
                yield Violation(
                    "local-replace", "modules.no-local-replace",
                    f"{m.path} is replaced by the local directory {m.replace.path}",
                    "a local replace builds only on this machine; release with a "
                    "version (or use a go.work file for local development)",
                    file, line, module=m.path)

    def go_max(self) -> Iterable[Violation]:
        """Main modules whose go line exceeds the cap."""
        cap = self.policy.go_max
        for m in self.g.mods:
            v = GoVersion.try_parse(m.go_version) if m.main and m.go_version else None
            if cap is None or v is None or not _above(v, cap):
                continue
            mf = gomod.read(Path(m.gomod)) if m.gomod else self.files[0]
            yield Violation(
                "go-max", "modules.go-max",
                f"{m.path} says 'go {m.go_version}', above the cap {_bare(cap)}",
                go_max_why(cap, m.go_version) + f"; the policy caps the go directive at "
                f"{_bare(cap)} ({self.policy.path}:{self.policy.go_max_line})",
                self.g.rel(mf.path), mf.go_line, module=m.path)

    def retracted_deprecated(self) -> Iterable[Violation]:
        """Retracted versions and deprecated modules (needs ``go list -m -u -retracted``)."""
        for m in self.g.mods:
            if not ((self.policy.retracted and m.retracted) or
                    (self.policy.deprecated and m.deprecated)):
                continue
            file, line = self._where(m.path)
            if self.policy.retracted and m.retracted:
                yield Violation(
                    "retracted", "modules.retracted",
                    f"{m.path}@{m.version} is retracted: {'; '.join(m.retracted)}",
                    "its authors withdrew this version" + (f"; {m.update} is newer"
                                                           if m.update else "") + self._chain(m),
                    file, line, module=f"{m.path}@{m.version}")
            if self.policy.deprecated and m.deprecated:
                yield Violation(
                    "deprecated", "modules.deprecated",
                    f"{m.path} is deprecated: {m.deprecated}",
                    "its authors no longer maintain it" + self._chain(m),
                    file, line, module=m.path)

    def verify(self, problems: tuple[str, ...]) -> Iterable[Violation]:
        """One violation per ``go mod verify`` complaint."""
        for text in problems:
            # "example.com/m v1.0.0: dir has been modified (...)"
            mv = text.split(":", 1)[0] if ": " in text else ""
            path = mv.replace("@", " ").split()[0] if mv else ""
            mv = "@".join(mv.split()) if mv else ""
            file, line = self._where(path) if path else self._where("")
            yield Violation("verify", "modules.verify", text,
                            "the module cache's copy differs from the hash recorded when it was "
                            "downloaded: it was edited or corrupted (go clean -modcache fixes "
                            "the cache)",
                            file, line, module=mv)
