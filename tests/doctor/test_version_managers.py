"""doctor in a goenv shell: it judges the Go goenv's shim runs, not the shim script.

The goenv root is built here: ``versions/<v>`` links to a real toolchain from the
session fixtures, ``shims/go`` is goenv's own prototype shim text (go-nv/goenv
libexec/goenv-rehash, create_prototype_shim, with GOENV_ROOT and the goenv path filled
in as rehash does), and ``bin/goenv`` is a MINIMAL stand-in written for this test (goenv
itself is not installed here): ``goenv which go`` reads ``$GOENV_ROOT/version``, and
``goenv exec`` exports GOROOT as goenv-exec does (unless GOENV_DISABLE_GOROOT=1) before
exec'ing the version's program. The shim really runs go through it (checked below).
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor_cli import doctor, use_env

from goarchlab import proc

GOENV_STANDIN = """#!/usr/bin/env bash
# Test stand-in for goenv: 'which CMD', 'prefix' and 'exec CMD ARGS' only.
set -e
v="$(head -n1 "$GOENV_ROOT/version")"
case "$1" in
which) echo "$GOENV_ROOT/versions/$v/bin/$2" ;;
prefix) echo "$GOENV_ROOT/versions/$v" ;;
exec)
  shift; cmd="$1"; shift
  if [ "${GOENV_DISABLE_GOROOT}" != "1" ]; then export GOROOT="$GOENV_ROOT/versions/$v"; fi
  exec "$GOENV_ROOT/versions/$v/bin/$cmd" "$@" ;;
*) echo "goenv stand-in: $1 not implemented" >&2; exit 2 ;;
esac
"""

# goenv's prototype shim (libexec/goenv-rehash), as rehash writes it.
GOENV_SHIM = """#!/usr/bin/env bash
set -e
[ -n "$GOENV_DEBUG" ] && set -x

program="${0##*/}"
if [[ "$program" = "go"* ]]; then
  for arg; do
    case "$arg" in
    -c* | -- ) break ;;
    */* )
      if [ -f "$arg" ]; then
        export GOENV_FILE_ARG="$arg"
        break
      fi
      ;;
    esac
  done
fi

export GOENV_ROOT="@ROOT@"
exec "@GOENV@" exec "$program" "$@"
"""


def _goenv_root(tmp_path: Path, tc) -> Path:
    root = tmp_path / "goenv"
    ver = str(tc.version).removeprefix("go")
    (root / "versions").mkdir(parents=True)
    (root / "versions" / ver).symlink_to(tc.goroot)
    (root / "version").write_text(ver + "\n")
    (root / "bin").mkdir()
    goenv = root / "bin" / "goenv"
    goenv.write_text(GOENV_STANDIN)
    goenv.chmod(0o755)
    (root / "shims").mkdir()
    shim = root / "shims" / "go"
    shim.write_text(GOENV_SHIM.replace("@ROOT@", str(root)).replace("@GOENV@", str(goenv)))
    shim.chmod(0o755)
    return root


def _env(go_env: dict[str, str], root: Path) -> dict[str, str]:
    # No other go on PATH: the shims and goenv's bin, then the system directories.
    rest = [d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "go").exists()]
    return {**go_env, "GOENV_ROOT": str(root),
            "PATH": os.pathsep.join([str(root / "shims"), str(root / "bin"), *rest])}


def test_goenv_shim_is_judged_by_what_it_runs(go_env, go_new, go_old, monkeypatch, tmp_path,
                                              capsys) -> None:
    root = _goenv_root(tmp_path, go_new)
    # A GOROOT left in the shell by another version (goenv init exports one): goenv exec
    # replaces it for every command run through the shim.
    env = {**_env(go_env, root), "GOROOT": str(go_old.goroot)}
    real = proc.run([str(root / "shims" / "go"), "env", "GOVERSION", "GOROOT"], env=env,
                    cwd=tmp_path, timeout=60)
    ver = str(go_new.version).removeprefix("go")
    assert real.ok, real.stderr
    assert real.stdout.split() == [str(go_new.version), str(root / "versions" / ver)]
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys)
    go = root / "versions" / ver / "bin" / "go"
    assert r.report["go"]["path"] == str(go)
    assert r.report["go"]["version"] == str(go_new.version)
    assert r.errors() == [] and r.code == 0
    arch = r.one("path.go-arch", "ok")
    assert arch["detail"].endswith(f"run by the goenv shim {root / 'shims' / 'go'}")
    assert "wrapper script" not in arch["detail"]
    assert "goenv which go" in r.one("path.go", "ok")["detail"]
    f = r.one("goroot.env", "info")
    assert "overridden by the goenv shim" in f["title"]
    assert "unset GOROOT" not in f["fix"]["text"]
    assert "GOENV_DISABLE_GOROOT=1" in f["fix"]["text"]


def test_goenv_disable_goroot_lets_the_shell_goroot_through(go_env, go_new, go_old,
                                                            monkeypatch, tmp_path,
                                                            capsys) -> None:
    """With GOENV_DISABLE_GOROOT=1 goenv leaves GOROOT alone: a shell GOROOT of another
    version reaches go, and builds fail as doctor says."""
    root = _goenv_root(tmp_path, go_new)
    env = {**_env(go_env, root), "GOROOT": str(go_old.goroot), "GOENV_DISABLE_GOROOT": "1"}
    real = proc.run([str(root / "shims" / "go"), "env", "GOROOT"], env=env, cwd=tmp_path,
                    timeout=60)
    assert real.stdout.strip() == str(go_old.goroot)
    use_env(monkeypatch, env)
    monkeypatch.chdir(tmp_path)
    r = doctor(capsys, "--only", "goroot.env")
    f = r.one("goroot.env", "error")
    assert str(go_old.version) in f["detail"]
