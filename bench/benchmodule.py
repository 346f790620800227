"""What the bench scripts share: the small Go module and machine facts of the
xbuild benchmarks (``bench/xbuild_parallel.py`` and ``bench/xbuild_vs_goreleaser.py``
build the same program, so their figures can be read side by side), and the
interpreter goarchlab runs under, as a user's install runs it.
"""

from __future__ import annotations

import compileall
import platform
import resource
import shlex
import subprocess
import sys
import sysconfig
import textwrap
import time
import venv
from pathlib import Path

#: This checkout's source directory.
SRC = Path(__file__).resolve().parents[1] / "src"

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


def user_interpreter(dest: Path, src: Path = SRC) -> str:
    """A new venv (created at ``dest``) whose python imports goarchlab from ``src``
    (default: this checkout) and its dependencies from this interpreter's
    site-packages, through path lines in a .pth file: what a ``pipx install`` or a
    venv runs, without the base interpreter's own site hooks (this machine's runs
    a .pth that imports certifi, ~0.045-0.065 s a start, neither goarchlab's nor in
    a user's venv). ``src`` is byte-compiled first, as an install is (the
    environment may set PYTHONDONTWRITEBYTECODE, and a stale cache would be
    recompiled on every start). Returns the interpreter's path."""
    compileall.compile_dir(src / "goarchlab", quiet=1)
    venv.create(dest, with_pip=False)
    py = dest / "bin" / "python3"
    site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "goarchlab-checkout.pth").write_text(f"{src}\n{sysconfig.get_path('purelib')}\n")
    return str(py)


def shim_home(home: Path | None):
    """The goarchlab home the shim benchmarks time (``home``, else GOARCHLAB_HOME's):
    (store, its native toolchains, the shims' state), the shims and activation
    helper built if missing; exits the script when no toolchain is installed."""
    import os

    from goarchlab.toolchains import hostplat, shims
    from goarchlab.toolchains.model import goarchlab_home
    from goarchlab.toolchains.store import Store

    home = home or goarchlab_home()
    store = Store(home, hostplat.native())
    installed = store.native_installed()
    if not installed:
        raise SystemExit(f"no toolchain in {home}: goarchlab toolchain install latest")
    return store, installed, shims.ensure(store, os.environ, print)
