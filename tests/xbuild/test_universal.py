"""``goarchlab xbuild --universal``: a real darwin/amd64 + darwin/arm64 build joined
into one universal Mach-O, read back by goarchlab inspect and sha256sum."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import sys
from pathlib import Path

import jsonschema
import pytest

from goarchlab import proc

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "xbuild.schema.json").read_text())
INSPECT_SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs" / "inspect.schema.json").read_text())
HELLO = {
    "go.mod": "module example.com/hello\n\ngo 1.22\n",
    "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n',
}


def _goarchlab(cwd: Path, env: dict[str, str], *args: str):
    r = proc.run([sys.executable, "-m", "goarchlab", *args], env=env, timeout=900, cwd=cwd)
    assert "Traceback" not in r.stderr, r.stderr
    return r


@pytest.fixture(scope="module")
def universal_build(tmp_path_factory, xenv, module_writer):
    """One reproducible build of both darwin targets with --universal (shared cache)."""
    mod = module_writer(tmp_path_factory.mktemp("uni") / "hello", HELLO)
    r = _goarchlab(mod, xenv, "xbuild", "--targets", "darwin/arm64,darwin/amd64",
                   "--universal", "--trimpath", "--reproducible", "--repro-cache", "shared",
                   "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    return mod, mod / "dist", data


def test_report_has_a_verified_universal_artifact(universal_build):
    _, out, data = universal_build
    jsonschema.validate(data, SCHEMA)
    by = {t["target"]: t for t in data["targets"]}
    assert list(by) == ["darwin/arm64", "darwin/amd64", "darwin/universal"]
    u = by["darwin/universal"]
    assert u["status"] == "ok", u["reason"]
    a = u["artifact"]
    assert Path(a["path"]) == out / "hello_darwin_universal"
    assert (a["format"], a["arch"], a["go_version"]) == ("macho-universal", "amd64,arm64",
                                                          "go1.27.3")
    assert a["sha256"] == hashlib.sha256(Path(a["path"]).read_bytes()).hexdigest()
    assert all(c["ok"] for c in u["checks"]), u["checks"]
    names = {c["name"] for c in u["checks"]}
    assert {"format", "slices", "amd64 bytes", "arm64 bytes", "amd64 GOARCH",
            "arm64 GOARCH", "amd64 offset", "arm64 offset"} <= names
    # --reproducible covers it: the file written from the second build's slices.
    rep = u["reproducible"]
    assert rep["ok"] and rep["sha256"] == a["sha256"], rep


def test_fat_header_alignment_and_slices_are_the_thin_artifacts(universal_build):
    _, out, _ = universal_build
    data = (out / "hello_darwin_universal").read_bytes()
    magic, n = struct.unpack(">II", data[:8])
    assert (magic, n) == (0xCAFEBABE, 2)
    rows = [struct.unpack(">iiIII", data[8 + 20 * i: 28 + 20 * i]) for i in range(n)]
    thin = {"amd64": (out / "hello_darwin_amd64").read_bytes(),
            "arm64": (out / "hello_darwin_arm64").read_bytes()}
    # lipo's order and alignment: x86_64 (0x01000007) on 2^12, arm64 (0x0100000C) last on 2^14.
    for (cpu, sub, off, size, align), goarch, want_cpu, want_align in zip(
            rows, ("amd64", "arm64"), (0x01000007, 0x0100000C), (12, 14), strict=True):
        assert (cpu, align) == (want_cpu, want_align)
        assert off % (1 << align) == 0
        assert data[off:off + size] == thin[goarch]
        assert (cpu, sub) == struct.unpack("<ii", thin[goarch][4:12])
    assert rows[0][2] == 4096 and len(data) == rows[1][2] + rows[1][3]


def test_inspect_json_shows_both_slices(universal_build, xenv):
    mod, out, _ = universal_build
    r = _goarchlab(mod, xenv, "inspect", "--json", str(out / "hello_darwin_universal"))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, INSPECT_SCHEMA)
    b = doc["files"][0]["binary"]
    assert b["format"] == "macho-universal"
    assert [s["goarch"] for s in b["slices"]] == ["amd64", "arm64"]
    for s in b["slices"]:
        go = s["go"]
        assert go["go_version"] == "go1.27.3" and go["path"] == "example.com/hello"
        assert go["settings"]["GOOS"] == "darwin"
        assert go["settings"]["GOARCH"] == s["goarch"]
        assert go["settings"]["-trimpath"] == "true"


def test_sha256sums_and_manifest_list_it(universal_build):
    _, out, _ = universal_build
    sums = (out / "SHA256SUMS").read_text()
    assert [ln.split("  ")[1] for ln in sums.splitlines()] == [
        "hello_darwin_amd64", "hello_darwin_arm64", "hello_darwin_universal"]
    if shutil.which("sha256sum"):
        r = proc.run(["sha256sum", "-c", "SHA256SUMS"], env={"PATH": "/usr/bin:/bin"},
                     timeout=60, cwd=out)
        assert r.ok and "hello_darwin_universal: OK" in r.stdout, r.stdout + r.stderr
    man = json.loads((out / "manifest.json").read_text())
    jsonschema.validate(man, {**SCHEMA["$defs"]["manifest"], "$defs": SCHEMA["$defs"]})
    u = next(a for a in man["artifacts"] if a["target"] == "darwin/universal")
    assert u["file"] == "hello_darwin_universal" and u["format"] == "macho-universal"
    assert u["reproducible"] is True
    # Nothing else in the directory: no staging or temporary file left behind.
    assert sorted(p.name for p in out.iterdir()) == [
        "SHA256SUMS", "hello_darwin_amd64", "hello_darwin_arm64", "hello_darwin_universal",
        "manifest.json"]


def test_universal_without_both_darwin_targets_is_exit_2(tmp_path, xenv, module_writer):
    mod = module_writer(tmp_path / "hello", HELLO)
    r = _goarchlab(mod, xenv, "xbuild", "--targets", "linux/amd64,darwin/amd64", "--universal")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "darwin/arm64" in r.stderr and "--universal" in r.stderr
    r = _goarchlab(mod, xenv, "xbuild", "--targets", "linux/amd64", "--universal")
    assert r.returncode == 2 and "darwin/amd64 and darwin/arm64" in r.stderr
    assert not (mod / "dist").exists()


def test_failed_darwin_slice_skips_the_universal_file(tmp_path, xenv, module_writer):
    mod = module_writer(tmp_path / "half", {
        "go.mod": "module example.com/half\n\ngo 1.22\n",
        "main.go": "package main\n\nfunc main() { run() }\n",
        "run_amd64.go": "package main\n\nfunc run() {}\n",
        "run_arm64.go": "package main\n\nfunc run() { notDefinedAnywhere() }\n",
    })
    r = _goarchlab(mod, xenv, "xbuild", "--targets", "darwin/amd64,darwin/arm64",
                   "--universal", "--json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    by = {t["target"]: t for t in data["targets"]}
    assert by["darwin/arm64"]["status"] == "build-failed"
    u = by["darwin/universal"]
    assert u["status"] == "skipped" and u["artifact"] is None
    assert "darwin/arm64" in u["reason"] and "build-failed" in u["reason"]
    assert not (mod / "dist" / "half_darwin_universal").exists()
    assert "universal" not in (mod / "dist" / "SHA256SUMS").read_text()


OPENFAT = """
package main

import (
\t"debug/macho"
\t"fmt"
\t"os"
)

func main() {
\tf, err := macho.OpenFat(os.Args[1])
\tif err != nil {
\t\tpanic(err)
\t}
\tfor _, a := range f.Arches {
\t\tfmt.Println(a.Cpu, a.Offset, a.Size, a.Align, a.File.Cpu)
\t}
}
"""


def test_go_debug_macho_opens_it(universal_build, xenv, go_new, module_writer, tmp_path):
    """Go's own reader as the oracle: debug/macho.OpenFat (which checks every slice's
    header against its fat_arch) and 'go version -m'."""
    _, out, _ = universal_build
    fat = out / "hello_darwin_universal"
    tool = module_writer(tmp_path / "openfat", {"go.mod": "module openfat\n\ngo 1.22\n",
                                                "main.go": OPENFAT})
    r = proc.run([str(go_new.go), "run", ".", str(fat)], env=xenv, timeout=300, cwd=tool)
    assert r.ok, r.stderr
    rows = [ln.split() for ln in r.stdout.splitlines()]
    assert [(c, al, fc) for c, _o, _s, al, fc in rows] == [
        ("CpuAmd64", "12", "CpuAmd64"), ("CpuArm64", "14", "CpuArm64")]
    v = proc.run([str(go_new.go), "version", "-m", str(fat)], env=xenv, timeout=60)
    assert v.ok and "path\texample.com/hello" in v.stdout, v.stdout + v.stderr
