"""Activation hook cost per prompt: the hook of ``goarchlab shell-init bash
--activate`` as bash runs it at a prompt, against a bare spawn of ``true``,
alternated, in a project directory (a package two levels inside a module whose
go.mod names the Go version: every directory up to / is looked at).

Usage: python bench/activate_overhead.py [--home DIR] [--runs N]

HOME defaults to GOARCHLAB_HOME; it must hold an installed toolchain (the
script builds the shims and helper if missing). Both are timed inside one bash
with EPOCHREALTIME, a prompt at a time: ``_goarchlab_activate`` (what
PROMPT_COMMAND runs) and ``/bin/true`` (fork and exec from bash); nothing is
subtracted. The project's files are dated an hour back, as a project not
written in the last second (such a path makes the next prompt run the helper).

Figures: ``hook`` is a prompt where nothing changed (the shell's own tests
against the helper's watch list, no process); ``hook, changed`` is a prompt
after ``cd`` to another project (the compiled helper runs and its output is
evaluated), for comparison with the peers' per-prompt figures. The last line
is ``hook median X ms``. Goal (issue 16): at most 3 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from benchmodule import cpu_model, shim_home

from goarchlab import proc
from goarchlab.toolchains import resolve, shims


def _spread(xs: list[float]) -> str:
    q = statistics.quantiles(xs, n=10)
    return (f"median {statistics.median(xs):.3f} ms, p10 {q[0]:.3f}, p90 {q[-1]:.3f}, "
            f"min {min(xs):.3f}, max {max(xs):.3f}")


# Each round: the hook at an unchanged prompt and /bin/true, in alternating order,
# then a cd to the other project and the hook there (which runs the helper), and back.
_LOOP = """\
cd "$P1"; _goarchlab_activate
echo "W ${#_goarchlab_watch[@]} ${#_goarchlab_absent[@]}"
for ((i=0; i<N; i++)); do
  if ((i % 2)); then
    a=$EPOCHREALTIME; _goarchlab_activate; b=$EPOCHREALTIME; /bin/true; c=$EPOCHREALTIME
    echo "R $b $c $a $b"
  else
    a=$EPOCHREALTIME; /bin/true; b=$EPOCHREALTIME; _goarchlab_activate; c=$EPOCHREALTIME
    echo "R $a $b $b $c"
  fi
  cd "$P2"; a=$EPOCHREALTIME; _goarchlab_activate; b=$EPOCHREALTIME
  echo "C $a $b ${GOROOT##*/} $_goarchlab_pwd"
  cd "$P1"; _goarchlab_activate
done
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=300)
    a = ap.parse_args()
    store, installed, _ = shim_home(a.home)
    home, tc = store.home, installed[0]
    with tempfile.TemporaryDirectory() as d:
        projects = []
        for name in ("one", "two"):
            mod = Path(d) / name
            (mod / "internal" / "pkg").mkdir(parents=True)
            (mod / "go.mod").write_text(f"module example.com/{name}\n\ngo {str(tc.version)[2:]}\n")
            projects.append(mod / "internal" / "pkg")
        hour_ago = time.time() - 3600
        for root, dirs, files in os.walk(d):
            for x in [*dirs, *files]:
                os.utime(Path(root) / x, (hour_ago, hour_ago))
        choice, got = resolve.resolve(projects[0], {}, home, installed)
        assert got == tc, (choice, got)
        env = {"PATH": "/usr/bin:/bin", "HOME": d, "P1": str(projects[0]),
               "P2": str(projects[1]), "N": str(a.runs)}
        script = shims.activate_snippet("bash", store.shims) + _LOOP
        r = proc.run(["bash", "-c", script], env=env, timeout=600, cwd=d)
        assert r.ok and r.stderr == "", r
    t_hook, t_true, t_changed = [], [], []
    n_watch = n_absent = 0
    for line in r.stdout.splitlines():
        f = line.split()
        if f[0] == "W":
            n_watch, n_absent = int(f[1]), int(f[2])
        elif f[0] == "R":
            t_true.append((float(f[2]) - float(f[1])) * 1e3)
            t_hook.append((float(f[4]) - float(f[3])) * 1e3)
        elif f[0] == "C":
            # The helper ran: it activated, and the hook recorded the new directory.
            assert f[3] == tc.goroot.name and f[4] == str(projects[1]), line
            t_changed.append((float(f[2]) - float(f[1])) * 1e3)
    assert len(t_hook) == a.runs, r.stdout[-500:]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{platform.node()} {cpu_model()}; nproc {os.cpu_count()}; load average {load}")
    print(f"bash: _goarchlab_activate at a prompt in {projects[0].relative_to(d)} "
          f"(its go.mod: go {str(tc.version)[2:]}); {a.runs} rounds, alternating with /bin/true; "
          f"the hook tests {n_watch} watched and {n_absent} absent paths")
    print(f"true           {_spread(t_true)}")
    print(f"hook, changed  {_spread(t_changed)}  (after cd: the helper runs)")
    print(f"hook           {_spread(t_hook)}")
    mt, mh = statistics.median(t_true), statistics.median(t_hook)
    print(f"ratio hook/true {mh / mt:.3f}; goal: hook <= 3 ms")
    print(f"hook median {mh:.3f} ms")


if __name__ == "__main__":
    main()
