"""Gin through the Go module proxy, the clear message when it cannot be fetched, and
the http suite's registration kept light."""

from __future__ import annotations

import pytest

from goarchlab import proc
from goarchlab.bench import suites
from goarchlab.bench.http import build, drivers, server
from goarchlab.errors import GoarchlabError


def test_gin_server_from_the_module_proxy(http_sctx, native_plan, built, tmp_path):
    binary = build.build("gin", native_plan, http_sctx)
    r = proc.run([binary, "-h"], env=http_sctx.env, timeout=30)
    assert "-cpuprofile" in r.stderr
    with server.running([str(binary), "-addr", "127.0.0.1:0"], http_sctx.env, tmp_path) as srv:
        for path, method, body in (("/api/ping", "GET", 0), ("/api/heavy", "POST", 1024)):
            res = drivers.run("builtin", drivers.Load(f"http://{srv.addr}{path}", 4, 1.0, 0,
                                                      method, body),
                              loadgen=built["loadgen"], env=http_sctx.env)
            assert res.requests > 10 and res.errors == 0 and res.non2xx == 0
    # the pinned Gin is the one in go.sum
    v = proc.run([http_sctx.toolchains(None, "linux", "amd64").go, "version", "-m",
                  str(binary)], env=http_sctx.env, timeout=60).stdout
    assert "github.com/gin-gonic/gin\tv1.10.0" in v


def test_gin_without_module_proxy_says_so(http_host, http_toolchains, native_plan,
                                          session_go_env, tmp_path, built):
    env = {**session_go_env, "GOPROXY": "off", "GOMODCACHE": str(tmp_path / "empty-modcache"),
           "GOFLAGS": "-modcacherw"}
    ctx = suites.SuiteContext(http_host, env, tmp_path / "home", http_toolchains)
    with pytest.raises(GoarchlabError) as e:
        build.build("gin", native_plan, ctx)
    assert "could not be fetched (GOPROXY=off)" in e.value.message
    assert "--server nethttp" in e.value.hint
    # net/http alone still builds and serves without any module
    nethttp = build.build("nethttp", native_plan, ctx)
    with server.running([str(nethttp), "-addr", "127.0.0.1:0"], env, tmp_path) as srv:
        assert srv.alive()


def test_the_http_suite_registers_without_importing_http_client():
    """Every goarchlab command registers the bench parser and with it the http suite;
    http.client (email, ssl: ~20 ms) is imported only when a server is pinged."""
    import os
    import sys

    code = ("import sys; from goarchlab.cli import build_parser; build_parser('bench'); "
            "from goarchlab.bench import catalog; import goarchlab.bench.http.server; "
            "print('http.client' in sys.modules, 'http' in catalog.SUITES)")
    r = proc.run([sys.executable, "-c", code], env=dict(os.environ), timeout=60)
    assert r.ok, r.stderr
    assert r.stdout.split() == ["False", "True"]
