"""govulncheck: the real scanner (pinned, built once per session) against an
offline OSV database written by the test, and its recorded JSON output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from deps_support import CLEAN, line_of, write

from goarchlab import proc
from goarchlab.deps import vulns

GOVULNCHECK = "golang.org/x/vuln/cmd/govulncheck@v1.9.0"
RECORDED = Path(__file__).parent / "recorded" / "govulncheck-v1.9.0-symbol.json"

OSV = {
    "schema_version": "1.3.1", "id": "GO-2099-0001", "modified": "2099-01-01T00:00:00Z",
    "published": "2099-01-01T00:00:00Z", "aliases": ["CVE-2099-0001"],
    "summary": "Do leaks memory in example.com/vendorx", "details": "Do leaks.",
    "affected": [{
        "package": {"name": "example.com/vendorx", "ecosystem": "Go"},
        "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}],
        "ecosystem_specific": {"imports": [{"path": "example.com/vendorx/client",
                                            "symbols": ["Do"]}]},
    }],
}


@pytest.fixture(scope="session")
def govulncheck(go_new, deps_env, session_home, tmp_path_factory) -> Path:
    """govulncheck v1.9.0 built with go_new through the module proxy (once per home)."""
    dest = session_home / "tools" / "govulncheck@v1.9.0"
    exe = dest / "govulncheck"
    if not exe.is_file():
        env = deps_env(tmp_path_factory.mktemp("vulnhome"))
        env["GOBIN"] = str(dest)
        r = proc.run([str(go_new.go), "install", GOVULNCHECK], env=env, timeout=600,
                     cwd=dest.parent if dest.parent.exists() else session_home)
        assert r.ok, r.stderr
    return exe


def _policy(db: Path, exe: Path | str) -> str:
    return f'[vulns]\nenabled = true\ndb = "{db.as_uri()}"\ngovulncheck = "{exe}"\n'


def test_called_vulnerability_is_a_violation(goarchlab, proxy_env, govulncheck, tmp_path):
    env = proxy_env("vulns")
    db = tmp_path / "db"
    db.mkdir()
    (db / "GO-2099-0001.json").write_text(json.dumps(OSV))
    d = write(tmp_path / "app", {**CLEAN, "goarchlab.toml": _policy(db, govulncheck)})
    assert proc.run(["go", "mod", "tidy"], env=env, timeout=300, cwd=d).ok
    r = goarchlab(d, env, "deps", "--json", "--offline")
    assert r.returncode == 1, r.stderr
    rep = json.loads(r.stdout)
    [v] = rep["violations"]
    assert (v["rule"], v["name"], v["file"]) == ("vuln", "GO-2099-0001", "main.go")
    assert v["line"] == line_of(d / "main.go", "client.Do()")
    assert "CVE-2099-0001" in v["message"] and "example.com/vendorx/client.Do" in v["why"]
    assert "fixed in example.com/vendorx@v1.0.1" in v["why"]
    # the same module at the fixed version: clean
    (db / "GO-2099-0001.json").write_text(json.dumps(
        {**OSV, "affected": [{**OSV["affected"][0], "ranges": [
            {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]}))
    r = goarchlab(d, env, "deps", "--json", "--offline")
    assert r.returncode == 0, r.stdout + r.stderr


def test_not_installed_is_skipped_not_passed_silently(goarchlab, proxy_env, tmp_path):
    env = proxy_env("novulns")
    d = write(tmp_path / "app", {**CLEAN, "goarchlab.toml": "[vulns]\nenabled = true\n"})
    assert proc.run(["go", "mod", "tidy"], env=env, timeout=300, cwd=d).ok
    assert shutil.which("govulncheck", path=env["PATH"]) is None
    r = goarchlab(d, env, "deps", "--json")
    rep = json.loads(r.stdout)
    assert r.returncode == 0
    assert rep["checks"] == [{"rule": "vuln", "status": "skipped", "detail":
                              "govulncheck is not installed (go install "
                              "golang.org/x/vuln/cmd/govulncheck@latest)"}]


def test_parser_on_recorded_output():
    # Recorded from govulncheck v1.9.0 -format json (exit status 0) on the clean project.
    text = RECORDED.read_text()
    found = vulns.parse(text, {"example.com/clean": "/src/clean"})
    assert found == [{
        "osv": "GO-2099-0001", "fixed": "v1.0.1", "module": "example.com/vendorx",
        "version": "v1.0.0", "symbol": "example.com/vendorx/client.Do",
        "file": "/src/clean/main.go", "line": 10, "column": 46,
        "summary": "Do leaks memory in example.com/vendorx", "aliases": ("CVE-2099-0001",),
    }]
    # module- and package-level findings (not called) are in the stream but not violations
    assert text.count('"finding"') == 3


def test_workspace_root_and_call_through_a_helper(goarchlab, proxy_env, govulncheck, tmp_path):
    # At a go.work root './...' matches nothing and govulncheck refuses to run ("no
    # go.mod file"): it is asked about the packages go list -deps was, from a
    # workspace module. The finding is placed where the code leaves its own module
    # (the helper's call of client.Do), as govulncheck's text mode places it, not
    # at the entry point's call of the helper.
    env = proxy_env("vulnws")
    db = tmp_path / "db"
    db.mkdir()
    (db / "GO-2099-0001.json").write_text(json.dumps(OSV))
    ws = write(tmp_path / "ws", {
        "app/go.mod": CLEAN["go.mod"],
        "app/main.go": "package main\n\nimport (\n\t\"fmt\"\n\n"
                       "\t\"example.com/vendorx/client\"\n)\n\n"
                       "func main() {\n\tfmt.Println(helper())\n}\n\n"
                       "func helper() string {\n\treturn client.Do()\n}\n",
        "goarchlab.toml": _policy(db, govulncheck),
    })
    assert proc.run(["go", "mod", "tidy"], env=env, timeout=300, cwd=ws / "app").ok
    (ws / "go.work").write_text("go 1.22\n\nuse ./app\n")
    r = goarchlab(ws, env, "deps", "--json", "--offline")
    assert r.returncode == 1, r.stderr
    [v] = json.loads(r.stdout)["violations"]
    assert (v["rule"], v["file"], v["line"]) == ("vuln", "app/main.go",
                                                 line_of(ws / "app/main.go", "client.Do()"))


def test_relative_govulncheck_path_is_the_policy_files(goarchlab, proxy_env, govulncheck,
                                                        tmp_path):
    """``govulncheck = "tools/govulncheck"`` in ci/goarchlab.toml means
    ci/tools/govulncheck, wherever goarchlab runs (it was the working directory's)."""
    env = proxy_env("vulnsrel")
    db = tmp_path / "db"
    db.mkdir()
    (db / "GO-2099-0001.json").write_text(json.dumps(OSV))
    d = write(tmp_path / "app", {**CLEAN, "ci/goarchlab.toml": _policy(db, "tools/govulncheck")})
    (d / "ci" / "tools").mkdir()
    (d / "ci" / "tools" / "govulncheck").symlink_to(govulncheck)
    assert proc.run(["go", "mod", "tidy"], env=env, timeout=300, cwd=d).ok
    r = goarchlab(d, env, "deps", "--json", "--offline", "--policy", "ci/goarchlab.toml")
    assert r.returncode == 1, r.stdout + r.stderr
    [v] = json.loads(r.stdout)["violations"]
    assert (v["rule"], v["name"]) == ("vuln", "GO-2099-0001")
