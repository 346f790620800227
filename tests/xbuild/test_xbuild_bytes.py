"""The byte checks and the digest read the whole artifact, in every format.

xbuild hashes each artifact and searches it for the -X values and the build path
through one memory mapping; these tests make the searched string and the digest
come from real builds, so a search that skipped part of the file would show.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from goarchlab.xbuild import XbuildOptions, run
from goarchlab.xbuild.digest import sha256_file

MAIN = """
    package main

    import "fmt"

    var dir = "unset"

    func main() { fmt.Println(dir) }
    """


def test_build_path_put_in_by_x_is_found_in_every_format(tmp_path, xenv, go_new, module_writer):
    # -trimpath removes the module directory from file names, but a -X value holding
    # it puts it back: the "no build path" check must find it in ELF, PE and Mach-O.
    mod = module_writer(tmp_path / "leak", {"go.mod": "module example.com/leak\n\ngo 1.22\n",
                                           "main.go": MAIN})
    res = run(XbuildOptions(targets="linux/amd64,windows/amd64,darwin/arm64", trimpath=True,
                            ldflags=f"-s -w -X main.dir={mod}", out_dir=tmp_path / "dist"),
              go=go_new.go, env=xenv, cwd=mod)
    assert len(res.targets) == 3
    for t in res.targets:
        names = {c.name: c for c in t.checks}
        assert names["-X main.dir"].ok, t.target
        leak = names["no build path"]
        assert not leak.ok and leak.actual == "present", t.target
        assert t.status == "verify-failed", t.target
        assert t.reason == f"no build path: expected {mod} absent, found present", t.target


def test_digest_is_sha256_of_every_byte(tmp_path, xenv, go_new, module_writer):
    mod = module_writer(tmp_path / "ok", {"go.mod": "module example.com/ok\n\ngo 1.22\n",
                                         "main.go": MAIN})
    out = tmp_path / "dist"
    res = run(XbuildOptions(targets="linux/arm64,windows/386,darwin/amd64", trimpath=True,
                            ldflags="-X main.dir=/opt/ok", out_dir=out),
              go=go_new.go, env=xenv, cwd=mod)
    assert res.ok, [(t.target, t.reason) for t in res.targets]
    for t in res.targets:
        data = Path(t.artifact.path).read_bytes()
        assert t.artifact.sha256 == hashlib.sha256(data).hexdigest()
        assert t.artifact.size == len(data)
        assert {c.name: c for c in t.checks}["-X main.dir"].ok


def test_sha256_of_an_empty_file(tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert sha256_file(empty) == hashlib.sha256(b"").hexdigest()

