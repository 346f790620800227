"""xbuild against real toolchains, a real public module and real broken code."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest

from goarchlab import proc
from goarchlab.binary import inspect
from goarchlab.errors import UsageError
from goarchlab.gocmd.distlist import dist_list
from goarchlab.xbuild import XbuildOptions, run
from goarchlab.xbuild.plan import exec_name, select_targets

FIRST_CLASS = ["darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64", "linux/arm",
               "linux/arm64", "windows/386", "windows/amd64"]
SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "xbuild.schema.json").read_text())
FORMAT = {"darwin": "macho", "linux": "elf", "windows": "pe"}
LDFLAGS = "-s -w -X main.version=1.2.3-xb -X example.com/nowhere.version=QQQ777"


@pytest.fixture(scope="session")
def uuid_build(uuid_module, xenv, go_new, tmp_path_factory):
    """The one first-class build of the session (the expensive part: 8 standard libraries)."""
    out = tmp_path_factory.mktemp("uuid-dist")
    res = run(XbuildOptions(first_class=True, out_dir=out, ldflags=LDFLAGS, trimpath=True),
              go=go_new.go, env=xenv, cwd=uuid_module)
    return res, out


def test_dist_list_first_class_ports_of_the_toolchain(go_new, xenv):
    ports = dist_list(go_new.go, xenv)
    assert sorted(p.platform for p in ports if p.first_class) == FIRST_CLASS
    assert any(p.platform == "linux/riscv64" and not p.first_class for p in ports)


def test_exec_name_follows_cmd_go():
    assert exec_name("example.com/tool/cmd/server") == "server"
    assert exec_name("example.com/tool/v2") == "tool"
    assert exec_name("example.com/v1") == "v1"


def test_unknown_target_is_a_clear_usage_error(go_new, xenv):
    ports = dist_list(go_new.go, xenv)
    with pytest.raises(UsageError) as e:
        select_targets(ports, "go1.27.3", "linux/amd64,plan10/amd64", False, False)
    assert "does not know the target plan10/amd64" in e.value.message
    with pytest.raises(UsageError) as e:
        select_targets(ports, "go1.27.3", "linux/arm65", False, False)
    assert "linux/arm64" in (e.value.hint or "")


def test_uuid_first_class_all_verified(uuid_build, go_new):
    res, out = uuid_build
    host_goos, host_goarch = go_new.goos, go_new.goarch
    assert res.ok, [(t.target, t.status, t.reason) for t in res.targets]
    assert [t.target for t in res.targets] == FIRST_CLASS
    assert res.go == "go1.27.3" and res.package == "example.com/uuidtool"
    for t in res.targets:
        goos, goarch = t.target.split("/")
        name = f"uuidtool_{goos}_{goarch}" + (".exe" if goos == "windows" else "")
        path = out / name
        assert Path(t.artifact.path) == path and path.is_file()
        # Read the file again independently of xbuild's own verification.
        info = inspect(path)
        assert info.format == FORMAT[goos] and info.slices[0].goarch == goarch
        s = info.go.settings
        assert (s["GOOS"], s["GOARCH"], s["-trimpath"]) == (goos, goarch, "true")
        # go enables cgo by default only for the host's own platform.
        assert s["CGO_ENABLED"] == t.cgo
        if t.target != f"{host_goos}/{host_goarch}":
            assert t.cgo == "0"
        assert "-ldflags" not in s  # cmd/go drops it under -trimpath (go.dev/issue/52372)
        assert ("github.com/google/uuid", "v1.6.0") in info.go.deps
        assert not info.slices[0].dwarf
        names = {c.name: c for c in t.checks}
        assert names["-X main.version"].ok
        # A -X for a package that does not exist is silently ignored by the linker.
        nowhere = names["-X example.com/nowhere.version"]
        assert not nowhere.ok and nowhere.severity == "warn"
        assert names["no build path"].ok
        if goos == "linux" and t.cgo == "0":
            assert names["static"].ok and info.slices[0].static
        assert names["stripped"].ok and info.slices[0].stripped
    # No level asked: the default go resolved is recorded (and reported), not checked.
    arm64 = res.targets[5]
    assert arm64.artifact.settings["GOARM64"] == "v8.0"
    assert "GOARM64" not in {c.name for c in arm64.checks}


def test_sha256sums_and_manifest(uuid_build):
    _, out = uuid_build
    lines = (out / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 8
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    if shutil.which("sha256sum"):
        r = proc.run(["sha256sum", "-c", "SHA256SUMS"], env={"PATH": "/usr/bin:/bin"},
                     timeout=60, cwd=out)
        assert r.ok, r.stdout + r.stderr
    man = json.loads((out / "manifest.json").read_text())
    jsonschema.validate(man, {**SCHEMA["$defs"]["manifest"], "$defs": SCHEMA["$defs"]})
    assert sorted(a["target"] for a in man["artifacts"]) == FIRST_CLASS
    assert man["problems"] == []
    # Nothing but the artifacts and the two files: the staging directory is gone.
    assert len(list(out.iterdir())) == 10


def test_broken_package_shows_compiler_error_per_target(tmp_path, xenv, module_writer):
    mod = module_writer(tmp_path / "broken", {
        "go.mod": "module example.com/broken\n\ngo 1.22\n",
        "main.go": "package main\n\nfunc main() { run() }\n",
        "run_amd64.go": "package main\n\nfunc run() {}\n",
        "run_arm64.go": "package main\n\nfunc run() { notDefinedAnywhere() }\n",
    })
    r = proc.run([sys.executable, "-m", "goarchlab", "xbuild", "--targets",
                  "linux/amd64,linux/arm64,linux/386", "--trimpath", "--json"],
                 env=xenv, timeout=600, cwd=mod)
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    by = {t["target"]: t for t in data["targets"]}
    assert by["linux/amd64"]["status"] == "ok"
    arm = by["linux/arm64"]
    assert arm["status"] == "build-failed"
    assert any("run_arm64.go" in ln and "undefined: notDefinedAnywhere" in ln
               for ln in arm["error"])
    assert "run_arm64.go:3" in arm["reason"] and "notDefinedAnywhere" in arm["reason"]
    # 386 has no run(): a different error, reported for that target only.
    assert by["linux/386"]["status"] == "build-failed"
    assert any("undefined: run" in ln for ln in by["linux/386"]["error"])
    sums = (mod / "dist" / "SHA256SUMS").read_text()
    assert "broken_linux_amd64" in sums and "arm64" not in sums
    assert not (mod / "dist" / "broken_linux_arm64").exists()
    human = proc.run([sys.executable, "-m", "goarchlab", "xbuild", "--targets", "linux/arm64",
                      "--trimpath"], env=xenv, timeout=600, cwd=mod)
    assert human.returncode == 1
    assert "undefined: notDefinedAnywhere" in human.stdout


def test_cli_unknown_target_exit_2(tmp_path, xenv, module_writer):
    mod = module_writer(tmp_path / "m", {"go.mod": "module example.com/m\n\ngo 1.22\n",
                                        "main.go": "package main\n\nfunc main() {}\n"})
    r = proc.run([sys.executable, "-m", "goarchlab", "xbuild", "--targets",
                  "linux/amd64,solaris/arm64"],
                 env=xenv, timeout=120, cwd=mod)
    assert r.returncode == 2
    assert "go1.27.3 does not know the target solaris/arm64" in r.stderr
    assert "Traceback" not in r.stderr


def _hello(root: Path, module_writer) -> Path:
    return module_writer(root, {
        "go.mod": "module example.com/hello\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n',
    })


def test_reproducible_needs_trimpath_across_checkouts(tmp_path, xenv, go_new, module_writer):
    mod = _hello(tmp_path / "hello", module_writer)
    bad = run(XbuildOptions(targets="linux/arm64", out_dir=tmp_path / "d1", reproducible=True,
                      repro_cache="shared"), go=go_new.go, env=xenv, cwd=mod)
    t = bad.targets[0]
    assert t.status == "not-reproducible"
    assert "build directory" in t.reason and "--trimpath" in t.reason
    assert not (tmp_path / "d1" / "hello_linux_arm64").exists()
    # An explicit level (the default one, so the cached standard library is reused).
    good = run(XbuildOptions(targets="linux/arm64/v8.0", out_dir=tmp_path / "d2", reproducible=True,
                       repro_cache="shared", trimpath=True), go=go_new.go, env=xenv, cwd=mod)
    assert good.ok and good.targets[0].reproducible.ok
    assert {c.name: c.ok for c in good.targets[0].checks}["GOARM64"]
    assert (tmp_path / "d2" / "hello_linux_arm64_v8.0").is_file()
    assert good.targets[0].reproducible.workdir == "copy"


def test_reproducible_from_a_git_checkout(tmp_path, xenv, go_new, module_writer):
    mod = module_writer(tmp_path / "repo", {
        "go.mod": "module example.com/repo\n\ngo 1.22\n",
        "cmd/hi/main.go": 'package main\n\nfunc main() { println("hi") }\n',
    })
    genv = {**xenv, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    for argv in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "init"]):
        r = proc.run(argv, env=genv, timeout=60, cwd=mod)
        assert r.ok, r.stderr
    env = {**xenv, "GOFLAGS": "-modcacherw -buildvcs=true"}
    opts = XbuildOptions(pattern="./cmd/hi", targets="linux/arm64", trimpath=True,
                         reproducible=True, repro_cache="shared", out_dir=tmp_path / "dist")
    clean = run(opts, go=go_new.go, env=env, cwd=mod).targets[0]
    assert clean.ok, clean.reason
    assert clean.reproducible.workdir == "git clone"
    assert clean.artifact.settings["vcs.modified"] == "false"
    # An uncommitted change is not in a second checkout: caught, and named.
    (mod / "cmd" / "hi" / "main.go").write_text('package main\n\nfunc main() { println("ho") }\n')
    dirty = run(opts, go=go_new.go, env=env, cwd=mod).targets[0]
    assert dirty.status == "not-reproducible"
    assert dirty.reason == "build info differs: vcs.modified=true vs vcs.modified=false"


def test_tags_and_linker_flags_are_judged_as_go_parses_them(tmp_path, xenv, go_new, module_writer):
    # cmd/go records '-tags "x y"' as x,y (work.tagsFlag), and cmd/link keeps DWARF
    # for '-s -w=false' (-s implies -w only when -w is not given).
    mod = _hello(tmp_path / "hello", module_writer)
    res = run(XbuildOptions(targets="linux/amd64", tags="x y", ldflags="-s -w=false", trimpath=True,
                      out_dir=tmp_path / "dist"), go=go_new.go, env=xenv, cwd=mod)
    t = res.targets[0]
    assert t.ok, (t.reason, t.checks)
    checks = {c.name: c for c in t.checks}
    assert checks["-tags"].ok and checks["-tags"].expected == "x,y"
    assert t.artifact.settings["-tags"] == "x,y"
    assert t.artifact.stripped and t.artifact.dwarf
    assert "dwarf" not in checks


def test_level_is_checked_against_the_toolchain_in_use(go_new, xenv):
    # go1.22.10 does not read GOARM64 (new in 1.23): it would build plain arm64.
    ports = dist_list(go_new.go, xenv)
    with pytest.raises(UsageError) as e:
        select_targets(ports, "go1.22.10", "linux/arm64/v8.2", False, False)
    assert "GOARM64 is not read by go1.22.10" in e.value.message
    got = select_targets(ports, "go1.27.3", "linux/arm64/v8.2", False, False)
    assert [str(t) for t in got] == ["linux/arm64/v8.2"]
