"""Clear errors, no tracebacks: an invalid policy (with its line), a broken go.mod,
a missing module, a directory outside any module."""

from __future__ import annotations

import pytest
from deps_support import write


@pytest.fixture()
def env(proxy_env):
    return proxy_env("errors")


def _err(r) -> str:
    """stderr with rich's line wrapping undone."""
    return " ".join(r.stderr.split())


def _mod(tmp_path, extra=None):
    return write(tmp_path, {
        "go.mod": "module example.com/e\n\ngo 1.22\n",
        "e.go": "package e\n\nimport \"strings\"\n\nvar _ = strings.ToUpper\n",
        **(extra or {}),
    })


@pytest.mark.parametrize(("policy", "line", "words"), [
    ("[modules]\nsingle-major = true\nsingel-major = true\n", 3, "unknown key 'singel-major'"),
    ("[[deny]]\npackages = [\"x\"]\n\n[[deny]]\npackages = [\"y\"]\nfile = [\"*.go\"]\n", 6,
     "unknown key 'file' in [deny]"),
    ("version = 1\n\n[imports]\nx = 1\n", 3, "unknown key 'imports'"),
    ("[modules]\ngo-max = 1.22\n", 2, "modules.go-max must be a str"),
    ("[modules]\ngo-max = \"one\"\n", 2, "is not a Go version"),
    ("[[public]]\nmodule = \"example.com/m\"\n", 1, "needs module"),
    ("[[deny]]\npackages = [\"a b\"]\n", 1, "is not a package pattern"),
    ("[[allow]]\nfiles = [\"/abs/*.go\"]\n", 1, "relative to the module root"),
])
def test_invalid_policy_names_file_and_line(goarchlab, env, tmp_path, policy, line, words):
    d = _mod(tmp_path, {"goarchlab.toml": policy})
    r = goarchlab(d, env, "deps")
    assert r.returncode == 2, r.stderr
    assert f"goarchlab.toml:{line}:" in _err(r) and words in _err(r)
    assert "Traceback" not in _err(r)


def test_toml_syntax_error(goarchlab, env, tmp_path):
    d = _mod(tmp_path, {"goarchlab.toml": "[modules\n"})
    r = goarchlab(d, env, "deps")
    assert r.returncode == 2 and "not valid TOML" in _err(r) and "line 1" in _err(r)


def test_broken_go_mod(goarchlab, env, tmp_path):
    d = write(tmp_path, {"go.mod": "module example.com/b\n\ngo 1.22\nrequire (\n", "b.go":
                         "package b\n"})
    r = goarchlab(d, env, "deps")
    assert r.returncode == 3
    err = _err(r)
    assert err.startswith("error: go list -m all failed in")
    assert "errors parsing go.mod: " in err and "go.mod:4" in err
    assert "Traceback" not in _err(r)


def test_every_error_of_a_multi_line_go_error_is_named(goarchlab, env, tmp_path):
    # go prints "go: errors parsing go.mod:" and then one line per error; the first line
    # alone (or with only the next) hides the second error (gocmd.failure.summary).
    d = write(tmp_path, {"go.mod": "module example.com/b\n\ngo 1.22\nfoo bar\nbaz qux\n",
                         "b.go": "package b\n"})
    r = goarchlab(d, env, "deps")
    assert r.returncode == 3
    err = _err(r)
    assert "errors parsing go.mod:" in err
    assert "go.mod:4: unknown directive: foo" in err and "go.mod:5: unknown directive: baz" in err
    assert "Traceback" not in err


def test_missing_module(goarchlab, env, tmp_path):
    d = _mod(tmp_path, {"m.go": "package e\n\nimport _ \"example.com/nowhere/pkg\"\n"})
    r = goarchlab(d, env, "deps", "--offline")
    assert r.returncode == 3
    assert "cannot load" in _err(r) and "example.com/nowhere/pkg" in _err(r)
    assert "hint:" in _err(r) and "Traceback" not in _err(r)


def test_outside_a_module(goarchlab, env, tmp_path):
    r = goarchlab(tmp_path, env, "deps")
    assert r.returncode == 3 and "not inside a Go module" in _err(r)


def test_explicit_policy_path_missing(goarchlab, env, tmp_path):
    d = _mod(tmp_path)
    r = goarchlab(d, env, "deps", "--policy", "nope.toml")
    assert r.returncode == 2 and "cannot read nope.toml" in _err(r)


def test_no_policy_is_ok_and_says_so(goarchlab, env, tmp_path):
    d = _mod(tmp_path)
    r = goarchlab(d, env, "deps")
    assert r.returncode == 0, r.stderr
    assert "no goarchlab.toml" in r.stdout
