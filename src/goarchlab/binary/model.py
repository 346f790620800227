"""What goarchlab reads from an executable's headers, without ever running it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GoModule:
    """One module record of Go build info: ``path``, ``version``, go.sum ``sum``
    (``h1:...``, may be empty) and the module that ``replace`` substitutes for it."""

    path: str
    version: str
    sum: str = ""
    replace: GoModule | None = None


@dataclass(frozen=True)
class GoBuildInfo:
    """The Go build information embedded in a binary (what ``go version -m`` shows).

    ``go_version``: e.g. ``go1.22.10`` (a string: devel builds are kept verbatim).
    ``path``: the main package path; ``main_module``/``main_version``: the main
    module and its version (``(devel)`` for a local build). ``settings``: the
    ``build`` lines in order of appearance as a mapping, e.g. ``GOOS``,
    ``GOARCH``, ``GOAMD64``, ``GOARM64``, ``CGO_ENABLED``, ``-ldflags``,
    ``-trimpath``, ``vcs.revision``. ``deps``: ``(path, version)`` of each
    dependency module. ``main`` and ``modules`` carry the full records of the
    main module and of each dependency (sum and replacement), in file order;
    :func:`goarchlab.binary.buildinfo.go_string` turns them back into Go's text.
    """

    go_version: str
    path: str = ""
    main_module: str = ""
    main_version: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    deps: tuple[tuple[str, str], ...] = ()
    main: GoModule | None = None
    modules: tuple[GoModule, ...] = ()

    @property
    def goos(self) -> str | None:
        """GOOS from the build settings, if recorded."""
        return self.settings.get("GOOS")

    @property
    def goarch(self) -> str | None:
        """GOARCH from the build settings, if recorded."""
        return self.settings.get("GOARCH")


@dataclass(frozen=True)
class Slice:
    """One architecture's image in an executable (a universal Mach-O has several).

    ``goarch``: the Go GOARCH name (amd64, arm64, 386, arm, riscv64, ...), or the
    header's own name when Go has none. ``goos``: linux/darwin/windows/freebsd/...
    when the header tells, else None. ``bits``: 32 or 64. ``endian``: ``little``
    or ``big``. ``static``: True when the image needs no dynamic loader
    (ELF: no PT_INTERP and no DT_NEEDED; Mach-O: no LC_LOAD_DYLIB;
    PE: no imports); ``interpreter``: the ELF PT_INTERP path (Mach-O:
    the LC_LOAD_DYLINKER path) if any.
    ``stripped``: True when the symbol table is absent. ``go``: the Go build
    info found in this image, or None for a non-Go binary.
    ``kind``: ``executable``, ``shared-library``, ``object``, ``core`` or ``other``.
    ``libraries``: the shared libraries the image names (ELF DT_NEEDED, Mach-O
    LC_LOAD_DYLIB and friends, PE import DLLs), in file order. ``dwarf``: True
    when DWARF debug info is present (``-ldflags=-w`` removes it).
    ``machine``: the header's own name of the architecture (``EM_X86_64``,
    ``CPU_TYPE_ARM64``, ``IMAGE_FILE_MACHINE_AMD64``, ...).
    """

    goarch: str
    goos: str | None
    bits: int
    endian: str
    static: bool
    stripped: bool
    interpreter: str | None = None
    go: GoBuildInfo | None = None
    kind: str = "executable"
    libraries: tuple[str, ...] = ()
    dwarf: bool = False
    machine: str = ""


@dataclass(frozen=True)
class BinaryInfo:
    """An inspected executable.

    ``format``: ``elf``, ``macho``, ``macho-universal``, ``pe`` or ``wasm``. ``slices``:
    one per architecture (more than one only for a universal Mach-O).
    ``size``: the file size in bytes.
    """

    SCHEMA = "goarchlab.binary/v1"

    path: str
    format: str
    size: int
    slices: tuple[Slice, ...]

    @property
    def archs(self) -> tuple[str, ...]:
        """The GOARCH of every slice, in file order."""
        return tuple(s.goarch for s in self.slices)

    @property
    def go(self) -> GoBuildInfo | None:
        """The Go build info of the first slice that has one."""
        return next((s.go for s in self.slices if s.go is not None), None)
