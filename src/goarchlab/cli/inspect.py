"""``goarchlab inspect``: what is this binary? Format, slices, Go version and build settings."""

from __future__ import annotations

from goarchlab import render
from goarchlab.errors import EXIT_FAILED, EXIT_OK


def register(subparsers) -> None:
    """Add the ``inspect`` parser."""
    p = subparsers.add_parser(
        "inspect",
        help="what is this binary? format, architectures, linkage, Go version and build settings",
        description="Read executables' headers (ELF, Mach-O incl. universal, PE, WebAssembly) "
        "and their Go build info, without ever running them. Exit 0 when every file "
        "was read, 3 when any could not be.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="executables to inspect")
    p.add_argument("--json", action="store_true", help="print goarchlab.inspect/v1")
    p.set_defaults(handler=_run)


def _run(args) -> int:
    from goarchlab.binary.report import inspect_files

    report = inspect_files(args.files)
    render.emit(report, as_json=args.json)
    return EXIT_OK if report.ok else EXIT_FAILED
