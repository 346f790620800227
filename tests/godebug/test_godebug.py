"""goarchlab godebug: diff and show against the real go1.22.10 and go1.27.3.

The oracle is the go command itself: the GODEBUG defaults that change between two
go lines are the difference between what ``go list -f '{{.DefaultGODEBUG}}'``
prints for a main package under each go line (cmd/go/internal/load/godebug.go,
godebugForGoVersion: a setting defaults to Old while the go line is < Changed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from goarchlab import proc

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "godebug.schema.json")
                    .read_text())


@pytest.fixture(scope="session")
def gd_env(go_new, go_old, make_go_env, session_home, tmp_path_factory):
    """go_new's environment with GOARCHLAB_HOME = the session home (both toolchains)."""
    return {**make_go_env(go_new, tmp_path_factory.mktemp("gd-home")),
            "GOARCHLAB_HOME": str(session_home)}


def _gl(cwd: Path, env, *args: str) -> tuple[int, dict | None, str]:
    r = subprocess.run([sys.executable, "-m", "goarchlab", "godebug", *args], cwd=cwd,
                       env={**env, "COLUMNS": "200"}, capture_output=True, text=True,
                       timeout=600)
    assert "Traceback" not in r.stderr, r.stderr
    doc = None
    if "--json" in args and r.returncode == 0:
        doc = json.loads(r.stdout)
        jsonschema.validate(doc, SCHEMA)
        assert list(doc) == sorted(doc)
    return r.returncode, doc, r.stdout + r.stderr


def _default_godebug(tc, env, d: Path) -> str:
    r = proc.run([str(tc.go), "list", "-f", "{{.DefaultGODEBUG}}", "."], cwd=d,
                 env={**env, "GOROOT": str(tc.goroot), "GOTOOLCHAIN": "local"}, timeout=300)
    assert r.ok, r.stderr
    return r.stdout.strip()


def _pairs(s: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in s.split(",") if p)


def _oracle(tc, env, tmp: Path, old: str, new: str) -> dict[str, str]:
    """Settings whose default differs between go lines OLD and NEW, per ``go list``:
    name -> the value under OLD (the one that restores the earlier behaviour)."""
    got = {}
    for v in (old, new):
        d = tmp / f"oracle-{v}"
        d.mkdir()
        (d / "go.mod").write_text(f"module example.com/o\n\ngo {v}\n")
        (d / "main.go").write_text("package main\n\nfunc main() {}\n")
        got[v] = _pairs(_default_godebug(tc, env, d))
    return {k: val for k, val in got[old].items() if got[new].get(k) != val}


@pytest.mark.parametrize("which", ["go_old", "go_new"])
def test_diff_121_to_122_matches_go_list(which, request, gd_env, tmp_path):
    tc = request.getfixturevalue(which)
    code, doc, out = _gl(tmp_path, gd_env, "diff", "1.21", "go1.22.3", "--go",
                         str(tc.version).removeprefix("go"), "--json")
    assert code == 0, out
    assert doc["command"] == "diff" and doc["direction"] == "upgrade"
    assert (doc["old"], doc["new"]) == ("go1.21", "go1.22")
    assert doc["toolchain"]["version"] == str(tc.version)
    assert doc["toolchain"]["goroot"] == str(tc.goroot)
    assert doc["toolchain"]["reason"]
    want = _oracle(tc, gd_env, tmp_path, "1.21", "1.22")
    assert {c["name"]: c["old"] for c in doc["changes"]} == want
    mux = next(c for c in doc["changes"] if c["name"] == "httpmuxgo121")
    assert mux == {**mux, "package": "net/http", "changed": "go1.22", "old": "1",
                   "directive": "//go:debug httpmuxgo121=1",
                   "doc_url": "https://go.dev/doc/godebug#go-122"}
    removed = {r["name"]: r for r in doc["removed"]}
    if which == "go_old":
        # go1.22.10 still has tls10server (Changed: 22) and removed nothing.
        assert "tls10server" in want and removed == {}
    else:
        # go1.27.3 removed it in Go 1.27: no go line brings TLS 1.0 back.
        assert "tls10server" not in want
        assert removed["tls10server"]["removed"] == "go1.27"
        assert removed["tls10server"]["old_values"] == ["1"]
        assert removed["tls10server"]["doc_url"] == "https://go.dev/doc/godebug#go-127"


def test_diff_122_to_127_lists_removed_apart(go_new, gd_env, tmp_path):
    code, doc, out = _gl(tmp_path, gd_env, "diff", "1.22", "1.27", "--go", "1.27.3", "--json")
    assert code == 0, out
    want = _oracle(go_new, gd_env, tmp_path, "1.22", "1.27")
    assert {c["name"]: c["old"] for c in doc["changes"]} == want
    assert {c["changed"] for c in doc["changes"]} <= {f"go1.{n}" for n in range(23, 28)}
    removed = {r["name"]: r for r in doc["removed"]}
    assert removed["x509sha1"]["removed"] == "go1.24" and removed["x509sha1"]["old_values"] == ["1"]
    assert removed["asynctimerchan"]["old_values"] == ["1", "2"]
    assert not set(removed) & set(want)
    # Human form: names the toolchain and the removed section.
    code, _, out = _gl(tmp_path, gd_env, "diff", "1.22", "1.27", "--go", "1.27.3")
    assert code == 0 and "go1.27.3" in out and "x509sha1" in out and "removed" in out.lower()


def test_diff_downgrade_lists_the_same_settings(gd_env, tmp_path):
    code, up, _ = _gl(tmp_path, gd_env, "diff", "1.21", "1.22", "--go", "1.22.10", "--json")
    code2, down, out = _gl(tmp_path, gd_env, "diff", "1.22", "1.21", "--go", "1.22.10", "--json")
    assert code == code2 == 0, out
    assert down["direction"] == "downgrade"
    assert [c["name"] for c in down["changes"]] == [c["name"] for c in up["changes"]]


@pytest.mark.parametrize(("tc_version", "new"), [("1.27.3", "1.28"), ("1.22.10", "1.23")])
def test_new_beyond_the_toolchain_is_refused(gd_env, tmp_path, tc_version, new):
    code, _, out = _gl(tmp_path, gd_env, "diff", "1.21", new, "--go", tc_version)
    assert code == 3, out
    assert f"go{tc_version}" in out and f"--go {new}" in out


@pytest.mark.parametrize(("args", "words"), [
    (("1.x", "1.22"), "'1.x' is not a Go version"),
    (("1.21", "banana"), "'banana' is not a Go version"),
    (("2.0", "2.1"), "OLD '2.0': GODEBUG defaults exist only for Go 1.N"),
    (("1.21",), "required: NEW"),
])
def test_bad_versions_are_usage_errors(gd_env, tmp_path, args, words):
    code, _, out = _gl(tmp_path, gd_env, "diff", *args, "--go", "1.27.3")
    assert code == 2, out
    assert words in " ".join(out.split())


def _module(d: Path, gomod: str, files: dict[str, str]) -> Path:
    d.mkdir(parents=True)
    (d / "go.mod").write_text(gomod)
    for name, text in files.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(text)
    return d


MAIN_GO = """// Copyright 2026 example.

//go:build !never

/* a block comment before the package clause */
//go:debug tlsmaxrsasize=4096
package main

//go:debug x509usefallbackroots=1

import _ "example.com/gd/lib"

func main() {}
"""
LIB_GO = "//go:debug multipathtcp=1\npackage lib\n"


def test_show_names_each_origin(go_new, gd_env, tmp_path):
    d = _module(tmp_path / "m", "module example.com/gd\n\ngo 1.21\n\ngodebug (\n"
                "\tpanicnil=1\n\thttpmuxgo121=0\n)\n",
                {"main.go": MAIN_GO, "lib/lib.go": LIB_GO})
    code, doc, out = _gl(d, gd_env, "show", "--go", "1.27.3", "--json")
    assert code == 0, out
    assert doc["command"] == "show"
    assert doc["default_godebug"] == _default_godebug(go_new, gd_env, d)
    assert doc["go_version"] == "go1.21"
    e = {x["key"]: x for x in doc["entries"]}
    assert ",".join(f"{k}={x['value']}" for k, x in e.items()) == doc["default_godebug"]
    assert (e["panicnil"]["origin"], e["panicnil"]["where"]) == ("go.mod", f"{d / 'go.mod'}:6")
    assert (e["httpmuxgo121"]["origin"], e["httpmuxgo121"]["value"]) == ("go.mod", "0")
    assert e["tlsmaxrsasize"]["origin"] == "go:debug"
    assert e["tlsmaxrsasize"]["where"] == f"{d / 'main.go'}:6"
    assert e["httplaxcontentlength"]["origin"] == "go-line"
    assert e["httplaxcontentlength"]["where"] == f"{d / 'go.mod'}:3"
    # After the package clause, or in a non-main package: not a directive of the build.
    assert "x509usefallbackroots" not in e
    assert (e["multipathtcp"]["value"], e["multipathtcp"]["origin"]) == ("0", "go-line")
    assert all(x["origin"] != "unexplained" for x in e.values())


def test_show_with_the_old_toolchain(go_old, gd_env, tmp_path):
    d = _module(tmp_path / "m", "module example.com/gd\n\ngo 1.21\n",
                {"main.go": MAIN_GO, "lib/lib.go": LIB_GO})
    code, doc, out = _gl(d, gd_env, "show", str(d), "--go", "1.22.10", "--json")
    assert code == 0, out
    assert doc["default_godebug"] == _default_godebug(go_old, gd_env, d)
    e = {x["key"]: x for x in doc["entries"]}
    assert e["tls10server"]["origin"] == "go-line"
    assert e["tlsmaxrsasize"]["origin"] == "go:debug"
    assert doc["toolchain"]["version"] == "go1.22.10"


def test_show_workspace_uses_go_work(go_new, gd_env, tmp_path):
    _module(tmp_path / "w" / "a", "module a\n\ngo 1.21\n\ngodebug panicnil=1\n",
            {"main.go": "package main\n\nfunc main() {}\n"})
    (tmp_path / "w" / "go.work").write_text("go 1.22\n\nuse ./a\n\ngodebug httpmuxgo121=1\n")
    d = tmp_path / "w" / "a"
    code, doc, out = _gl(d, gd_env, "show", "--go", "1.27.3", "--json")
    assert code == 0, out
    assert doc["default_godebug"] == _default_godebug(go_new, gd_env, d)
    e = {x["key"]: x for x in doc["entries"]}
    assert e["httpmuxgo121"]["origin"] == "go.work"
    assert "panicnil" not in e  # go.mod godebug lines do not count in workspace mode
    assert doc["go_version"] == "go1.22"


def test_show_names_a_directive_go_list_drops(go_new, gd_env, tmp_path):
    """go1.27.3's go list silently leaves out a removed setting's old value (go build
    then fails on it): show lists it as ignored, not as an entry."""
    d = _module(tmp_path / "m", "module example.com/gd\n\ngo 1.26\n",
                {"main.go": "//go:debug x509sha1=1\n//go:debug panicnil=1\npackage main\n\n"
                 "func main() {}\n"})
    code, doc, out = _gl(d, gd_env, "show", "--go", "1.27.3", "--json")
    assert code == 0, out
    assert doc["default_godebug"] == _default_godebug(go_new, gd_env, d)
    assert "x509sha1" not in doc["default_godebug"]
    assert [(x["key"], x["value"], x["where"]) for x in doc["ignored"]] == \
        [("x509sha1", "1", f"{d / 'main.go'}:1")]
    assert [x["key"] for x in doc["entries"] if x["origin"] == "go:debug"] == ["panicnil"]
    build = proc.run([str(go_new.go), "build", "-o", os.devnull, "."], cwd=d,
                     env={**gd_env, "GOROOT": str(go_new.goroot)}, timeout=300)
    assert not build.ok and 'removed GODEBUG "x509sha1"' in build.stderr


def test_show_refuses_a_library_package(gd_env, tmp_path):
    d = _module(tmp_path / "m", "module example.com/gd\n\ngo 1.21\n", {"lib.go": "package lib\n"})
    code, _, out = _gl(d, gd_env, "show", "--go", "1.27.3")
    assert code == 2, out
    assert "not a main package" in out


def test_table_parser_both_shapes(go_old, go_new):
    from goarchlab.gocmd.godebugs import read_table

    new = read_table(go_new.goroot)
    old = read_table(go_old.goroot)
    assert old.removed == ()
    s = {x.name: x for x in old.settings}
    assert (s["tls10server"].changed, s["tls10server"].old) == (22, "1")
    r = {x.name: x for x in new.removed}
    assert (r["asynctimerchan"].removed, r["asynctimerchan"].old_values) == (27, ("1", "2"))
    n = {x.name: x for x in new.settings}
    assert n["decoratemappings"].changed == 25 and n["decoratemappings"].opaque
    assert n["fips140"].immutable and n["fips140"].changed == 0
    assert "multipartfiles" not in n  # commented out in the table
