"""Build the HTTP servers (per variant) and the load generator (native, once).

The servers and the load generator are Go sources shipped in
``bench/workloads/http``. The net/http server and the load generator belong to
the workloads module (standard library only); the Gin server is a module of its
own (``http/gin``, Gin pinned in its go.mod/go.sum, fetched through the Go
module proxy the first time). Binaries are cached under
``GOARCHLAB_HOME/cache/bench/http/<key>`` where the key hashes the toolchain,
target, build environment, flags and the sources, like the other suites.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from goarchlab import proc
from goarchlab.bench.suites import BUILD_TIMEOUT, WORKLOADS, SuiteContext
from goarchlab.bench.variants import Plan, base_plan
from goarchlab.errors import GoarchlabError

HTTP_DIR = WORKLOADS / "http"
#: server name -> (module directory to run go build in, package to build)
SERVERS = {"nethttp": (WORKLOADS, "./http/nethttp"), "gin": (HTTP_DIR / "gin", ".")}
#: What goes wrong when the module proxy cannot be reached (go's own wording).
_FETCH_WORDS = ("dial tcp", "proxy.golang.org", "GOPROXY", "module lookup disabled",
                "no such host", "Get \"https://", "connection refused", "i/o timeout",
                "cannot find module providing", "missing go.sum entry")


def _sources_hash() -> str:
    # The http sources, and the workloads module's go.mod: nethttp and the load
    # generator build in that module (its go directive sets their language version)
    # and Gin's go.mod replaces goarchlab.local/workloads with it.
    files = [p for p in sorted(HTTP_DIR.rglob("*"))
             if p.is_file() and p.suffix in (".go", ".mod", ".sum")]
    h = hashlib.sha256()
    for p in (WORKLOADS / "go.mod", *files):
        h.update(str(p.relative_to(WORKLOADS)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def build(what: str, plan: Plan, ctx: SuiteContext) -> Path:
    """Build ``what`` (``nethttp``, ``gin`` or ``loadgen``) for ``plan``; returns the
    cached binary's path. Raises GoarchlabError with go's first error line, and for
    Gin a message saying the module proxy could not be reached when that is why."""
    if what == "loadgen":
        moddir, pkg = WORKLOADS, "./http/loadgen"
    else:
        moddir, pkg = SERVERS[what]
    tc = ctx.toolchains(plan.version, ctx.host.os, ctx.host.native_arch)
    env = ctx.go_env(tc, plan)
    if "http.src" not in ctx._memo:
        ctx._memo["http.src"] = _sources_hash()
    key_doc = json.dumps([str(tc.version), str(tc.goroot), plan.build_env(),
                          plan.variant.build_flags, ctx._memo["http.src"], what], sort_keys=True)
    key = hashlib.sha256(key_doc.encode()).hexdigest()[:20]
    out = ctx.home / "cache" / "bench" / "http" / key / what
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{what}.", dir=out.parent)
    os.close(fd)
    # -mod=readonly: go.sum is shipped; never rewrite files inside the package.
    argv = [str(tc.go), "build", "-mod=readonly", "-o", tmp, *plan.variant.build_flags, pkg]
    try:
        r = proc.run(argv, env=env, timeout=BUILD_TIMEOUT, cwd=moddir)
        if not r.ok:
            text = r.stderr.strip()
            first = next((ln for ln in text.splitlines() if ln and not ln.startswith("#")),
                         text[:200])
            if what == "gin" and any(w in text for w in _FETCH_WORDS):
                raise GoarchlabError(
                    "the Gin server needs github.com/gin-gonic/gin from the Go module proxy, "
                    f"which could not be fetched (GOPROXY={env.get('GOPROXY') or 'default'}): "
                    f"{first[:160]}",
                    "use --server nethttp (standard library only), or allow access to the Go "
                    "module proxy (GOPROXY) or fill the module cache (GOMODCACHE) first")
            raise GoarchlabError(f"building the {what} HTTP workload for {plan.name} failed: "
                                 f"{first}", f"command: {' '.join(argv)} (in {moddir})")
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out


def build_loadgen(ctx: SuiteContext) -> Path:
    """The load generator, always built for this host's native platform with the
    default toolchain (it must never run translated)."""
    if "http.loadgen" not in ctx._memo:
        ctx._memo["http.loadgen"] = build("loadgen", base_plan(ctx.host), ctx)
    return ctx._memo["http.loadgen"]
