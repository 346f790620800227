"""The small Go module and machine facts shared by the xbuild benchmarks.

``bench/xbuild_parallel.py`` and ``bench/xbuild_vs_goreleaser.py`` build the
same program, so their figures can be read side by side.
"""

from __future__ import annotations

import platform
import textwrap
from pathlib import Path

# A small server: net/http and encoding/json make the link step realistic.
MAIN = """
package main

import (
    "encoding/json"
    "fmt"
    "net/http"
    "os"
)

var version = "dev"

func main() {
    http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
        _ = json.NewEncoder(w).Encode(map[string]string{"version": version})
    })
    if len(os.Args) > 1 {
        fmt.Println(http.ListenAndServe(os.Args[1], nil))
    }
}
"""

#: The build flags both benchmarks pass (go build ... -trimpath -ldflags LDFLAGS).
LDFLAGS = "-s -w -X main.version=1.0.0"
FLAGS = ["-trimpath", "-ldflags", LDFLAGS]


def write_module(parent: Path, name: str = "server") -> Path:
    """Write the module ``example.com/<name>`` (go.mod, main.go) into ``parent/name``
    (created; must not exist) and return its directory."""
    mod = parent / name
    mod.mkdir(parents=True)
    (mod / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.22\n")
    (mod / "main.go").write_text(textwrap.dedent(MAIN).lstrip())
    return mod


def cpu_model() -> str:
    """The CPU's model name (Linux /proc/cpuinfo), else what platform knows."""
    info = Path("/proc/cpuinfo")
    if info.exists():
        for ln in info.read_text().splitlines():
            if ln.startswith("model name"):
                return ln.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"
