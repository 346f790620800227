"""The module side of the go command: ``go list -m -json all``, ``go mod graph``,
``go mod verify``.

``go mod graph`` prints one requirement edge per line, ``from to``, each node
``path@version`` (a main module has no ``@version``). Since Go 1.21 it also prints
``go@X`` and ``toolchain@X`` nodes for go.mod's go and toolchain lines; they are
not modules and are kept apart (:attr:`ModGraph.go_nodes`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.golist import LIST_TIMEOUT, run_go
from goarchlab.gocmd.jsonstream import iter_objects


@dataclass(frozen=True)
class Replacement:
    """A replace directive's target: a module ``path`` at ``version``, or a local
    directory (``version`` empty, ``path`` as written in go.mod)."""

    path: str
    version: str
    dir: str

    @property
    def local(self) -> bool:
        """True for a replacement by a directory (no version)."""
        return not self.version


@dataclass(frozen=True)
class Module:
    """One module of ``go list -m -json all``.

    ``go_version``: its go.mod ``go`` line ("" when absent); ``retracted``: the
    rationale lines when ``-retracted`` was asked and the version is retracted;
    ``deprecated``: the deprecation message when ``-u`` was asked; ``update``:
    the newer version ``-u`` found ("" if none).
    """

    path: str
    version: str
    main: bool
    indirect: bool
    dir: str
    gomod: str
    go_version: str
    replace: Replacement | None
    retracted: tuple[str, ...] = ()
    deprecated: str = ""
    update: str = ""
    error: str | None = None


def _module(o: dict) -> Module:
    rep = o.get("Replace")
    err = o.get("Error")
    return Module(
        path=o.get("Path", ""),
        version=o.get("Version", ""),
        main=bool(o.get("Main")),
        indirect=bool(o.get("Indirect")),
        dir=o.get("Dir", ""),
        gomod=o.get("GoMod", ""),
        go_version=o.get("GoVersion", ""),
        replace=Replacement(rep.get("Path", ""), rep.get("Version", ""), rep.get("Dir", ""))
        if rep else None,
        retracted=tuple(o.get("Retracted") or ()),
        deprecated=o.get("Deprecated", ""),
        update=(o.get("Update") or {}).get("Version", ""),
        error=err.get("Err") if isinstance(err, dict) else None,
    )


def list_modules(
    go: Path | str, env: Mapping[str, str], cwd: Path, *, updates: bool = False,
    timeout: float = LIST_TIMEOUT,
) -> tuple[list[Module], float]:
    """``go list -m -json all`` (with ``-u -retracted`` when ``updates``: needs the
    network or a proxy). Returns the build list and go's wall time in seconds.
    Raises GoarchlabError when go fails."""
    argv = [str(go), "list", "-m", "-e", "-json", *(["-u", "-retracted"] if updates else []), "all"]
    r = run_go(argv, env, cwd, timeout=timeout,
               shown=f"go list -m{' -u -retracted' if updates else ''} all",
               hint="run 'go list -m all' there to see the whole message")
    mods = [_module(o) for o in iter_objects(r.stdout, what="go list -m -json output")]
    return mods, r.wall_s


@dataclass(frozen=True)
class ModGraph:
    """``go mod graph``: ``edges`` between module nodes (``path@version``, or
    ``path`` for a main module); ``go_nodes`` the ``go@``/``toolchain@`` edges."""

    edges: tuple[tuple[str, str], ...]
    go_nodes: tuple[tuple[str, str], ...]

    def path_to(self, roots: set[str], target: str, limit: int = 8) -> tuple[str, ...]:
        """The shortest requirement chain from a root node to ``target`` (a node);
        empty when there is none. A chain over ``limit`` (>= 3) nodes keeps its
        first ``limit - 2`` nodes, ``"..."`` and ``target``."""
        adj: dict[str, list[str]] = {}
        for a, b in self.edges:
            adj.setdefault(a, []).append(b)
        prev: dict[str, str | None] = {r: None for r in roots}
        q = deque(roots)
        while q:
            n = q.popleft()
            if n == target:
                chain = [n]
                while (p := prev[chain[-1]]) is not None:
                    chain.append(p)
                chain.reverse()
                if len(chain) > limit:  # keep the module the chain is about
                    chain[limit - 2:-1] = ["..."]
                return tuple(chain)
            for m in adj.get(n, ()):
                if m not in prev:
                    prev[m] = n
                    q.append(m)
        return ()


def _is_go_node(node: str) -> bool:
    return node.startswith(("go@", "toolchain@"))


def parse_graph(text: str) -> ModGraph:
    """Parse ``go mod graph`` output; lines that are not two fields are an error."""
    edges, go_nodes = [], []
    for n, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise GoarchlabError(f"go mod graph line {n} is not 'from to': {line[:120]!r}")
        a, b = parts
        (go_nodes if _is_go_node(a) or _is_go_node(b) else edges).append((a, b))
    return ModGraph(tuple(edges), tuple(go_nodes))


def mod_graph(
    go: Path | str, env: Mapping[str, str], cwd: Path, *, timeout: float = LIST_TIMEOUT
) -> tuple[ModGraph, float]:
    """Run ``go mod graph`` in ``cwd``; returns the graph and go's wall time (s)."""
    r = run_go([str(go), "mod", "graph"], env, cwd, timeout=timeout, shown="go mod graph",
               hint="run 'go mod graph' there to see the whole message")
    return parse_graph(r.stdout), r.wall_s


@dataclass(frozen=True)
class VerifyResult:
    """``go mod verify``: ``ok`` when it said all modules verified; ``problems``
    its other output lines (``path@version: dir has been modified (...)``)."""

    ok: bool
    problems: tuple[str, ...]
    wall_s: float


def mod_verify(
    go: Path | str, env: Mapping[str, str], cwd: Path, *, timeout: float = LIST_TIMEOUT
) -> VerifyResult:
    """Run ``go mod verify`` in ``cwd`` (it hashes the module cache's copies)."""
    r = proc.run([str(go), "mod", "verify"], env=env, timeout=timeout, cwd=cwd)
    lines = [ln.strip() for ln in (r.stdout + "\n" + r.stderr).splitlines() if ln.strip()]
    problems = tuple(ln for ln in lines if ln != "all modules verified")
    return VerifyResult(r.ok and not problems, problems, r.wall_s)
