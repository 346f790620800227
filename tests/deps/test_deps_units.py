"""The pieces with no subprocess: patterns and globs, the import scanner, the go.mod
locator, go mod graph parsing, major-version paths, policy line finding."""

from __future__ import annotations

import itertools

import pytest

from goarchlab.deps import gomod, imports, policy
from goarchlab.deps.match import FileGlobs, PackagePattern
from goarchlab.deps.rules import major_base
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.modgraph import parse_graph


@pytest.mark.parametrize(("pat", "path", "std", "want"), [
    ("net/...", "net", True, True),
    ("net/...", "net/http", True, True),
    ("net/...", "netx", True, False),
    ("example.com/m", "example.com/m/sub", False, False),
    ("example.com/.../internal/...", "example.com/a/b/internal/c", False, True),
    ("std", "fmt", True, True),
    ("std", "example.com/fmt", False, False),
])
def test_package_patterns_follow_go_help_packages(pat, path, std, want):
    assert PackagePattern.parse(pat).matches(path, std) is want


@pytest.mark.parametrize(("globs", "rel", "want"), [
    ([], "a/b.go", True),
    (["**", "!**/*_test.go"], "a/b_test.go", False),
    (["**", "!**/*_test.go"], "b.go", True),
    (["internal/core/**"], "internal/core/x/y.go", True),
    (["internal/core/**"], "internal/corex/y.go", False),
    (["cmd/*.go"], "cmd/a/b.go", False),
    (["**/gen_?.go"], "x/gen_a.go", True),
])
def test_file_globs(globs, rel, want):
    assert FileGlobs.parse(globs).matches(rel) is want


def test_import_scanner_positions():
    src = (
        "// Copyright\n//go:build linux\n\n/* a\n   b */\npackage a // x\n\n"
        "/*\n#include <stdio.h>\n*/\nimport \"C\"\nimport (\n\t\"fmt\"\n"
        "\tx \"github.com/x/y\" // c\n\t. \"strings\"; _ \"embed\"\n\t`raw/path`\n)\n"
        "import \"os\"\n\nfunc f() { _ = \"import \\\"no\\\"\" }\n"
    )
    got = [(s.path, s.line, s.column) for s in imports.scan_source(src)]
    assert got == [("C", 11, 8), ("fmt", 13, 2), ("github.com/x/y", 14, 4),
                   ("strings", 15, 4), ("embed", 15, 17), ("raw/path", 16, 2), ("os", 18, 8)]


def test_import_scanner_escapes_and_garbage():
    assert [s.path for s in imports.scan_source('package p\nimport "a\\x2fb"\n')] == ["a/b"]
    assert imports.scan_source("not go at all") == ()
    assert imports.scan_source("") == ()


def test_gomod_locator(tmp_path):
    p = tmp_path / "go.mod"
    p.write_text("// c\nmodule example.com/m // x\n\ngo 1.22\n\nrequire (\n\ta v1.0.0\n"
                 "\tb v1.0.0 // indirect\n)\nrequire c v1.0.0\n\nreplace (\n\ta => ../a\n)\n"
                 "replace b v1.0.0 => d v1.1.0\n")
    mf = gomod.read(p)
    assert (mf.module_line, mf.go_line) == (2, 4)
    assert mf.requires == {"a": 7, "b": 8, "c": 10}
    assert mf.replaces == {"a": 13, "b": 15}


def test_mod_graph_keeps_go_and_toolchain_nodes_apart():
    g = parse_graph("m a@v1.0.0\nm go@1.22\ngo@1.22 toolchain@go1.22\na@v1.0.0 b@v2.0.0\n\n")
    assert g.edges == (("m", "a@v1.0.0"), ("a@v1.0.0", "b@v2.0.0"))
    assert len(g.go_nodes) == 2
    assert g.path_to({"m"}, "b@v2.0.0") == ("m", "a@v1.0.0", "b@v2.0.0")
    assert g.path_to({"m"}, "zz@v1") == ()
    with pytest.raises(GoarchlabError):
        parse_graph("one two three\n")


def test_long_requirement_chain_keeps_the_module_it_leads_to():
    nodes = ["m", *(f"d{i}@v1.0.0" for i in range(10))]
    g = parse_graph("".join(f"{a} {b}\n" for a, b in itertools.pairwise(nodes)))
    chain = g.path_to({"m"}, "d9@v1.0.0", limit=5)
    assert chain == ("m", "d0@v1.0.0", "d1@v1.0.0", "...", "d9@v1.0.0")
    assert g.path_to({"m"}, "d2@v1.0.0", limit=5) == tuple(nodes[:4])


@pytest.mark.parametrize(("path", "want"), [
    ("example.com/m/v2", ("example.com/m", 2)),
    ("example.com/m", ("example.com/m", 1)),
    ("gopkg.in/yaml.v3", ("gopkg.in/yaml", 3)),
    ("example.com/m/v1", ("example.com/m/v1", 1)),
    ("example.com/yaml.v3", ("example.com/yaml.v3", 1)),
])
def test_major_base(path, want):
    assert major_base(path) == want


def test_policy_reads_every_key(tmp_path):
    p = tmp_path / "goarchlab.toml"
    p.write_text('version = 1\n[modules]\nsingle-major = true\ngo-max = "1.22"\n'
                 '[vulns]\nenabled = true\ndb = "file:///x"\n'
                 '[[deny]]\npackages = ["a/..."]\nfiles = ["!**/*_test.go"]\n'
                 '[[allow]]\nname = "x"\npackages = ["b"]\nstd = false\n'
                 '[[public]]\nmodule = "m"\npackages = ["m/client"]\n')
    pol = policy.load(p)
    assert pol.single_major and str(pol.go_max) == "go1.22" and pol.go_max_line == 4
    assert pol.vulns and pol.vuln_db == "file:///x"
    assert pol.deny[0].name == "deny[0]" and pol.deny[0].line == 8
    assert pol.allow[0].name == "x" and pol.allow[0].std is False
    assert pol.public[0].module == "m"


def test_policy_unknown_key_in_second_array_table(tmp_path):
    p = tmp_path / "goarchlab.toml"
    p.write_text('[[deny]]\npackages = ["a"]\nfile = 1\n\n[[deny]]\npackages = ["b"]\n')
    with pytest.raises(GoarchlabError) as e:
        policy.load(p)
    assert e.value.message.endswith("goarchlab.toml:3: unknown key 'file' in [deny]")
    assert e.value.code == 2


@pytest.mark.parametrize(("text", "printed"), [
    ("1.14", "go1.14"), ("go1.14.0", "go1.14"), ("1.19", "go1.19"), ("go1.20.3", "go1.20.3"),
    ("1.21", "go1.21"), ("go1.21.0", "go1.21.0"), ("go1.22.10", "go1.22.10"),
    ("go1.23rc1", "go1.23rc1"),
])
def test_go_version_prints_the_release_names_go_uses(text, printed):
    """Releases before 1.21 have no ".0" (go1.14, go1.19 exist, go1.14.0 does not);
    from 1.21 the first release is go1.21.0 (internal/gover: "Starting in Go 1.21,
    patch missing is different from explicit .0")."""
    from goarchlab.gocmd.version import GoVersion

    assert str(GoVersion.parse(text)) == printed


def test_go_max_message_says_what_the_capped_go_really_does():
    """Before Go 1.21 the go line was advisory: Go 1.14 builds anyway; from 1.21 it refuses
    with gover.TooNewError's text."""
    from goarchlab.deps.rules import go_max_why
    from goarchlab.gocmd.version import GoVersion

    old = go_max_why(GoVersion.parse("1.14"), "1.16")
    assert "1.14.0" not in old and "requires go >=" not in old
    assert "advisory" in old and "note: module requires Go 1.16" in old
    new = go_max_why(GoVersion.parse("1.22"), "1.23")
    assert "go.mod requires go >= 1.23 (running go 1.22.x; GOTOOLCHAIN=local)" in new
