"""Concurrent installs and `kill -9` at the two long moments of an install.

Each test runs the real CLI in subprocesses against the loopback server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from toolchain_helpers import Archive, base_env, toolchain_dirs

from goarchlab import proc


def _argv() -> list[str]:
    return [sys.executable, "-m", "goarchlab", "toolchain", "install", "1.27.3",
            "--source", "official", "--json"]


def _env(home: Path, srv) -> dict[str, str]:
    return {**base_env(home), "GOARCHLAB_GO_MIRROR": srv.base}


def _wait_for(pred, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.002)


def test_two_concurrent_installs_download_once(home, dl_server, mini_tar, tmp_path):
    a = dl_server.add(Archive("go1.27.3", mini_tar))
    dl_server.default = "slow"  # ~2 s, so the two really overlap
    env = _env(home, dl_server)
    with proc.spawn(_argv(), env=env, cwd=tmp_path, stdout=subprocess.PIPE) as p1, \
            proc.spawn(_argv(), env=env, cwd=tmp_path, stdout=subprocess.PIPE) as p2:
        outs = [json.loads(p.communicate(timeout=120)[0]) for p in (p1, p2)]
        assert (p1.returncode, p2.returncode) == (0, 0), p1.stderr.read() + p2.stderr.read()
    assert sorted(o["already"] for o in outs) == [False, True]
    assert {o["toolchain"]["goroot"] for o in outs} == {str(home / "toolchains" / "go1.27.3")}
    assert len(dl_server.file_requests(a.filename)) == 1
    assert toolchain_dirs(home) == ["go1.27.3"]


def test_kill_during_download_then_resume(home, dl_server, mini_tar, tmp_path):
    a = dl_server.add(Archive("go1.27.3", mini_tar))
    dl_server.default = "slow"
    downloads = home / "cache" / "downloads"

    def part() -> Path | None:
        found = list(downloads.glob("*.part")) if downloads.is_dir() else []
        return found[0] if found and found[0].stat().st_size > 256 << 10 else None

    with proc.spawn(_argv(), env=_env(home, dl_server), cwd=tmp_path) as p:
        _wait_for(lambda: part() is not None)
        os.kill(p.pid, signal.SIGKILL)
        assert p.wait(timeout=10) == -signal.SIGKILL
    left = part()
    assert left is not None
    have = left.stat().st_size
    assert 0 < have < len(mini_tar)
    assert toolchain_dirs(home) == []  # nothing half-installed

    dl_server.default = "ok"
    r = proc.run(_argv(), env=_env(home, dl_server), timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert dl_server.file_requests(a.filename)[-1] == f"bytes={have}-"
    assert toolchain_dirs(home) == ["go1.27.3"]
    assert list(downloads.iterdir()) == []


def test_kill_during_extraction_then_clean_retry(home, dl_server, make_tar, tmp_path):
    # Thousands of small members first make extraction last long enough to be caught.
    filler = [(f"go/src/filler/f{i:05d}.go", b"package filler\n", 0o644) for i in range(1500)]
    data = make_tar(filler)
    dl_server.add(Archive("go1.27.3", data))
    tcs = home / "toolchains"

    def staging() -> list[Path]:
        return list(tcs.glob(".staging-*")) if tcs.is_dir() else []

    with proc.spawn(_argv(), env=_env(home, dl_server), cwd=tmp_path) as p:
        _wait_for(lambda: any((s / "src").exists() for s in staging()))
        os.kill(p.pid, signal.SIGKILL)
        assert p.wait(timeout=10) == -signal.SIGKILL
    assert not (tcs / "go1.27.3").exists()
    assert len(staging()) == 1  # the killed install's leftovers, never under the real name

    r = proc.run(_argv(), env=_env(home, dl_server), timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert toolchain_dirs(home) == ["go1.27.3"]  # the stale staging dir was cleaned
    assert len(list((tcs / "go1.27.3" / "src" / "filler").iterdir())) == 1500
