"""``go list -deps -json``: the package import graph, as the go command resolves it.

Only the fields goarchlab reads are asked for (``-json=Field,...``, Go 1.19+),
which keeps the output, and its decoding, about three times smaller than a full
``-json``. The output is a stream of concatenated JSON objects, decoded by
:class:`goarchlab.gocmd.jsonstream.ObjectStream` as go prints it.

``go list`` has no import positions in its JSON (``ImportPos`` is internal to
cmd/go), so the files that hold an import are found by
:mod:`goarchlab.deps.imports` only for the imports that break a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.failure import summary
from goarchlab.gocmd.jsonstream import ObjectStream

#: Seconds allowed for one ``go list`` (it may download modules on a cold cache).
LIST_TIMEOUT = 600.0

#: What the deps rules read, nothing more: every field costs output to decode
#: (Module, the largest, is ~40 % of it and is needed whole).
FIELDS = (
    "ImportPath", "Dir", "Standard", "Module", "GoFiles", "CgoFiles", "TestGoFiles",
    "XTestGoFiles", "Imports", "ImportMap", "TestImports", "XTestImports", "Error",
)


# A NamedTuple, not a frozen dataclass: 3,000+ are built per run of goarchlab
# deps while go list prints, and one is built ~5x faster (a frozen dataclass
# sets each field through object.__setattr__).
class Package(NamedTuple):
    """One package of ``go list -deps``.

    ``module`` is empty for the standard library; ``main`` is
    True for a package of a main (workspace) module. ``files``: GoFiles+CgoFiles
    (base names, in ``dir``); ``imports``: their imports as written in the source
    (ImportMap undone, so vendored paths read as in the files); ``test_imports``:
    those of ``_test.go`` files (TestImports + XTestImports) with ``test_files``.
    """

    import_path: str
    dir: str
    standard: bool
    module: str
    main: bool
    files: tuple[str, ...]
    test_files: tuple[str, ...]
    imports: tuple[str, ...]
    test_imports: tuple[str, ...]
    error: str | None


_NO_MODULE: dict = {}


def _package(o: dict) -> Package:
    # Runs once per listed package (3,000+ in a large workspace) while go still
    # prints, so it avoids work for what is absent: most packages have no
    # ImportMap, no cgo and no test files.
    get = o.get
    mod = get("Module") or _NO_MODULE
    imports = get("Imports") or ()
    imap = get("ImportMap")
    if imap:
        # ImportMap maps a path as written in the source to the resolved one
        # (vendor/..., or a test variant); rules are written against the source form.
        inverse = {v: k for k, v in imap.items()}
        imports = [inverse.get(i, i) for i in imports]
    imports = tuple(i for i in imports if i != "C") if "C" in imports else tuple(imports)
    ti, xi = get("TestImports"), get("XTestImports")
    tests: tuple[str, ...] = ()
    if ti or xi:
        seen = {*(ti or ()), *(xi or ())}
        seen.discard("C")
        tests = tuple(sorted(seen))
    gf, cf = get("GoFiles") or [], get("CgoFiles") or []
    tf, xf = get("TestGoFiles") or [], get("XTestGoFiles") or []
    err = get("Error")
    return Package(
        get("ImportPath", ""),
        get("Dir", ""),
        bool(get("Standard")),
        mod.get("Path", ""),
        bool(mod.get("Main")),
        tuple(gf + cf),
        tuple(tf + xf),
        imports,
        tests,
        err.get("Err") if isinstance(err, dict) else None,
    )


def run_go(argv: Sequence[str], env: Mapping[str, str], cwd: Path, *, timeout: float,
           shown: str, hint: str,
           on_stdout: Callable[[bytes], None] | None = None,
           group: proc.Group | None = None) -> proc.Completed:
    """Run one go command (``argv``) in ``cwd`` within ``timeout`` seconds; when it
    fails as a whole raise GoarchlabError ``"<shown> failed in <cwd>: <why>"`` (exit 3)
    with ``hint``, ``<why>`` being :func:`goarchlab.gocmd.failure.summary` of its
    output. ``on_stdout``, ``group``: see :func:`goarchlab.proc.run`."""
    r = proc.run(list(argv), env=env, timeout=timeout, cwd=cwd, on_stdout=on_stdout,
                 group=group)
    if not r.ok:
        why = summary(r.stderr or r.stdout, empty="no output")
        raise GoarchlabError(f"{shown} failed in {cwd}: {why}", hint)
    return r


def list_deps(
    go: Path | str,
    env: Mapping[str, str],
    cwd: Path,
    patterns: Sequence[str] = ("./...",),
    *,
    timeout: float = LIST_TIMEOUT,
    group: proc.Group | None = None,
    on_packages: Callable[[list[Package]], None] | None = None,
) -> tuple[list[Package], float]:
    """Run ``go list -e -deps -json=... PATTERNS`` in ``cwd`` (a member of ``group``).

    Returns the packages (dependencies before their importers, as go prints
    them) and the go command's wall time in seconds. Raises GoarchlabError
    (exit 3) when go fails as a whole, e.g. a go.mod that does not parse; a
    package that cannot be loaded comes back with ``error`` set.
    ``on_packages(pkgs)`` is called, on the thread reading go's output, each time
    the list of packages decoded so far grows (the same list each time, so a
    caller can work on the packages while go still prints the rest); an exception
    it raises stops go and propagates.
    """
    argv = [str(go), "list", "-e", "-deps", "-json=" + ",".join(FIELDS), *patterns]
    # Decoded as go prints it (~1 MB for 3,000 packages, over ~50 ms), not after.
    stream = ObjectStream("go list -json output")
    pkgs: list[Package] = []

    def chunk(data: bytes) -> None:
        n = len(pkgs)
        pkgs.extend(map(_package, stream.feed(data)))
        if on_packages is not None and len(pkgs) > n:
            on_packages(pkgs)

    r = run_go(argv, env, cwd, timeout=timeout, shown="go list",
               hint="run 'go list -deps ./...' there to see the whole message",
               on_stdout=chunk, group=group)
    pkgs.extend(map(_package, stream.close()))
    return pkgs, r.wall_s
