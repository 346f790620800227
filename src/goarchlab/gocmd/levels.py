"""The per-architecture level variables (GOAMD64, GOARM64, GOARM, ...): which GOARCH
reads each, which values each Go release accepts.

Every fact here was checked against the toolchains' own source,
``$GOROOT/src/internal/buildcfg/cfg.go`` of go1.22.10 and go1.27.3 (and
``cmd/compile/internal/x86/galign.go`` for GO386), against ``go help
environment``, and by building with both toolchains (tests/test_levels.py).
Versions where a variable or value first appeared come from the release
notes (go.dev/doc/go1.N): GOAMD64 1.18, ``GOPPC64=power10`` 1.20, GOARM's
``,softfloat``/``,hardfloat`` 1.22, GOARM64 and GORISCV64 1.23, ``rva23u64`` 1.25.
Facts older than Go 1.18 are not modelled: such a toolchain is judged by its 1.18
rules.

Two behaviours of real toolchains matter to a caller:

- Before 1.23, ``GOARM64`` is not read at all: go1.22.10 builds with
  ``GOARM64=v9.6`` and records nothing. :func:`validate_level` says so.
- From 1.23 on, ``buildcfg`` assigns its one ``Error`` variable from the GOARM64
  parse unconditionally, which erases an earlier GOAMD64 or GOARM error:
  go1.27.3 builds ``GOARCH=amd64 GOAMD64=v5`` and ``GOARCH=arm GOARM=8`` and
  records the invalid value in build info. goarchlab reports these values as
  invalid anyway (the documented values are the contract).
"""

from __future__ import annotations

from dataclasses import dataclass

from goarchlab.gocmd.version import GoVersion


def _v(text: str) -> GoVersion:
    return GoVersion.parse(text)


@dataclass(frozen=True)
class LevelVar:
    """One level variable.

    ``name``: e.g. ``GOARM64``. ``goarchs``: the GOARCH values that read it.
    ``since``: the first Go release that reads it. ``values``: each accepted
    base value and the release that first accepted it. ``default``: the value
    used when unset (``go help environment``). ``help``: Go's own one-line
    description of the valid values.
    """

    name: str
    goarchs: tuple[str, ...]
    since: GoVersion
    values: dict[str, GoVersion]
    default: str
    help: str


_GO118 = _v("1.18")
VARS: dict[str, LevelVar] = {
    v.name: v
    for v in (
        LevelVar("GOAMD64", ("amd64",), _GO118,
                 {f"v{i}": _GO118 for i in (1, 2, 3, 4)}, "v1", "v1 (default), v2, v3, v4"),
        LevelVar("GOARM", ("arm",), _GO118, {"5": _GO118, "6": _GO118, "7": _GO118},
                 "7", "5, 6, 7, optionally followed by ,softfloat or ,hardfloat (Go 1.22+)"),
        LevelVar("GOARM64", ("arm64",), _v("1.23"),
                 {**{f"v8.{i}": _v("1.23") for i in range(10)},
                  **{f"v9.{i}": _v("1.23") for i in range(6)}},
                 "v8.0", "v8.0 (default), v8.{1-9}, v9.{0-5}, optionally followed by "
                         ",lse and/or ,crypto"),
        LevelVar("GO386", ("386",), _GO118, {"sse2": _GO118, "softfloat": _GO118},
                 "sse2", "sse2 (default), softfloat"),
        LevelVar("GOMIPS", ("mips", "mipsle"), _GO118,
                 {"hardfloat": _GO118, "softfloat": _GO118}, "hardfloat",
                 "hardfloat (default), softfloat"),
        LevelVar("GOMIPS64", ("mips64", "mips64le"), _GO118,
                 {"hardfloat": _GO118, "softfloat": _GO118}, "hardfloat",
                 "hardfloat (default), softfloat"),
        LevelVar("GOPPC64", ("ppc64", "ppc64le"), _GO118,
                 {"power8": _GO118, "power9": _GO118, "power10": _v("1.20")}, "power8",
                 "power8 (default), power9, power10 (Go 1.20+)"),
        LevelVar("GORISCV64", ("riscv64",), _v("1.23"),
                 {"rva20u64": _v("1.23"), "rva22u64": _v("1.23"), "rva23u64": _v("1.25")},
                 "rva20u64", "rva20u64 (default), rva22u64, rva23u64 (Go 1.25+)"),
        LevelVar("GOWASM", ("wasm",), _GO118, {"satconv": _GO118, "signext": _GO118}, "",
                 "a comma-separated list of satconv, signext"),
    )
}

_BY_GOARCH = {arch: v.name for v in VARS.values() for arch in v.goarchs}
_GOARM_FLOAT_SINCE = _v("1.22")


def level_var(goarch: str) -> str | None:
    """The level variable GOARCH ``goarch`` reads (``arm64`` -> ``GOARM64``), or None
    for an arch without one (s390x, loong64, ...)."""
    return _BY_GOARCH.get(goarch)


def applies_to(var: str) -> tuple[str, ...]:
    """The GOARCH values that read ``var`` (``GOMIPS`` -> mips, mipsle); () if unknown."""
    v = VARS.get(var)
    return v.goarchs if v else ()


def irrelevant(var: str, goarch: str) -> str | None:
    """None when GOARCH ``goarch`` reads ``var``; else a sentence saying it does nothing
    there and which variable does (GOARM with GOARCH=arm64 -> use GOARM64)."""
    if var not in VARS or goarch in VARS[var].goarchs:
        return None
    own = level_var(goarch)
    tail = f"; GOARCH={goarch} reads {own}" if own else f"; GOARCH={goarch} has no level variable"
    return f"{var} applies only to GOARCH={'/'.join(VARS[var].goarchs)}{tail}"


def validate_level(var: str, value: str, version: GoVersion | None = None) -> str | None:
    """None when ``value`` is a valid ``var`` for Go ``version`` (None: the newest rules
    goarchlab knows); otherwise a one-sentence message saying why not.

    A variable that ``version`` does not read at all (GOARM64 before 1.23) gives a
    message too: the value is silently ignored by that toolchain.
    """
    lv = VARS.get(var)
    if lv is None:
        return f"{var} is not a Go level variable (known: {', '.join(VARS)})"
    ver = str(version) if version is not None else "Go"
    if version is not None and version < lv.since:
        return (f"{var} is not read by {ver} (it arrived in {lv.since}); "
                f"the value {value!r} is ignored")
    base, problem = _split_options(lv, value, version)
    if problem:
        return problem
    if var == "GOWASM":
        for feat in (f for f in value.split(",") if f):
            if feat not in lv.values:
                return f"invalid GOWASM: no such feature {feat!r} (valid: {lv.help})"
        return None
    if base not in lv.values:
        if var == "GO386" and base == "387":
            return "GO386=387 was removed in Go 1.16; use GO386=softfloat"
        if var == "GOARM" and base == "8":
            return ("invalid GOARM='8': GOARM applies only to GOARCH=arm (5, 6, 7); "
                    "arm64 has GOARM64 (go1.23+: v8.0..v9.5, optional ,lse ,crypto)")
        return f"invalid {var}={value!r}: valid values are {lv.help}"
    since = lv.values[base]
    if version is not None and version < since:
        return f"{var}={base} needs {since} or later; {ver} rejects it"
    return None


def _split_options(lv: LevelVar, value: str, version: GoVersion | None) -> tuple[str, str | None]:
    """Strip the option suffixes the way buildcfg does; return (base, problem)."""
    v = value
    if lv.name == "GOARM":
        had = False
        # buildcfg.goarm: one check for ",softfloat", then one for ",hardfloat".
        for opt in (",softfloat", ",hardfloat"):
            if v.endswith(opt):
                v, had = v[: -len(opt)], True
        if had and version is not None and version < _GOARM_FLOAT_SINCE:
            return v, (f"GOARM options ,softfloat/,hardfloat need go1.22 or later; "
                       f"{version} rejects {value!r}")
        return v, None
    if lv.name == "GOARM64":
        # buildcfg.ParseGoarm64: any number of ",lse"/",crypto" suffixes, any order.
        while True:
            for opt in (",lse", ",crypto"):
                if v.endswith(opt):
                    v = v[: -len(opt)]
                    break
            else:
                return v, None
    return v, None


__all__ = ["VARS", "LevelVar", "applies_to", "irrelevant", "level_var", "validate_level"]
