"""``goarchlab deps``: load the graph through the go command, apply the policy.

The go command is asked once per kind of fact: ``go list -deps -json`` for
packages, ``go list -m -json all`` for the build list (with ``-u -retracted``
only when a policy wants retractions or deprecations), ``go mod graph`` for
requirement chains and graphs, ``go mod verify``, and govulncheck. The user's
GOFLAGS and GOPROXY are respected; ``offline`` sets GOPROXY=off and
GOFLAGS=-mod=mod is never added.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.gocmd import golist
from goarchlab.gocmd.version import GoVersion, read_version_file

# Only what starts go list -deps is imported with this module: the rest is
# imported in run() once it works (its first second is cold-start and import time).
if TYPE_CHECKING:
    from goarchlab.deps import policy as policy_mod
    from goarchlab.deps.model import DepsReport, Violation
    from goarchlab.deps.rules import Graph, ImportChecker
    from goarchlab.gocmd import modgraph

#: The first Go whose go list knows the ``work`` pattern.
_WORK_PATTERN = GoVersion.parse("1.25")


@dataclass(frozen=True)
class DepsOptions:
    """What to check: ``patterns`` for go list (empty: ``./...`` in a module, every
    workspace module's ``path/...`` in a go.work root); ``policy_path`` (None:
    ``root/goarchlab.toml`` or an empty policy); ``offline``: GOPROXY=off and skip
    network checks; ``graph``: also load ``go mod graph`` for drawing."""

    patterns: tuple[str, ...] = ()
    policy_path: Path | None = None
    offline: bool = False
    graph: bool = False


def project_root(cwd: Path, env: Mapping[str, str]) -> tuple[Path, list[Path]]:
    """The workspace or module root and its go.work/go.mod files.

    Raises GoarchlabError (exit 3) outside a module.
    """
    from goarchlab.gocmd.modfile import module_file

    f = module_file(cwd, env)
    if f is None:
        raise GoarchlabError(f"{cwd} is not inside a Go module (no go.mod or go.work above it)",
                             "run goarchlab deps in a module, or create one with 'go mod init'")
    return f.parent, [f]


def _load_errors(pkgs: Sequence[golist.Package], g: Graph) -> list[Violation]:
    """Packages go could not load: a missing module, a syntax error. They stop the
    check, because rules over a partial graph would miss violations."""
    from goarchlab.deps.model import Violation

    out = []
    for p in pkgs:
        if p.error:
            where = g.rel(p.dir) if p.dir else g.rel(g.root)
            out.append(Violation("load", "load", f"{p.import_path}: {p.error}",
                                 "the graph is incomplete until this package loads",
                                 where, 1, 1, importer=p.import_path))
    return out


class _Task:
    """A call on a thread of its own. concurrent.futures would do, but it imports
    logging: ~10 ms before the first go command starts."""

    def __init__(self, fn: Callable, args: tuple, kw: dict) -> None:
        self._out: tuple[bool, object] = (False, RuntimeError("not finished"))
        self._thread = threading.Thread(target=self._work, args=(fn, args, kw))
        self._thread.start()

    @classmethod
    def start(cls, tasks: list[_Task], fn: Callable, *args, **kw) -> _Task:
        """Start ``fn(*args, **kw)`` and append its task to ``tasks``."""
        t = cls(fn, args, kw)
        tasks.append(t)
        return t

    def _work(self, fn: Callable, args: tuple, kw: dict) -> None:
        try:
            self._out = (True, fn(*args, **kw))
        except BaseException as e:  # handed to result(), in the caller's thread
            self._out = (False, e)

    def wait(self) -> None:
        """Wait for the call to end."""
        self._thread.join()

    def result(self):
        """The call's return value, once it ends; its exception is raised here."""
        self._thread.join()
        ok, value = self._out
        if not ok:
            raise value  # type: ignore[misc]
        return value


def _no_progress(done: int, total: int, what: str) -> None:
    pass


def run(go: Path | str, env: Mapping[str, str], cwd: Path, opts: DepsOptions,
        progress: Callable[[int, int, str], None] = _no_progress) -> DepsReport:
    """Check ``cwd``'s module or workspace against its policy (see module docstring).

    Raises GoarchlabError for a broken go.mod, an invalid policy (exit 2) or a
    package that cannot be loaded (exit 3, naming it). ``progress(done, total,
    label)`` is told before each step (total = 5 steps).
    """
    t0 = time.perf_counter()
    env = dict(env)
    if opts.offline:
        env["GOPROXY"] = "off"
    root, modfiles = project_root(cwd, env)
    go_version = _go_version(go, env)
    patterns = opts.patterns or _default_patterns(go_version, cwd, root, modfiles)
    progress(0, 5, "go list")
    # The go commands do not need each other's output (only go list -deps before
    # Go 1.25 at a go.work root: it waits for the main modules), so they run side
    # by side and the check waits for the slowest, not for their sum. The slowest,
    # go list -deps, starts first; the policy is read and the rules are imported
    # while it works; a failure meanwhile (an invalid policy) stops it.
    started = proc.Group()
    tasks: list[_Task] = []
    # The import rules run on the packages while go list prints them (`go help
    # list`: -deps lists a package only after all its dependencies), once the
    # policy and the modules they need are known (see rules.ImportChecker).
    checker: ImportChecker | None = None

    def on_packages(pkgs: list[golist.Package]) -> None:
        if checker is not None:  # read at each call: the caller's thread sets it below
            checker.feed(pkgs)

    f_pkgs = _Task.start(tasks, golist.list_deps, go, env, cwd, patterns, group=started,
                         on_packages=on_packages) if patterns else None
    try:
        from goarchlab.deps import policy as policy_mod
        from goarchlab.deps.model import DepsReport, PolicyCheck, RunState, Timing
        from goarchlab.deps.rules import Graph, ImportChecker, ModuleRules
        from goarchlab.gocmd import modgraph

        ppath = opts.policy_path or policy_mod.find(root)
        pol = policy_mod.load(ppath) if ppath else policy_mod.Policy(path=None)
        checks: list[PolicyCheck] = []
        need_graph = bool(opts.graph or pol.single_major or pol.retracted or pol.deprecated)
        f_mods = _Task.start(tasks, _modules, go, env, cwd, pol, opts.offline)
        f_graph = _Task.start(tasks, modgraph.mod_graph, go, env, cwd) if need_graph else None
        f_verify = _Task.start(tasks, modgraph.mod_verify, go, env, cwd) if pol.verify else None

        mods, dt_mods, net_checks = f_mods.result()
        main = [m for m in mods if m.main]
        checker = ImportChecker(pol, Graph(root, mods))
        listed = patterns or tuple(f"{m.path}/..." for m in main)
        if f_pkgs is None:
            f_pkgs = _Task.start(tasks, golist.list_deps, go, env, cwd, listed, group=started,
                                 on_packages=on_packages)
        progress(1, 5, "go list -deps")
        modfiles = list(dict.fromkeys(modfiles + [Path(m.gomod) for m in main if m.gomod]))
        pkgs, dt = f_pkgs.result()
        graph, dt_graph = f_graph.result() if f_graph else (None, 0.0)
        verified = f_verify.result() if f_verify else None
    except BaseException:
        started.kill()  # an invalid policy, a broken go.mod: go list -deps stops too
        raise
    finally:
        for t in tasks:
            t.wait()
    go_s = max(dt + (dt_mods if not patterns else 0.0), dt_mods, dt_graph,
               verified.wall_s if verified else 0.0)
    checks += net_checks
    g = checker.g
    errors = _load_errors(pkgs, g)
    if errors:
        first = errors[0]
        raise GoarchlabError(
            f"cannot load {first.message}" + (f" (and {len(errors) - 1} more)"
                                              if len(errors) > 1 else ""),
            "fix the import or run 'go mod tidy'; goarchlab checks only a graph that loads")
    progress(2, 5, "rules")
    viol: list[Violation] = checker.violations(pkgs)
    checks += [PolicyCheck(r, RunState.RAN) for r, on in (("deny", pol.deny), ("allow", pol.allow),
                                             ("public", pol.public)) if on]
    mr = ModuleRules(pol, g, graph, modfiles)
    if pol.single_major:
        viol += mr.single_major()
        checks.append(PolicyCheck("single-major", RunState.RAN))
    if pol.no_local_replace:
        viol += mr.local_replace()
        checks.append(PolicyCheck("local-replace", RunState.RAN))
    if pol.go_max is not None:
        viol += mr.go_max()
        checks.append(PolicyCheck("go-max", RunState.RAN))
    viol += mr.retracted_deprecated()
    if verified is not None:
        progress(3, 5, "go mod verify")
        viol += mr.verify(verified.problems)
        checks.append(PolicyCheck("verify", RunState.RAN))
    if pol.vulns:
        from goarchlab.deps import vulns

        progress(4, 5, "govulncheck")
        found, check, dt = vulns.run(pol, go, env, cwd, g, listed)
        go_s += dt
        viol += found
        checks.append(check)
    edges = _selected_edges(graph, mods) if graph is not None else ()
    viol.sort(key=lambda v: (v.file, v.line, v.column, v.rule, v.message))
    return DepsReport(
        root=str(root), policy=str(ppath) if ppath else None,
        go_version=go_version, main_modules=tuple(m.path for m in main),
        packages=len(pkgs), modules=len(mods), checks=tuple(checks),
        violations=tuple(viol), edges=edges,
        timing=Timing(go_s, time.perf_counter() - t0))


def _modules(go, env: Mapping[str, str], cwd: Path, pol: policy_mod.Policy, offline: bool):
    """The build list, with ``-u -retracted`` when the policy wants retractions or
    deprecations and the proxy may be asked; (modules, go seconds, checks).

    With ``-e`` an unreachable proxy does not fail the command: the modules come
    back with an Error each, so those checks are then ``incomplete``, never
    silently ``ran``. GOPROXY=off makes ``-u`` a silent no-op: ``skipped``; the
    value go uses is asked, since it may come from the go env file.
    """
    from goarchlab.deps.model import PolicyCheck, RunState
    from goarchlab.gocmd import modgraph

    wanted = [r for r in ("retracted", "deprecated") if getattr(pol, r)]
    why_not = "--offline" if offline else ""
    if wanted and not why_not:
        from goarchlab.gocmd.env import go_env

        if go_env(go, env, cwd=cwd, keys=("GOPROXY",)).get("GOPROXY") == "off":
            why_not = "GOPROXY=off"
    if wanted and not why_not:
        try:
            mods, dt = modgraph.list_modules(go, env, cwd, updates=True)
        except GoarchlabError as e:
            why_not = f"no network or proxy: {e.message}"
        else:
            errs = [m.error for m in mods if m.error and not m.main]
            if errs:
                detail = f"{len(errs)} module(s) could not be asked: {errs[0]}"
                return mods, dt, [PolicyCheck(r, RunState.INCOMPLETE, detail) for r in wanted]
            return mods, dt, [PolicyCheck(r, RunState.RAN) for r in wanted]
    mods, dt = modgraph.list_modules(go, env, cwd)
    return mods, dt, [PolicyCheck(r, RunState.SKIPPED, why_not) for r in wanted]


def _default_patterns(go_version: str, cwd: Path, root: Path,
                      modfiles: list[Path]) -> tuple[str, ...] | None:
    """``./...``, except at a go.work root outside every module, where ``./...``
    matches nothing: there the ``work`` pattern (every workspace module's
    packages; Go 1.25 and later), or None with an older Go, whose workspace
    modules must first be listed to ask for each ``path/...``."""
    if modfiles[0].name == "go.work" and cwd.resolve() == root.resolve() and \
            not (root / "go.mod").is_file():
        try:
            known = GoVersion.parse(go_version) >= _WORK_PATTERN
        except UsageError:  # "devel ...", or no VERSION file: ask the old way
            known = False
        return ("work",) if known else None
    return ("./...",)


def _selected_edges(graph: modgraph.ModGraph, mods: list[modgraph.Module]):
    """Requirement edges between the selected versions, as module paths."""
    selected = {m.path if m.main else f"{m.path}@{m.version}" for m in mods}
    out = set()
    for a, b in graph.edges:
        if a in selected and b in selected:
            out.add((a.split("@", 1)[0], b.split("@", 1)[0]))
    return tuple(sorted(out))


def _go_version(go: Path | str, env: Mapping[str, str]) -> str:
    """The toolchain's version from its VERSION file (no subprocess); "" if unknown."""
    return read_version_file(Path(go).resolve().parent.parent) or env.get("GOVERSION", "")
