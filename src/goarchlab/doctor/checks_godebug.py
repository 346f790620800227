"""GODEBUG: every key checked against the active toolchain's own sources.

A key is known to a Go release when one of these reads it (go1.27.3 sources):

* ``src/internal/godebugs/table.go`` ``All``: the documented settings
  (``{Name: "http2client", Package: "net/http"}``), since Go 1.21;
* the same file's ``Removed`` list: removed settings, which have no effect; from
  the release whose entries carry an ``Old`` predicate (go1.27.3 has it, earlier
  lists such as ``{Name: "x509sha1", Removed: 24}`` do not) an *old* value makes
  every program built with that release, the go command included, stop at start
  (``runtime/proc.go``: ``removed GODEBUG ... set to old value``);
* ``src/runtime/runtime1.go`` ``dbgvars`` and ``memprofilerate``: the runtime's
  debugging variables (``gctrace``, ``madvdontneed``), integer values; a value
  above the limit of a ``if debug.X > N { throw(...) }`` in ``parsedebugvars``
  (``cgocheck=2`` in go1.22.10 and go1.27.3) stops every program at start;
* ``src/internal/cpu``: ``cpu.<feature>=on|off`` and ``cpu.all`` for the target arch;
* ``godebug.New("#name")`` anywhere in ``src``: undocumented settings (searched
  only when a key is not found above, because that walk reads every source file).

Anything else is ignored by the runtime and the standard library, silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from goarchlab.doctor import facts, localgo
from goarchlab.doctor.claims import CLAIMS
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix, Severity, check

if TYPE_CHECKING:
    from goarchlab.doctor.godebug_sources import Known

#: goarchlab.gocmd.godebugs.TABLE_REF (a test keeps them equal): that module, its
#: dataclasses and regular expressions are imported only when GODEBUG is set.
REF_TABLE = "$GOROOT/src/internal/godebugs/table.go"
REF_RUNTIME = "$GOROOT/src/runtime/runtime1.go (dbgvars)"


def _int32(v: str) -> bool:
    try:
        return -(1 << 31) <= int(v, 10) < (1 << 31) and v.strip() == v and "_" not in v
    except ValueError:
        return False


@check("goenv.godebug", "goenv", "every GODEBUG key checked against the active toolchain's "
       "own sources (internal/godebugs/table.go, runtime, internal/cpu)")
def check_godebug(ctx: Context) -> Iterator[Finding]:
    """Judge each ``key=value`` of GODEBUG (read only from the OS environment)."""
    value = ctx.env.get("GODEBUG", "")
    if not value:
        return
    # Only now: the source readers (their dataclass and regular expressions) cost a
    # run without GODEBUG ~1.5 ms of CPU.
    from goarchlab.doctor.godebug_sources import parse_known, undocumented

    tc = localgo.toolchain(ctx)
    env = facts.try_go_env(ctx) or {}
    goarch = env.get("GOARCH") or ctx.host.native_arch
    src = tc.goroot / "src"
    known = ctx.memo(("godebug-known", str(src), goarch), lambda: parse_known(src, goarch))
    name = tc.name or "this toolchain"
    if not known.has_table:
        yield Finding("goenv.godebug", "goenv", Severity.INFO,
                      f"GODEBUG={value} not checked: {name} has no {REF_TABLE}",
                      "the GODEBUG table exists since Go 1.21")
        return
    fields = value.split(",")
    good: list[str] = []
    out: list[Finding] = []
    hidden: dict[str, str] | None = None
    for field in fields:
        if not field:
            continue
        key, eq, val = field.partition("=")
        if not eq:
            out.append(Finding("goenv.godebug", "goenv", Severity.WARN,
                               f"GODEBUG entry '{field}' has no '=value' and is ignored",
                               "GODEBUG is a comma-separated list of key=value"))
            continue
        if key in known.removed:
            minor, old = known.removed[key]
            if val in old:
                out.append(Finding(
                    "goenv.godebug-removed", "goenv", Severity.ERROR,
                    f"GODEBUG {field}: {key} was removed in Go 1.{minor} and {val} is its old "
                    "value",
                    f"every program built with {name}, the go command included, stops at "
                    f"start with 'removed GODEBUG \"{key}\" set to old value \"{val}\"'",
                    refs=(REF_TABLE, f"https://go.dev/doc/godebug#go-1{minor}")))
            else:
                out.append(Finding("goenv.godebug", "goenv", Severity.INFO,
                                   f"GODEBUG {key} was removed in Go 1.{minor}",
                                   f"{field} is allowed but has no effect with {name}",
                                   refs=(REF_TABLE,)))
            continue
        if key in known.documented or key in known.runtime:
            if key in known.fatal and _int32(val) and int(val) > known.fatal[key][0]:
                out.append(Finding(
                    "goenv.godebug-fatal", "goenv", Severity.ERROR,
                    f"GODEBUG {field}: above {known.fatal[key][0]}, every program stops at start",
                    f"every program built with {name}, the go command included, stops with "
                    f"'fatal error: {known.fatal[key][1]}'", refs=(REF_RUNTIME,)))
                continue
            if key in known.runtime and key not in known.documented and not _int32(val):
                out.append(Finding("goenv.godebug", "goenv", Severity.WARN,
                                   f"GODEBUG {field}: the runtime ignores non-integer values",
                                   f"{key} is a runtime debugging variable (integer)",
                                   refs=(REF_RUNTIME,)))
            good.append(field)
            continue
        if key.startswith("cpu.") and known.cpu:
            feat = key[4:]
            if feat not in known.cpu:
                why = f"{feat} is not a CPU feature option of {name} for GOARCH={goarch}"
            elif val not in ("on", "off"):
                why = f"cpu options take on or off, not {val!r}"
            else:
                good.append(field)
                continue
            out.append(Finding("goenv.godebug", "goenv", Severity.WARN,
                               f"GODEBUG {field} is ignored", f"{why}; the runtime prints a "
                               "GODEBUG warning and goes on", refs=("$GOROOT/src/internal/cpu",)))
            continue
        if hidden is None:
            hidden = ctx.memo(("godebug-hidden", str(src)), lambda: undocumented(src))
        if key in hidden:
            good.append(field)
            out.append(Finding("goenv.godebug", "goenv", Severity.INFO,
                               f"GODEBUG {key} is an undocumented setting of {name}",
                               f"read by {hidden[key]} (godebug.New(\"#{key}\"))"))
            continue
        claim = CLAIMS["godebug-mmap"] if key == "mmap" else None
        checked = (f"Checked against {name}'s {REF_TABLE}, runtime/runtime1.go, internal/cpu "
                   "and its undocumented godebug.New(\"#...\") settings")
        if claim:
            detail = f"Guides claim '{claim.claim}', but {claim.truth}. {checked}"
        else:
            detail = (f"the runtime and the standard library ignore unknown keys, so {field} "
                      f"does nothing. {checked}")
        out.append(Finding("goenv.godebug-unknown", "goenv", Severity.WARN,
                           f"{key} is not a GODEBUG setting of {name}", detail,
                           refs=claim.refs if claim else (REF_TABLE, REF_RUNTIME)))
    keep = ",".join(good)
    # GODEBUG can only come from the OS environment ('go env -w' refuses it).
    fix = Fix(f"set GODEBUG={keep} in your shell profile" if keep else
              "unset GODEBUG in your shell profile", None)
    for f in out:
        if f.severity in (Severity.WARN, Severity.ERROR):
            f = Finding(f.id, f.area, f.severity, f.title, f.detail, fix, f.refs)
        yield f
    if good:
        yield Finding("goenv.godebug", "goenv", Severity.OK,
                      f"GODEBUG settings known to {name}: {', '.join(good)}",
                      "; ".join(f"{k}: {_where(known, k)}" for k in
                                dict.fromkeys(g.split("=")[0] for g in good)))


def _where(known: Known, key: str) -> str:
    """Who reads ``key``, for the report."""
    if key in known.documented:
        return known.documented[key]
    if key in known.runtime:
        return "runtime debugging variable"
    if key.startswith("cpu."):
        return "internal/cpu"
    return "undocumented"
