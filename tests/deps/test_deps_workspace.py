"""A go.work workspace: checked from its root, where ``./...`` matches nothing and
every workspace module is listed instead (the ``work`` pattern from Go 1.25 on,
each module's ``path/...`` after ``go list -m`` before)."""

from __future__ import annotations

import json

import pytest
from deps_support import write


@pytest.mark.parametrize("which", ["go_new", "go_old"])
def test_workspace_root_checks_every_module(goarchlab, proxy_env, tmp_path, request, which):
    env = proxy_env("workspace")
    tc = request.getfixturevalue(which)
    go = ["--go", str(tc.version).removeprefix("go")]
    d = write(tmp_path / "ws", {
        "go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
        "a/go.mod": "module example.com/a\n\ngo 1.22\n",
        "a/a.go": "package a\n\nimport \"strings\"\n\nvar A = strings.ToUpper(\"a\")\n",
        "b/go.mod": "module example.com/b\n\ngo 1.22\n",
        "b/b.go": "package b\n\nimport (\n\t\"io/ioutil\"\n\n\t\"example.com/a\"\n)\n\n"
                  "var B, _ = ioutil.ReadAll(nil)\nvar C = a.A\n",
        "goarchlab.toml": "[[deny]]\npackages = [\"io/ioutil\", \"example.com/a\"]\n"
                          "files = [\"b/**\"]\n",
    })
    r = goarchlab(d, env, "-v", "deps", *go, "--json", "--offline", "--graph", "dot")
    assert r.returncode == 1, r.stderr
    assert '"example.com/b" -> "example.com/a" [color="#cc0000"' in r.stdout
    [listed] = [ln for ln in r.stderr.splitlines() if "'list', '-e', '-deps'" in ln]
    assert str(tc.goroot) in listed
    if which == "go_new":
        assert listed.split("', '")[-1].startswith("work']")
    else:
        assert "'example.com/a/...', 'example.com/b/...']" in listed
    r = goarchlab(d, env, "deps", *go, "--json", "--offline")
    rep = json.loads(r.stdout)
    assert sorted(rep["main_modules"]) == ["example.com/a", "example.com/b"]
    assert [(v["file"], v["line"], v["imported"]) for v in rep["violations"]] == [
        ("b/b.go", 4, "io/ioutil"), ("b/b.go", 6, "example.com/a")]
    # from inside module b, ./... is b alone, and the globs stay relative to the root
    r = goarchlab(d / "b", env, "deps", *go, "--json", "--offline")
    assert len(json.loads(r.stdout)["violations"]) == 2
