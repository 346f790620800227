"""The import rules run on go list's packages as it prints them
(rules.ImportChecker, fed by golist.list_deps(on_packages=...)): whatever the
chunks they arrive in, the violations are those of a check run at the end."""

from __future__ import annotations

from deps_support import write

from goarchlab.deps import policy
from goarchlab.deps.rules import Graph, ImportChecker
from goarchlab.gocmd import golist, modgraph

# A dotless module path (allowed for a main module): a package of it not yet
# listed would look like the standard library (go's rule for unknown paths).
# b imports a, so go list -deps prints a before b; a's external test imports b.
MODULE = {
    "go.mod": "module corp/app\n\ngo 1.22\n",
    "a/a.go": 'package a\n\nimport "io/ioutil"\n\nvar R = ioutil.ReadAll\n',
    "a/a_test.go": 'package a_test\n\nimport (\n\t"io/ioutil"\n\t"testing"\n\n\t"corp/app/b"\n)\n\n'
                   "func TestA(t *testing.T) { _ = ioutil.Discard; _ = b.B }\n",
    "b/b.go": 'package b\n\nimport "corp/app/a"\n\nvar B = a.R\n',
    "goarchlab.toml": '[[deny]]\nname = "no-std-in-tests"\npackages = ["std"]\n'
                      'files = ["**/*_test.go"]\n\n'
                      '[[deny]]\nname = "no-ioutil"\npackages = ["io/ioutil"]\n',
}


def test_fed_in_any_chunks_the_violations_are_those_found_at_the_end(deps_env, tmp_path):
    env = deps_env(tmp_path / "home")
    d = write(tmp_path / "m", MODULE)
    fed: list[int] = []
    pkgs, _ = golist.list_deps("go", env, d, ("./...",),
                               on_packages=lambda ps: fed.append(len(ps)))
    assert fed and fed[-1] <= len(pkgs)  # called while go printed, with the list so far
    order = [p.import_path for p in pkgs]
    assert order.index("corp/app/a") < order.index("corp/app/b")
    mods, _ = modgraph.list_modules("go", env, d)
    pol = policy.load(d / "goarchlab.toml")

    def found(feeds) -> list[tuple[str, str, int, str]]:
        checker = ImportChecker(pol, Graph(d, mods))
        for n in feeds:
            checker.feed(pkgs[:n])
        return sorted((v.name, v.file, v.line, v.imported) for v in checker.violations(pkgs))

    at_end = found([])
    assert at_end == [
        ("no-ioutil", "a/a.go", 3, "io/ioutil"),
        ("no-ioutil", "a/a_test.go", 4, "io/ioutil"),
        ("no-std-in-tests", "a/a_test.go", 4, "io/ioutil"),
        ("no-std-in-tests", "a/a_test.go", 5, "testing"),
    ]  # corp/app/b, imported by the test, is known not to be std once listed
    assert found(range(1, len(pkgs) + 1)) == at_end  # one package at a time
    assert found([order.index("corp/app/a") + 1]) == at_end  # a listed, b not yet
    assert found([len(pkgs), len(pkgs)]) == at_end  # fed twice: nothing counted twice
