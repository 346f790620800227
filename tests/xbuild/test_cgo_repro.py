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


def test_cross_cgo_asked_again_when_the_early_guess_is_gos_host(tmp_path, xenv, go_new,
                                                                module_writer, monkeypatch):
    """xbuild asks go env for a cross build's CGO_ENABLED before go has named its host,
    of a platform foreign to what Python sees; when that platform is go's host after
    all (Python under a translator, say), the answer is for the host and is asked again
    for a foreign one: the cross targets must still get go's cross default."""
    import goarchlab.xbuild as xb

    host = (go_new.goos, go_new.goarch)
    # A "Python platform" whose foreign platform is exactly go's host.
    fake = next(p for p in [("linux", "amd64"), ("linux", "arm64"), ("darwin", "arm64")]
                if xb.foreign_to(p) == host)
    monkeypatch.setattr(xb, "_this_platform", lambda: fake)
    mod = module_writer(tmp_path / "m", {"go.mod": "module example.com/m\n\ngo 1.22\n",
                                        "main.go": "package main\n\nfunc main() {}\n"})
    res = run(XbuildOptions(first_class=True, out_dir=tmp_path / "dist"), go=go_new.go,
              env=xenv, cwd=mod)
    assert res.ok, [(t.target, t.reason) for t in res.targets]
    cgo = {t.target: t.cgo for t in res.targets}
    # go1.27.3's cross default (official builds: off), whatever the host's own is.
    assert all(v == "0" for t, v in cgo.items() if t != f"{host[0]}/{host[1]}"), cgo
