"""Builders for the deps tests: a GOPROXY=file:// module proxy written by hand
(the layout the go command reads: ``@v/list``, ``.info``, ``.mod``, ``.zip``)
and modules that use it, so retractions, deprecations, two majors and cache
tampering are real answers of the go command, with no network.
"""

from __future__ import annotations

import json
import textwrap
import zipfile
from pathlib import Path


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text, dedented) under ``root``."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip())
    return root


def publish(proxy: Path, module: str, version: str, files: dict[str, str],
            time: str = "2024-01-01T00:00:00Z") -> None:
    """Add ``module@version`` (``files`` must include go.mod) to the file proxy."""
    d = proxy / module / "@v"
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{version}.info").write_text(json.dumps({"Version": version, "Time": time}))
    (d / f"{version}.mod").write_text(textwrap.dedent(files["go.mod"]).lstrip())
    with zipfile.ZipFile(d / f"{version}.zip", "w") as z:
        for rel, text in sorted(files.items()):
            z.writestr(f"{module}@{version}/{rel}", textwrap.dedent(text).lstrip())
    listing = d / "list"
    have = listing.read_text().split() if listing.exists() else []
    listing.write_text("\n".join(sorted({*have, version})) + "\n")


def build_proxy(proxy: Path) -> Path:
    """The modules the planted and clean projects require."""
    publish(proxy, "example.com/old", "v1.0.0", {
        "go.mod": "module example.com/old\n\ngo 1.21\n",
        "old.go": "package old\n\nfunc F() int { return 1 }\n",
    })
    publish(proxy, "example.com/old", "v1.1.0", {
        "go.mod": "module example.com/old\n\ngo 1.21\n\nretract v1.0.0 // data loss in F\n",
        "old.go": "package old\n\nfunc F() int { return 2 }\n",
    }, time="2024-02-01T00:00:00Z")
    publish(proxy, "example.com/dep", "v1.0.0", {
        "go.mod": "// Deprecated: use example.com/newdep instead.\nmodule example.com/dep\n\n"
                  "go 1.21\n",
        "dep.go": "package dep\n\nfunc D() {}\n",
    })
    publish(proxy, "example.com/two", "v1.0.0", {
        "go.mod": "module example.com/two\n\ngo 1.21\n",
        "two.go": "package two\n\nconst V = 1\n",
    })
    publish(proxy, "example.com/two/v2", "v2.0.0", {
        "go.mod": "module example.com/two/v2\n\ngo 1.21\n",
        "two.go": "package two\n\nconst V = 2\n",
    })
    publish(proxy, "example.com/vendorx", "v1.0.0", {
        "go.mod": "module example.com/vendorx\n\ngo 1.21\n",
        "client/client.go": "package client\n\nfunc Do() string { return \"ok\" }\n",
        "impl/impl.go": "package impl\n\nfunc Raw() string { return \"raw\" }\n",
    })
    return proxy


#: The policy of the planted and clean projects; line numbers matter to the tests.
POLICY = """\
[modules]
single-major = true
no-local-replace = true
go-max = "1.22"
retracted = true
deprecated = true
verify = true

[[deny]]
name = "no-ioutil"
packages = ["io/ioutil"]
files = ["**", "!**/*_test.go"]
reason = "io/ioutil is deprecated since Go 1.16; use io and os"

[[allow]]
name = "core-is-pure"
files = ["internal/core/**"]
packages = ["example.com/two/..."]
reason = "the core depends on nothing but the standard library and two"

[[public]]
module = "example.com/vendorx"
packages = ["example.com/vendorx/client"]
reason = "vendorx supports only its client package"
"""

#: The planted project: one violation of every rule (line numbers matter).
PLANTED = {
    "go.mod": """\
        module example.com/app

        go 1.23

        require (
        \texample.com/dep v1.0.0
        \texample.com/local v0.0.0
        \texample.com/old v1.0.0
        \texample.com/two v1.0.0
        \texample.com/two/v2 v2.0.0
        \texample.com/vendorx v1.0.0
        )

        replace example.com/local => ./local
        """,
    "main.go": """\
        package main

        import (
        \t"fmt"
        \t"io/ioutil"

        \t"example.com/app/internal/core"
        \t"example.com/local"
        \t"example.com/old"
        \ttwo "example.com/two"
        \ttwo2 "example.com/two/v2"
        \t"example.com/vendorx/impl"
        )

        func main() {
        \t_, _ = ioutil.ReadAll(nil)
        \tfmt.Println(core.C(), local.L, old.F(), two.V, two2.V, impl.Raw())
        }
        """,
    "main_test.go": """\
        package main

        import (
        \t"io/ioutil"
        \t"testing"
        )

        func TestX(t *testing.T) { _ = ioutil.Discard }
        """,
    "internal/core/core.go": """\
        package core

        import (
        \t"strings"

        \t"example.com/dep"
        \t"example.com/two"
        )

        func C() string { dep.D(); return strings.Repeat("x", two.V) }
        """,
    "local/go.mod": "module example.com/local\n\ngo 1.21\n",
    "local/local.go": "package local\n\nconst L = 1\n",
}

CLEAN = {
    "go.mod": """\
        module example.com/clean

        go 1.22

        require example.com/vendorx v1.0.0
        """,
    "main.go": """\
        package main

        import (
        \t"fmt"

        \t"example.com/clean/internal/core"
        \t"example.com/vendorx/client"
        )

        func main() { fmt.Println(core.C(), client.Do()) }
        """,
    "internal/core/core.go": "package core\n\nimport \"strings\"\n\n"
                             "func C() string { return strings.ToUpper(\"c\") }\n",
}


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``needle``."""
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")
