"""goarchlab api with the real apidiff (built once per session through the module
proxy) on local git histories and on module versions from a file:// proxy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from goarchlab import proc
from goarchlab.api import diff, tool
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.version import GoVersion

# The file:// module proxy writer is shared with the deps tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deps"))
from deps_support import publish

V1 = """\
package shapes

// Shape is implemented by users of this package.
type Shape interface {
\tArea() float64
}

func Unit() int { return 1 }
"""
IFACE_GAINS_METHOD = V1.replace("\tArea() float64\n", "\tArea() float64\n\tPerimeter() float64\n")
FUNC_ADDED = V1 + "\nfunc Double(x int) int { return 2 * x }\n"
FUNC_REMOVED = V1.replace("func Unit() int { return 1 }\n", "")


@pytest.fixture(scope="session")
def api_env(go_new, make_go_env, session_home, tmp_path_factory):
    """The shared go_new environment (tests/conftest.py) with GOARCHLAB_HOME = the
    session home, where apidiff is built once."""
    env = {**make_go_env(go_new, tmp_path_factory.mktemp("api-home")),
           "GOARCHLAB_HOME": str(session_home), "GIT_CONFIG_NOSYSTEM": "1"}
    tool.ensure_apidiff(go_new.go, go_new.version, env, session_home, lambda m: None)
    return env


def _git(d: Path, *args: str) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(d), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    r = proc.run(["git", *args], env=env, timeout=60, cwd=d)
    assert r.ok, r.stderr


def _repo(tmp_path: Path, tag: str, new_src: str, new_tag: str | None = None) -> Path:
    d = tmp_path / "repo"
    (d / "shapes").mkdir(parents=True)
    (d / "go.mod").write_text("module example.com/shapes\n\ngo 1.22\n")
    (d / "shapes/shapes.go").write_text(V1)
    _git(d, "init", "-q", "-b", "main")
    _git(d, "add", ".")
    _git(d, "commit", "-q", "-m", "v1")
    _git(d, "tag", tag)
    (d / "shapes/shapes.go").write_text(new_src)
    _git(d, "commit", "-q", "--allow-empty", "-am", "change")
    if new_tag:
        _git(d, "tag", new_tag)
    return d


def _api(cwd: Path, env, *args: str):
    r = subprocess.run([sys.executable, "-m", "goarchlab", "api", "--go", "1.27.3", *args,
                        "--json"], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, (json.loads(r.stdout) if r.stdout.strip() else None), r.stderr


def test_interface_gains_a_method_is_incompatible(api_env, tmp_path):
    d = _repo(tmp_path, "v1.4.0", IFACE_GAINS_METHOD)
    rc, rep, err = _api(d, api_env, "v1.4.0", "HEAD")
    assert rc == 1, err
    assert rep["schema"] == "goarchlab.api/v1" and rep["module"] == "example.com/shapes"
    schema = Path(__file__).resolve().parents[2] / "docs" / "api.schema.json"
    jsonschema.Draft202012Validator(json.loads(schema.read_text())).validate(rep)
    assert rep["incompatible"] == ["./shapes.Shape.Perimeter: added"]
    assert rep["required"] == "major" and rep["ok"] is False
    assert "new major version" in rep["reason"]


def test_function_added_is_compatible_minor(api_env, tmp_path):
    d = _repo(tmp_path, "v1.4.0", FUNC_ADDED)
    rc, rep, err = _api(d, api_env, "v1.4.0", "HEAD")
    assert rc == 0, err
    assert rep["incompatible"] == [] and rep["compatible"] == ["./shapes.Double: added"]
    assert rep["required"] == "minor" and rep["ok"] is True


def test_patch_tag_with_an_addition_fails(api_env, tmp_path):
    d = _repo(tmp_path, "v1.4.0", FUNC_ADDED, new_tag="v1.4.1")
    rc, rep, _ = _api(d, api_env, "v1.4.0", "v1.4.1")
    assert rc == 1
    assert (rep["old_version"], rep["new_version"]) == ("v1.4.0", "v1.4.1")
    assert rep["taken"] == "patch" and rep["required"] == "minor"


def test_v0_breaks_need_only_a_minor(api_env, tmp_path):
    d = _repo(tmp_path, "v0.3.0", IFACE_GAINS_METHOD)
    rc, rep, _ = _api(d, api_env, "v0.3.0", "HEAD")
    assert rc == 0 and rep["required"] == "minor" and rep["incompatible"]


def test_working_tree_side(api_env, tmp_path):
    d = _repo(tmp_path, "v1.0.0", V1)
    (d / "shapes/shapes.go").write_text(FUNC_REMOVED)
    rc, rep, _ = _api(d, api_env, "HEAD", ".")
    assert rc == 1 and rep["incompatible"] == ["./shapes.Unit: removed"]


def test_unknown_ref_is_a_usage_error(api_env, tmp_path):
    d = _repo(tmp_path, "v1.0.0", V1)
    rc, _, err = _api(d, api_env, "v9.9.9", "HEAD")
    assert rc == 2 and "'v9.9.9' is not a commit" in " ".join(err.split())


def test_module_versions_through_a_proxy(api_env, tmp_path):
    proxy = tmp_path / "proxy"
    publish(proxy, "example.com/shapes", "v1.0.0",
            {"go.mod": "module example.com/shapes\n\ngo 1.22\n", "shapes/shapes.go": V1})
    publish(proxy, "example.com/shapes", "v1.1.0",
            {"go.mod": "module example.com/shapes\n\ngo 1.22\n", "shapes/shapes.go": FUNC_REMOVED})
    env = {**api_env, "GOPROXY": proxy.as_uri(), "GOSUMDB": "off",
           "GOMODCACHE": str(tmp_path / "modcache")}
    rc, rep, err = _api(tmp_path, env, "example.com/shapes@v1.0.0", "example.com/shapes@v1.1.0")
    assert rc == 1, err
    assert rep["incompatible"] == ["./shapes.Unit: removed"]
    assert (rep["taken"], rep["required"]) == ("minor", "major")
    rc, _, err = _api(tmp_path, env, "example.com/shapes@v1.0.0", "example.com/shapes@v7.0.0")
    assert rc == 3 and "cannot download example.com/shapes@v7.0.0" in " ".join(err.split())


@pytest.mark.parametrize(("inc", "com", "old", "new", "want"), [
    (["x"], [], "v1.2.3", "v2.0.0", ("major", "major", True)),
    (["x"], [], "v1.2.3", "v1.3.0", ("major", "minor", False)),
    ([], ["y"], "v1.2.3", "v1.3.0", ("minor", "minor", True)),
    ([], ["y"], "v1.2.3", "v1.2.4", ("minor", "patch", False)),
    ([], [], "v1.2.3", "v1.2.4", ("patch", "patch", True)),
    (["x"], [], "v0.2.3", "v0.3.0", ("minor", "minor", True)),
    (["x"], [], "v0.2.3", "v0.2.4", ("minor", "patch", False)),
])
def test_verdict_rules(inc, com, old, new, want):
    req, taken, ok, _ = diff.verdict(inc, com, old, new, "example.com/m")
    assert (req, taken, ok) == want


@pytest.mark.parametrize(("module", "old", "want"), [
    ("example.com/m", "", "example.com/m/v2"),
    ("example.com/m/v2", "", "example.com/m/v3"),
    ("example.com/m/v2", "v2.4.0", "example.com/m/v3"),
    ("example.com/tools/vet", "", "example.com/tools/vet/v2"),
    ("gopkg.in/yaml.v2", "", "gopkg.in/yaml.v3"),
    ("gopkg.in/yaml.v3", "v3.0.1", "gopkg.in/yaml.v4"),
    ("gopkg.in/check.v1-unstable", "", "gopkg.in/check.v2"),
])
def test_incompatible_changes_name_the_next_major_module_path(module, old, want):
    """Against a revision that is not a version (HEAD, the working tree), the verdict
    names the module path the next major needs: /vN, or .vN for gopkg.in (as
    golang.org/x/mod/module.SplitPathVersion splits them)."""
    _, taken, ok, why = diff.verdict(["x"], [], old, "HEAD", module)
    assert (taken, ok) == ("", False)
    assert why.endswith(f"module path {want}")


def test_old_toolchain_cannot_build_apidiff(tmp_path):
    with pytest.raises(GoarchlabError) as e:
        tool.ensure_apidiff(Path("/nonexistent/go"), GoVersion.parse("1.22.10"), {}, tmp_path,
                            lambda m: None)
    assert "needs Go 1.26 or newer" in str(e.value)


def test_real_module_through_the_go_proxy(api_env, tmp_path):
    # github.com/spf13/cobra v1.7.0 -> v1.8.0 added API only: a minor step, taken.
    rc, rep, err = _api(tmp_path, api_env, "github.com/spf13/cobra@v1.7.0",
                        "github.com/spf13/cobra@v1.8.0")
    assert rc == 0, err
    assert rep["incompatible"] == []
    assert "(*Command).MarkFlagsOneRequired: added" in rep["compatible"]
    assert (rep["required"], rep["taken"]) == ("minor", "minor")


def test_module_in_a_subdirectory_with_prefixed_tags(api_env, tmp_path):
    d = tmp_path / "mono"
    (d / "lib/shapes").mkdir(parents=True)
    (d / "README").write_text("monorepo\n")
    (d / "lib/go.mod").write_text("module example.com/lib\n\ngo 1.22\n")
    (d / "lib/shapes/shapes.go").write_text(V1)
    _git(d, "init", "-q", "-b", "main")
    _git(d, "add", ".")
    _git(d, "commit", "-q", "-m", "v1")
    _git(d, "tag", "lib/v1.2.0")
    (d / "lib/shapes/shapes.go").write_text(FUNC_ADDED)
    _git(d, "commit", "-q", "-am", "add")
    _git(d, "tag", "lib/v1.3.0")
    rc, rep, err = _api(d / "lib", api_env, "lib/v1.2.0", "HEAD")
    assert rc == 0, err
    assert rep["module"] == "example.com/lib"
    assert (rep["old_version"], rep["new_version"]) == ("v1.2.0", "v1.3.0")
    assert (rep["required"], rep["taken"]) == ("minor", "minor")


def test_a_side_that_does_not_compile_is_a_clear_error(api_env, tmp_path):
    d = _repo(tmp_path, "v1.0.0", V1 + "\nfunc Broken() int { return \"x\" }\n")
    rc, rep, err = _api(d, api_env, "v1.0.0", "HEAD")
    err = " ".join(err.split())
    # --json: the failure comes as goarchlab.error/v1 on stdout, not as a report
    assert rc == 3 and rep["schema"] == "goarchlab.error/v1" and rep["exit_code"] == 3
    assert err.startswith("error: apidiff could not load example.com/shapes at HEAD")
    assert "hint: the module must build at both versions" in err
