"""The shared, memoised view of the environment that every doctor check reads.

Checks run concurrently in threads; each fact (host detection, a binary's
headers, ``go env -json`` of the winning go) is computed once, under a lock,
and shared, so no subprocess is run twice in one doctor run.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.shimid import is_shim

if TYPE_CHECKING:
    # Only for the annotations: at run time the toolchains package loads when a shim is
    # possible (see Context._shim_target).
    from goarchlab.doctor.timing import Timing
    from goarchlab.toolchains.api import Choice
    from goarchlab.toolchains.model import Toolchain

T = TypeVar("T")



@dataclass(frozen=True)
class GoOnPath:
    """One ``go`` executable found on PATH.

    ``path``: as found (PATH dir + ``go``); ``resolved``: after following
    symlinks (None for a broken link). ``index``: its position among the go
    binaries on PATH (0 wins). ``problem``: why it cannot be used (a directory,
    a broken symlink, not executable, not a binary), else None.
    """

    path: Path
    resolved: Path | None
    index: int
    problem: str | None = None
    #: Set on the toolchain a goarchlab shim runs (see Context.active_go): the shim's
    #: own path on PATH; None for a go found on PATH itself.
    shim: Path | None = None
    #: What ``shim`` is: ``goarchlab shim``, or another version manager's (``goenv
    #: shim``, ``asdf shim``, ``mise shim``).
    via: str = "goarchlab shim"


@dataclass(frozen=True)
class ShimTarget:
    """What a goarchlab shim on PATH runs in the audited directory: the shim's
    ``home`` (its own, as the shim derives it from its location), the ``choice``
    (the version the directory asks for) and the installed Toolchain serving it,
    None when that version is not installed (the shim would install it)."""

    shim: GoOnPath
    home: Path
    choice: Choice
    toolchain: Toolchain | None


def fact_label(key: Any) -> str:
    """A short human name for a memo key: ``go env -json``-style argv for a subprocess
    (``run go help build``), ``inspect /usr/bin/go``, ``identify ...``, or the key."""
    if isinstance(key, tuple) and key and key[0] == "run":
        argv = list(key[1])
        cwd = f" (in {key[3]})" if key[3] != "None" else ""
        return "run " + " ".join([os.path.basename(argv[0]), *argv[1:]]) + cwd
    if isinstance(key, tuple):
        return " ".join(str(k) for k in key)
    return str(key)


@dataclass(frozen=True)
class Outcome:
    """A memoised computation: its ``value`` or the GoarchlabError it raised."""

    value: Any = None
    error: GoarchlabError | None = None


class Context:
    """What the checks of one doctor run share.

    ``env``: the environment being audited (normally a copy of os.environ);
    ``cwd``: the directory doctor was started in; ``project``: the module root
    (from ``--project``, or the cwd when it holds go.mod), else None.
    ``timeout``: seconds allowed for each go subprocess (> 0).
    """

    def __init__(self, env: Mapping[str, str], cwd: Path, project: Path | None = None,
                 timeout: float = 20.0, probe: Any = None) -> None:
        self.env = dict(env)
        self.cwd = cwd
        self.project = project
        self.timeout = timeout
        #: The host layer's seam (None: the real machine); see goarchlab.host.
        self.probe = probe
        self._memo: dict[Any, Outcome] = {}
        self._locks: dict[Any, threading.Lock] = {}
        self._guard = threading.Lock()
        #: perf_counter() seconds when this context was made: the origin of ``timings``.
        self.t0 = time.perf_counter()
        # (kind, label, start, seconds) per timed part; Timing objects only when read.
        self._timings: list[tuple[str, str, float, float]] = []

    @property
    def timings(self) -> list[Timing]:
        """One Timing per computed fact, check and timed phase, in the order they ended
        (``doctor -v`` prints them; see goarchlab.render.doctor_timing)."""
        # Made here, not in timed(): only -v reads them, and creating the Timing class
        # costs every doctor run ~0.8 ms of CPU (a frozen dataclass, Python 3.11).
        from goarchlab.doctor.timing import Timing

        return [Timing(*t) for t in self._timings]

    def timed(self, kind: str, label: str, start: float) -> None:
        """Record that ``label`` (of ``kind``: fact, check, phase) ran from ``start``
        (a perf_counter() value) until now."""
        end = time.perf_counter()
        self._timings.append((kind, label, start - self.t0, end - start))

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """Compute ``key`` once across threads; re-raise its GoarchlabError every time."""
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                start = time.perf_counter()
                try:
                    self._memo[key] = Outcome(compute())
                except GoarchlabError as e:
                    self._memo[key] = Outcome(error=e)
                finally:
                    self.timed("fact", fact_label(key), start)
            out = self._memo[key]
        if out.error is not None:
            raise out.error
        return out.value

    def prefetch(self) -> list[threading.Thread]:
        """Start computing the slow shared facts (host detection, ``go env -json``) in
        background threads, so their subprocesses overlap the import of the check
        modules. Returns the (non-daemon) threads; nothing is lost if they are not
        joined: the checks read the same memoised results, and a failure is
        recomputed and raised where a check asks for it.
        """

        def quietly(fn: Callable[[], Any]) -> Callable[[], None]:
            def run() -> None:
                # A failure is recomputed and raised by the check that needs the fact.
                with contextlib.suppress(Exception):
                    fn()

            return run

        threads = [threading.Thread(target=quietly(f), name=f"doctor-prefetch-{i}")
                   for i, f in enumerate((lambda: self.host, self.go_env))]
        for t in threads:
            t.start()
        return threads

    # --- shared facts -------------------------------------------------------

    @property
    def host(self):
        """Host facts (goarchlab.host.detect), computed once."""
        from goarchlab.host import detect

        return self.memo("host", lambda: detect(self.probe))

    def native_platform(self) -> tuple[str, str]:
        """(GOOS, native GOARCH) of the audited machine, e.g. ("darwin", "arm64"): the
        host facts, else (detection failed) goarchlab.host.native_platform, which runs
        no compiler; both read the same probe."""
        try:
            return self.host.os, self.host.native_arch
        except GoarchlabError:
            from goarchlab.host import native_platform

            goos, arch, _ = native_platform(self.probe)
            return goos, arch

    def inspect(self, path: Path):
        """The BinaryInfo of ``path`` (goarchlab.binary.inspect), computed once per path."""

        def compute():
            from goarchlab.binary import inspect

            return inspect(path)

        return self.memo(("inspect", str(path)), compute)

    def run(self, argv: tuple[str, ...], env: Mapping[str, str] | None = None,
            cwd: Path | None = None) -> proc.Completed:
        """``proc.run`` memoised on (argv, env, cwd); ``env`` defaults to the audited one."""
        e = dict(self.env if env is None else env)
        key = ("run", tuple(argv), tuple(sorted(e.items())), str(cwd))
        return self.memo(key, lambda: proc.run(list(argv), env=e, timeout=self.timeout, cwd=cwd))

    def path_dirs(self) -> list[str]:
        """The audited PATH, split, empty entries kept out."""
        return [d for d in self.env.get("PATH", "").split(os.pathsep) if d]

    def go_binaries(self) -> list[GoOnPath]:
        """Every ``go`` on PATH in PATH order (duplicates of one file kept: they shadow)."""
        return self.memo("go_binaries", self._find_go)

    def _find_go(self) -> list[GoOnPath]:
        found: list[GoOnPath] = []
        for d in self.path_dirs():
            p = Path(d) / "go"
            if not (p.exists() or p.is_symlink()):
                continue
            problem = None
            resolved: Path | None = p.resolve()
            if p.is_symlink() and not p.exists():
                problem, resolved = "a broken symbolic link", None
            elif p.is_dir():
                problem = "a directory, not a program"
            elif not os.access(p, os.X_OK):
                problem = "not executable"
            found.append(GoOnPath(p, resolved, len(found), problem))
        return found

    def path_go(self) -> GoOnPath | None:
        """The go that wins on PATH (the first usable one, a shim included), or None."""
        return next((g for g in self.go_binaries() if g.problem is None), None)

    def active_go(self) -> GoOnPath | None:
        """The go command that really runs: the winner on PATH or, when that is a
        goarchlab shim, the toolchain it resolves to for the audited directory (its
        ``shim`` field set). None when there is no usable go, or the shim's toolchain
        is not installed (the shim would install it; doctor never does)."""

        def compute() -> GoOnPath | None:
            g = self.path_go()
            t = self.shim_target(g) if g is not None else None
            if t is None:
                m = self.manager_target(g) if g is not None else None
                if m is None:
                    return g
                shim, go = m
                return GoOnPath(go, go.resolve(), g.index, None, shim=g.path,
                                via=f"{shim.name} shim")
            if t.toolchain is None:
                return None
            go = t.toolchain.go
            return GoOnPath(go, go.resolve(), g.index, None, shim=g.path)

        return self.memo("active_go", compute)

    def manager_target(self, g: GoOnPath):
        """When ``g`` is a goenv, asdf or mise shim: (the ManagerShim, the go it runs in
        the project or cwd), asked of the manager itself (``goenv which go``); None for
        any other go, or when the manager cannot say (then the shim itself is judged)."""
        return self.memo(("manager_target", str(g.path)), lambda: self._manager_target(g))

    def _manager_target(self, g: GoOnPath):
        from goarchlab.doctor import version_managers

        shim = version_managers.recognise(g.path, g.resolved, self.env)
        argv = shim.which_argv() if shim is not None else None
        if argv is None:
            return None
        try:
            r = self.run(argv, cwd=self.project or self.cwd)
        except GoarchlabError:
            return None
        out = r.stdout.strip().splitlines()
        go = Path(out[-1]) if r.ok and out else None
        if go is None or not go.is_absolute() or not go.is_file():
            return None
        return shim, go

    def shim_target(self, g: GoOnPath) -> ShimTarget | None:
        """When ``g`` is a goarchlab shim (the compiled one, known by its Go module
        path, or the script shim written before any toolchain exists): what it runs
        in the project (or cwd), resolved by goarchlab.toolchains.resolve, the rules
        the shim itself follows. None for any other go."""
        return self.memo(("shim_target", str(g.path)), lambda: self._shim_target(g))

    def _shim_target(self, g: GoOnPath) -> ShimTarget | None:
        exe = g.resolved
        # goarchlab.shimid reads the file without the toolchains package, which loads
        # only for a shim (~15 ms).
        if exe is None or not is_shim(exe, self.inspect):
            return None
        from goarchlab.toolchains.api import resolve_dir

        # The shim finds its home from its own location (home/shims/go), whatever
        # GOARCHLAB_HOME says, and resolves for its working directory.
        home = exe.parent.parent
        choice, tc = resolve_dir(self.project or self.cwd, self.env, home,
                                 self.native_platform())
        return ShimTarget(g, home, choice, tc)

    def shim_overrides(self) -> dict[str, str]:
        """What a shim first on PATH changes in the environment of the go it runs ({} for
        any other go, or a shim whose toolchain is not installed). goenv's: GOROOT, see
        goarchlab.doctor.version_managers.goroot_override. goarchlab's, read from
        goarchlab/toolchains/shim/main.go (main): ``GOROOT`` is always set to the
        toolchain's root; ``GOTOOLCHAIN`` is set to ``local`` only when the environment
        has it unset or empty (setenv with override=false)."""

        def compute() -> dict[str, str]:
            g = self.path_go()
            t = self.shim_target(g) if g is not None else None
            if t is None and g is not None and (m := self.manager_target(g)) is not None:
                from goarchlab.doctor.version_managers import goroot_override

                root = goroot_override(m[0], m[1], self.env)
                return {"GOROOT": root} if root else {}
            if t is None or t.toolchain is None:
                return {}
            out = {"GOROOT": str(t.toolchain.goroot)}
            if not self.env.get("GOTOOLCHAIN"):
                out["GOTOOLCHAIN"] = "local"
            return out

        return self.memo("shim_overrides", compute)

    def go_environ(self) -> dict[str, str]:
        """The environment the go command really runs with: the audited one with what a
        goarchlab shim sets on top (:meth:`shim_overrides`)."""
        return {**self.env, **self.shim_overrides()}

    def go_command_env(self) -> dict[str, str]:
        """:meth:`go_environ` with GOTOOLCHAIN=local: how doctor runs go itself, so that no
        go command it starts switches or downloads toolchains."""
        return {**self.go_environ(), "GOTOOLCHAIN": "local"}

    def go_env(self) -> dict[str, str]:
        """``go env -json`` of the active go, run in the project (or cwd), once.

        It runs in the environment the go command really gets (through a goarchlab
        shim: GOROOT set by the shim, see :meth:`shim_overrides`), with
        GOTOOLCHAIN=local: doctor audits the go on PATH and must never
        start a toolchain download; the real GOTOOLCHAIN is read from its sources
        (goarchlab.doctor.facts.setting) and the project checks say whether a
        switch would happen. So the ``GOTOOLCHAIN`` key of the answer is ``local``.
        Raises GoarchlabError when there is no usable go or it fails.
        """
        from goarchlab.gocmd.env import go_env

        def compute() -> dict[str, str]:
            g = self.active_go()
            if g is None:
                raise GoarchlabError("no go on PATH", "goarchlab toolchain install latest")
            return go_env(g.path, self.go_command_env(), timeout=self.timeout,
                          cwd=self.project or self.cwd)

        return self.memo("go_env", compute)
