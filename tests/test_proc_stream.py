"""Output handed over while the child still runs: proc.run(on_stdout=...) and the
concatenated-JSON ObjectStream that go list's packages are decoded with."""

from __future__ import annotations

import json
import os
import sys

import pytest

from goarchlab import proc
from goarchlab.errors import GoarchlabError, ProcTimeout
from goarchlab.gocmd.golist import FIELDS, list_deps
from goarchlab.gocmd.jsonstream import ObjectStream, iter_objects

# Prints a first line, then exits 0 only if the parent reacted to that line
# (created the marker file) while the child was still running.
_WAITS_FOR_PARENT = """
import os, sys, time
sys.stdout.write("first\\n"); sys.stdout.flush()
sys.stderr.write("to stderr\\n"); sys.stderr.flush()
for _ in range(400):
    if os.path.exists(sys.argv[1]):
        sys.stdout.write("second\\n"); sys.exit(0)
    time.sleep(0.025)
sys.exit(7)
"""


def test_stdout_reaches_the_callback_before_the_child_exits(tmp_path):
    marker = tmp_path / "seen"
    chunks: list[bytes] = []

    def seen(chunk: bytes) -> None:
        chunks.append(chunk)
        marker.touch()

    r = proc.run([sys.executable, "-c", _WAITS_FOR_PARENT, str(marker)], env=dict(os.environ),
                 timeout=60, on_stdout=seen)
    assert r.returncode == 0  # 7 would mean the first line came only at the end
    assert b"".join(chunks) == b"first\nsecond\n"
    assert (r.stdout, r.stderr) == ("", "to stderr\n")


def test_streaming_child_past_its_timeout_is_killed(tmp_path):
    with pytest.raises(ProcTimeout):
        proc.run([sys.executable, "-c", "print('x', flush=True); import time; time.sleep(60)"],
                 env=dict(os.environ), timeout=1.0, on_stdout=lambda c: None)


def test_callback_error_kills_the_child_and_propagates(tmp_path):
    def refuse(chunk: bytes) -> None:
        raise GoarchlabError("bad output", "hint")

    code = "import time\nwhile True: print('y' * 100, flush=True); time.sleep(0.01)"
    with pytest.raises(GoarchlabError, match="bad output"):
        proc.run([sys.executable, "-c", code], env=dict(os.environ), timeout=60,
                 on_stdout=refuse)


@pytest.fixture(scope="module")
def go_list_output(go_new, make_go_env, tmp_path_factory) -> bytes:
    """Real ``go list -deps -json=...`` output of a module in a directory whose
    name is multi-byte UTF-8 (so chunks can split a character)."""
    d = tmp_path_factory.mktemp("utf8mod") / "ünï"
    d.mkdir()
    (d / "go.mod").write_text("module example.com/u\n\ngo 1.22\n")
    (d / "a.go").write_text('package a\n\nimport _ "fmt"\n')
    r = proc.run([str(go_new.go), "list", "-e", "-deps", "-json=" + ",".join(FIELDS), "./..."],
                 env=make_go_env(go_new, d / "home"), timeout=300, cwd=d, binary=True)
    assert r.ok, r.stderr
    return r.stdout.encode("latin-1")


@pytest.mark.parametrize("size", [1, 7, 4096, 1 << 20])
def test_object_stream_equals_whole_decoding_for_any_chunking(go_list_output, size):
    whole = list(iter_objects(go_list_output.decode()))
    assert len(whole) > 10 and whole[-1]["ImportPath"] == "example.com/u"
    assert whole[-1]["Dir"].endswith("/ünï")
    stream, got, early = ObjectStream(), [], 0
    for i in range(0, len(go_list_output), size):
        got += stream.feed(go_list_output[i:i + size])
        early = len(got)
    got += stream.close()
    assert got == whole
    # All but the last object are out before the end of the stream is known.
    assert early >= len(whole) - 1


def test_object_stream_takes_unindented_json_at_close_and_rejects_bad_json():
    s = ObjectStream()
    assert s.feed(b'{"a": 1}{"b": [2]}\n') == []
    assert s.close() == [{"a": 1}, {"b": [2]}]
    bad = ObjectStream("go list -json output")
    with pytest.raises(GoarchlabError, match=r"go list -json output is not valid JSON at offset"):
        bad.feed(json.dumps({"x": 1}, indent="\t").encode() + b"\n{\n\tnope\n}\n")


def test_list_deps_decodes_the_streamed_packages(go_new, go_env, tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/s\n\ngo 1.22\n")
    (tmp_path / "s.go").write_text('package s\n\nimport _ "net/http"\n')
    pkgs, wall = list_deps(go_new.go, go_env, tmp_path)
    paths = [p.import_path for p in pkgs]
    assert paths[-1] == "example.com/s" and "net/http" in paths and len(paths) > 50
    assert len(set(paths)) == len(paths) and wall > 0
    # Dependencies come before their importers, as go prints them.
    assert paths.index("net/http") < paths.index("example.com/s")
