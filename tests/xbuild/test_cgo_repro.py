"""cgo-aware cross builds and the reproducibility check, with the host's real gcc."""

from __future__ import annotations

from goarchlab.xbuild import XbuildOptions, run

# A real reproducibility bug: C's __DATE__/__TIME__ stamp the build time into the binary.
STAMP = {
    "go.mod": "module example.com/stamp\n\ngo 1.22\n",
    "main.go": """
        package main

        /*
        static const char *stamp = "built " __DATE__ " " __TIME__;
        static const char *built(void) { return stamp; }
        */
        import "C"

        // println, not fmt: the fresh-cache rebuild then compiles only the runtime.
        func main() { println(C.GoString(C.built())) }
        """,
}


def test_cgo_cross_target_without_cross_compiler_is_reported(tmp_path, xenv, go_new, module_writer):
    mod = module_writer(tmp_path / "stamp", STAMP)
    res = run(XbuildOptions(targets="linux/amd64,linux/arm64", cgo="1", trimpath=True,
                      out_dir=tmp_path / "dist"), go=go_new.go, env=xenv, cwd=mod)
    amd, arm = res.targets
    assert amd.status == "ok", amd.reason
    assert amd.cgo == "1" and amd.artifact.static is False  # linked against libc
    assert {c.name: c.ok for c in amd.checks}["CGO_ENABLED"]
    assert arm.status == "skipped" and arm.time_s == 0
    assert "example.com/stamp needs it" in arm.reason
    assert "x86_64-linux-gnu" in arm.reason and "not linux/arm64" in arm.reason
    # With go's default (cgo off when cross-compiling) the build fails, and says why.
    res = run(XbuildOptions(targets="linux/arm64", trimpath=True, out_dir=tmp_path / "d2"),
              go=go_new.go, env=xenv, cwd=mod)
    t = res.targets[0]
    assert t.status == "build-failed"
    assert "example.com/stamp uses cgo, which is off for this build" in t.reason
    assert t.error  # the go command's own words are kept


def test_reproducible_catches_c_timestamp_with_fresh_cache(tmp_path, xenv, go_new, module_writer):
    mod = module_writer(tmp_path / "stamp", STAMP)
    res = run(XbuildOptions(targets="linux/amd64", trimpath=True, reproducible=True,
                      out_dir=tmp_path / "dist"), go=go_new.go, env=xenv, cwd=mod)
    t = res.targets[0]
    assert t.reproducible is not None and t.reproducible.cache == "fresh"
    assert t.status == "not-reproducible", t.reason
    assert not t.reproducible.ok and t.reproducible.sha256 != t.artifact.sha256
    assert "contents differ" in t.reason
    assert not res.ok
