"""A real public module through the Go module proxy: github.com/spf13/cobra v1.8.1,
under a policy it passes and one it fails."""

from __future__ import annotations

import json

import pytest
from deps_support import line_of, write

from goarchlab import proc

PASSING = """\
[modules]
single-major = true
no-local-replace = true
go-max = "1.22"
retracted = true
deprecated = true
verify = true

[[public]]
module = "github.com/spf13/cobra"
packages = ["github.com/spf13/cobra"]

[[deny]]
packages = ["github.com/pkg/errors", "io/ioutil"]
"""

FAILING = PASSING + """
[[deny]]
name = "flags-through-cobra"
packages = ["github.com/spf13/pflag/..."]
files = ["**", "!**/*_test.go"]
reason = "take flags through cobra.Command.Flags()"

[[allow]]
name = "cmd-only-cobra"
files = ["cmd/**"]
packages = ["github.com/spf13/cobra"]
std = false
"""


@pytest.fixture(scope="session")
def cobra_app(deps_env, tmp_path_factory):
    """A module using cobra v1.8.1 and pflag, tidied through the real proxy."""
    d = tmp_path_factory.mktemp("cobra-app")
    env = deps_env(d / "home")
    app = write(d / "app", {
        "go.mod": "module example.com/cobraapp\n\ngo 1.22\n\n"
                  "require github.com/spf13/cobra v1.8.1\n",
        "main.go": """\
            package main

            import "example.com/cobraapp/cmd"

            func main() { cmd.Execute() }
            """,
        "cmd/root.go": """\
            package cmd

            import (
            \t"os"

            \t"github.com/spf13/cobra"
            \t"github.com/spf13/pflag"
            )

            var root = &cobra.Command{Use: "app"}

            func Execute() {
            \troot.Flags().AddFlag(pflag.Lookup("x"))
            \tif root.Execute() != nil {
            \t\tos.Exit(1)
            \t}
            }
            """,
    })
    r = proc.run(["go", "mod", "tidy"], env=env, timeout=300, cwd=app)
    assert r.ok, r.stderr
    return app, env


def test_cobra_passing_policy(goarchlab, cobra_app):
    app, env = cobra_app
    (app / "goarchlab.toml").write_text(PASSING)
    r = goarchlab(app, env, "deps", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    rep = json.loads(r.stdout)
    assert rep["violations"] == []
    assert rep["modules"] >= 4 and rep["packages"] > 50
    ran = {c["rule"] for c in rep["checks"] if c["status"] == "ran"}
    assert {"retracted", "deprecated", "verify", "single-major", "public"} <= ran
    assert ("example.com/cobraapp", "github.com/spf13/cobra") in map(tuple, rep["edges"])
    assert ("github.com/spf13/cobra", "github.com/spf13/pflag") in map(tuple, rep["edges"])


def test_cobra_failing_policy(goarchlab, cobra_app):
    app, env = cobra_app
    (app / "goarchlab.toml").write_text(FAILING)
    r = goarchlab(app, env, "deps", "--json")
    assert r.returncode == 1, r.stderr
    vs = json.loads(r.stdout)["violations"]
    n = line_of(app / "cmd/root.go", '"github.com/spf13/pflag"')
    got = sorted((v["rule"], v["name"], v["file"], v["line"], v["imported"]) for v in vs)
    assert got == sorted([
        ("deny", "flags-through-cobra", "cmd/root.go", n, "github.com/spf13/pflag"),
        ("allow", "cmd-only-cobra", "cmd/root.go", n, "github.com/spf13/pflag"),
        ("allow", "cmd-only-cobra", "cmd/root.go", line_of(app / "cmd/root.go", '"os"'), "os"),
    ])
    # cobra's own files import pflag too: only the main module's imports are checked
    assert all(v["file"].startswith("cmd/") for v in vs)
    deny = next(v for v in vs if v["rule"] == "deny")
    assert deny["why"] == "take flags through cobra.Command.Flags()"
    assert deny["importer"] == "example.com/cobraapp/cmd"
    assert deny["module"] == "github.com/spf13/pflag"
