"""goarchlab deps on generated modules: one planted violation of every rule, and a
clean project under the same policy. Everything goes through the real CLI and
the real go command (modules come from a file:// proxy written by the fixture)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
from deps_support import line_of

SARIF_SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")
DEPS_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "deps.schema.json"


def _report(goarchlab, project, *args):
    d, env = project
    r = goarchlab(d, env, "deps", "--json", *args)
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    return r.returncode, json.loads(r.stdout)


def test_every_rule_fires_once_at_its_line(goarchlab, planted):
    d, _ = planted
    rc, rep = _report(goarchlab, planted)
    assert rc == 1
    assert rep["schema"] == "goarchlab.deps/v1"
    jsonschema.Draft202012Validator(json.loads(DEPS_SCHEMA.read_text())).validate(rep)
    got = {(v["rule"], v["file"], v["line"]) for v in rep["violations"]}
    gomod = d / "go.mod"
    want = {
        ("deny", "main.go", line_of(d / "main.go", '"io/ioutil"')),
        ("public", "main.go", line_of(d / "main.go", '"example.com/vendorx/impl"')),
        ("allow", "internal/core/core.go", line_of(d / "internal/core/core.go", "example.com/dep")),
        ("single-major", "go.mod", line_of(gomod, "example.com/two v1.0.0")),
        ("local-replace", "go.mod", line_of(gomod, "replace example.com/local")),
        ("go-max", "go.mod", line_of(gomod, "go 1.23")),
        ("retracted", "go.mod", line_of(gomod, "example.com/old v1.0.0")),
        ("deprecated", "go.mod", line_of(gomod, "example.com/dep v1.0.0")),
        ("verify", "go.mod", line_of(gomod, "example.com/vendorx v1.0.0")),
    }
    assert got == want
    by_rule = {v["rule"]: v for v in rep["violations"]}
    # the test file's ioutil import is excluded by the rule's files globs
    assert not any(v["file"] == "main_test.go" for v in rep["violations"])
    assert by_rule["deny"]["why"].startswith("io/ioutil is deprecated")
    assert by_rule["deny"]["column"] == 2
    assert by_rule["retracted"]["message"].endswith("data loss in F")
    assert "v1.1.0 is newer" in by_rule["retracted"]["why"]
    assert "example.com/newdep" in by_rule["deprecated"]["message"]
    assert "example.com/two v1.0.0" not in by_rule["single-major"]["message"]  # path@version
    assert "example.com/two@v1.0.0, example.com/two/v2@v2.0.0" in by_rule["single-major"]["message"]
    assert "dir has been modified" in by_rule["verify"]["message"]
    assert by_rule["public"]["imported"] == "example.com/vendorx/impl"
    assert {c["rule"] for c in rep["checks"] if c["status"] == "ran"} >= {
        "deny", "allow", "public", "single-major", "local-replace", "go-max", "retracted",
        "deprecated", "verify"}


def test_clean_project_passes(goarchlab, clean):
    rc, rep = _report(goarchlab, clean)
    assert rc == 0 and rep["violations"] == []
    jsonschema.Draft202012Validator(json.loads(DEPS_SCHEMA.read_text())).validate(rep)
    assert rep["packages"] > 3 and rep["main_modules"] == ["example.com/clean"]


def test_offline_skips_network_checks_and_still_finds_the_rest(goarchlab, planted):
    rc, rep = _report(goarchlab, planted, "--offline")
    assert rc == 1
    rules = {v["rule"] for v in rep["violations"]}
    assert "retracted" not in rules and "deprecated" not in rules
    assert {"deny", "public", "allow", "go-max", "local-replace"} <= rules
    skipped = {c["rule"]: c["detail"] for c in rep["checks"] if c["status"] == "skipped"}
    assert skipped.keys() == {"retracted", "deprecated"}


def test_sarif_is_valid_and_points_at_the_lines(goarchlab, planted):
    d, env = planted
    r = goarchlab(d, env, "deps", "--format", "sarif")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(doc)
    res = doc["runs"][0]["results"]
    assert len(res) == 9
    locs = {(x["ruleId"], x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in res}
    assert ("deny", "main.go", line_of(d / "main.go", '"io/ioutil"')) in locs
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for x in res:
        assert rules[x["ruleIndex"]]["id"] == x["ruleId"]


def test_sarif_schema_rejects_a_broken_document():
    # the validator used above is not vacuous
    schema = json.loads(SARIF_SCHEMA.read_text())
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]}
    try:
        jsonschema.Draft4Validator(schema).validate(bad)
    except jsonschema.ValidationError as e:
        assert "name" in e.message
    else:
        raise AssertionError("a driver without a name passed the SARIF schema")


def test_github_annotations(goarchlab, planted):
    d, env = planted
    r = goarchlab(d, env, "deps", "--format", "github", "--github-prefix", "svc/app")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 9 and all(ln.startswith("::error file=svc/app/") for ln in lines)
    n = line_of(d / "main.go", '"io/ioutil"')
    deny = next(ln for ln in lines if "no-ioutil" in ln)
    assert deny.startswith(f"::error file=svc/app/main.go,line={n},col=2,title=goarchlab deps%3A")
    assert "::example.com/app imports io/ioutil: io/ioutil is deprecated" in deny


def test_graphs_highlight_violations(goarchlab, planted):
    d, env = planted
    r = goarchlab(d, env, "deps", "--graph", "mermaid")
    assert r.returncode == 1
    m = r.stdout
    assert m.startswith("flowchart LR")
    ids = {ln.split("[")[0].strip(): ln for ln in m.splitlines() if '["' in ln}
    vendorx = next(k for k, v in ids.items() if '"example.com/vendorx"' in v)
    assert f"class {vendorx} violation" in m
    assert " -. public .-> " + vendorx in m
    r = goarchlab(d, env, "deps", "--graph", "dot")
    assert r.returncode == 1
    assert r.stdout.startswith("digraph deps {") and r.stdout.rstrip().endswith("}")
    assert '"example.com/vendorx" [color="#cc0000"' in r.stdout
    # both majors of the single-major violation are marked
    assert '"example.com/two" [color="#cc0000"' in r.stdout
    assert '"example.com/two/v2" [color="#cc0000"' in r.stdout
    assert '"example.com/app" -> "example.com/vendorx" [color="#cc0000", style=dashed, ' \
           'label="public"]' in r.stdout
    # Graphviz itself reads it (.ci/run installs graphviz)
    svg = subprocess.run(["dot", "-Tsvg"], input=r.stdout, capture_output=True, text=True,
                         timeout=60)
    assert svg.returncode == 0 and not svg.stderr, svg.stderr
    red_nodes = r.stdout.count('fillcolor="#ffdddd"')
    assert red_nodes >= 5  # vendorx, two, old, dep, local (and the app itself)
    assert svg.stdout.count('fill="#ffdddd"') == red_nodes
    assert svg.stdout.count('stroke="#cc0000"') >= red_nodes + 2  # + the dashed edges


def test_human_output(goarchlab, planted):
    d, env = planted
    r = goarchlab(d, env, "deps")
    assert r.returncode == 1
    assert "9 violations" in r.stdout and "main.go:" in r.stdout


def test_unreachable_proxy_makes_network_checks_incomplete(goarchlab, planted):
    # A proxy that refuses connections (loopback port 9): go list -m -u -e exits 0
    # with an Error per module; the checks must say so rather than pass.
    d, env = planted
    r = goarchlab(d, {**env, "GOPROXY": "http://127.0.0.1:9"}, "deps", "--json")
    assert r.returncode == 1, r.stderr
    rep = json.loads(r.stdout)
    st = {c["rule"]: c for c in rep["checks"] if c["rule"] in ("retracted", "deprecated")}
    assert {c["status"] for c in st.values()} == {"incomplete"}
    assert "127.0.0.1:9" in st["retracted"]["detail"]
    assert not {"retracted", "deprecated"} & {v["rule"] for v in rep["violations"]}
    jsonschema.Draft202012Validator(json.loads(DEPS_SCHEMA.read_text())).validate(rep)
    r = goarchlab(d, {**env, "GOPROXY": "off"}, "deps", "--json")
    st = {c["rule"]: c for c in json.loads(r.stdout)["checks"]}
    assert (st["retracted"]["status"], st["retracted"]["detail"]) == ("skipped", "GOPROXY=off")



def test_goproxy_off_in_the_go_env_file_skips_network_checks(goarchlab, planted, tmp_path):
    # `go env -w GOPROXY=off` lives in the go env file, not the environment; go
    # list -m -u is then a silent no-op, so the checks must not say "ran".
    d, env = planted
    env = {k: v for k, v in env.items() if k != "GOPROXY"}
    env["GOENV"] = str(tmp_path / "go.env")
    (tmp_path / "go.env").write_text("GOPROXY=off\n")
    r = goarchlab(d, env, "deps", "--json")
    st = {c["rule"]: c for c in json.loads(r.stdout)["checks"]}
    assert (st["retracted"]["status"], st["retracted"]["detail"]) == ("skipped", "GOPROXY=off")
    assert (st["deprecated"]["status"], st["deprecated"]["detail"]) == ("skipped", "GOPROXY=off")
