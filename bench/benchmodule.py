"""The small Go module and machine facts shared by the xbuild benchmarks.

``bench/xbuild_parallel.py`` and ``bench/xbuild_vs_goreleaser.py`` build the
same program, so their figures can be read side by side.
"""

from __future__ import annotations

import platform
import resource
import shlex
import sys
import textwrap
import time
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


def timed(argv, env, cwd) -> tuple[float, float]:
    """Run ``argv`` through goarchlab.proc: (wall seconds, CPU seconds of the child
    processes, user + sys); exits the script with the command's output if it fails."""
    from goarchlab import proc

    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = proc.run(argv, env=env, timeout=1800, cwd=cwd)
    dt = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not r.ok:
        sys.exit(f"failed: {shlex.join(map(str, argv))}\n{(r.stderr or r.stdout)[-2000:]}")
    return dt, (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
