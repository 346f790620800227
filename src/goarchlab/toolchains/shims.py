"""The ``go`` and ``gofmt`` shims in GOARCHLAB_HOME/shims, and ``shell-init``.

The shim is a small Go program (``shim/main.go``) built once per home with an
installed toolchain, so it needs nothing a Go developer might lack (no C
compiler, no particular shell). Measured on the 2-core CI machine while other
jobs ran (load 11-15): ``python3 -c pass`` alone takes 20-145 ms, so a Python
shim is out; dash's ``read`` loop reads byte by byte and spends 3-5 ms on a
4.6 KB go.mod before doing anything, so a POSIX sh shim misses the 5 ms goal
for real modules; the compiled Go shim adds 1.4-5 ms (its runtime start and
the exec from a multi-threaded process; bench/shim_overhead.py). A C shim
would add ~0.5 ms but needs a C compiler on every machine.
The shims exist only in homes where ``shell-init`` ran. Before any toolchain
exists they are two-line sh scripts that hand over to ``goarchlab toolchain
exec`` (which installs one), and the next install replaces them with the
compiled shim.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc
from goarchlab.errors import GoarchlabError, UsageError
from goarchlab.toolchains.model import Toolchain
from goarchlab.toolchains.runenv import go_environ
from goarchlab.toolchains.store import Store

TOOLS = ("go", "gofmt")
#: The activation helper: a hard link to the compiled shim, which switches on its name
#: (shim/activate.go). Only compiled homes have it; the hook skips it until then.
ACTIVATE = "goarchlab-activate"
SHELLS = ("bash", "zsh", "fish")
_SRC = Path(__file__).with_name("shim")
#: Seconds allowed for building the shim (a cold build compiles the runtime).
BUILD_TIMEOUT = 300.0


@dataclass(frozen=True)
class ShimState:
    """The shims of one home: ``kind`` is ``compiled``, ``script`` or ``missing``;
    ``stamp``: what the compiled shim was built from (source hash, launcher)."""

    dir: Path
    kind: str
    stamp: str


@dataclass(frozen=True)
class ShellInit:
    """``shell-init``: the ``snippet`` for ``shell`` that puts ``dir`` on PATH;
    ``kind``: the shims' state (compiled, script). Rendered as the bare snippet."""

    SCHEMA = "goarchlab.toolchain.shell-init/v1"
    shell: str
    dir: Path
    kind: str
    snippet: str
    activate: bool = False


def launcher() -> list[str]:
    """How a shim starts goarchlab: the console script installed next to this
    Python (stable whatever PATH says, and not a pyenv/asdf wrapper script),
    else ``python -m goarchlab``."""
    exe = Path(sys.executable).parent / "goarchlab"
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    return [sys.executable, "-m", "goarchlab"]


def _stamp(argv: list[str]) -> str:
    h = hashlib.sha256()
    for src in sorted(_SRC.glob("*.go")):
        h.update(src.name.encode() + b"\0" + src.read_bytes())
    h.update("\0".join(argv).encode())
    return h.hexdigest()[:16]


def state(store: Store) -> ShimState:
    """What is in the shim directory now."""
    go = store.shims / "go"
    stamp_file = store.shims / ".stamp"
    if not go.exists():
        return ShimState(store.shims, "missing", "")
    if stamp_file.exists():
        return ShimState(store.shims, "compiled", stamp_file.read_text().strip())
    return ShimState(store.shims, "script", "")


def ensure(
    store: Store,
    env: Mapping[str, str],
    notify: Callable[[str], None] = lambda m: None,
) -> ShimState:
    """Make sure the shims exist and are compiled when a native toolchain is installed.

    Builds with the newest native toolchain, using the caller's GOCACHE (warm
    for a Go developer). A failed build leaves script shims and a message:
    shims are a convenience and must never make an install fail.
    """
    argv = launcher()
    cur = state(store)
    want = _stamp(argv)
    if cur.kind == "compiled" and cur.stamp == want:
        return cur
    native = store.native_installed()
    if not native:
        if cur.kind == "missing":
            _write_scripts(store, argv)
        return state(store)
    notify(f"building the go/gofmt shims in {store.shims} (once)")
    try:
        _build(store, native[0], argv, env, want)
    except GoarchlabError as e:
        notify(f"could not build the compiled shim ({e.message}); using script shims")
        _write_scripts(store, argv)
    return state(store)


def _build(store: Store, tc: Toolchain, argv: list[str], env: Mapping[str, str],
           stamp: str) -> None:
    if " " in argv[0]:
        raise GoarchlabError(f"the goarchlab path {argv[0]!r} has a space")
    store.shims.mkdir(parents=True, exist_ok=True)
    tmp = store.shims / f".go.{os.getpid()}.tmp"
    ldflags = f"-s -w -X main.goarchlab={argv[0]}"
    if len(argv) == 3:
        ldflags += f" -X main.pyModule={argv[2]}"
    # The shim is built by ``tc`` itself, for this machine, offline: a user's
    # GOTOOLCHAIN naming another version would make go fetch that one first.
    benv = go_environ(tc, env)
    benv.update({"CGO_ENABLED": "0", "GOFLAGS": "", "GOWORK": "off", "GOTOOLCHAIN": "local"})
    benv.pop("GOOS", None)
    benv.pop("GOARCH", None)
    r = proc.run(
        [str(tc.go), "build", "-trimpath", "-ldflags", ldflags, "-o", str(tmp), "."],
        env=benv, timeout=BUILD_TIMEOUT, cwd=_SRC,
    )
    if not r.ok:
        tmp.unlink(missing_ok=True)
        raise GoarchlabError(f"go build failed: {(r.stderr or r.stdout).strip()[:200]}")
    for tool in (*TOOLS, ACTIVATE):
        link = store.shims / f".{tool}.{os.getpid()}.new"
        link.unlink(missing_ok=True)
        os.link(tmp, link)
        link.replace(store.shims / tool)
    tmp.unlink()
    (store.shims / ".stamp").write_text(stamp + "\n")


def _write_scripts(store: Store, argv: list[str]) -> None:
    store.shims.mkdir(parents=True, exist_ok=True)
    (store.shims / ".stamp").unlink(missing_ok=True)
    # A script home has no activation helper: the hook waits for the compiled one.
    (store.shims / ACTIVATE).unlink(missing_ok=True)
    cmd = " ".join(shlex.quote(a) for a in argv)
    for tool in TOOLS:
        tmp = store.shims / f".{tool}.{os.getpid()}.tmp"
        tmp.write_text(f'#!/bin/sh\nexec {cmd} toolchain exec -- {tool} "$@"\n')
        tmp.chmod(0o755)
        tmp.replace(store.shims / tool)


def shell_snippet(shell: str, shim_dir: Path) -> str:
    """The lines that put ``shim_dir`` first on PATH in ``shell`` (bash, zsh or fish).

    Idempotent, and it moves the directory to the front if it is already on
    PATH further back (behind another go, say).
    """
    d = str(shim_dir)
    head = "# goarchlab: the go/gofmt shims pick the Go version per directory\n"
    if shell in ("bash", "zsh"):
        return head + (
            f"_goarchlab_d={shlex.quote(d)}\n"
            '_goarchlab_p=":$PATH:"; _goarchlab_p="${_goarchlab_p//:"$_goarchlab_d":/:}"\n'
            '_goarchlab_p="${_goarchlab_p#:}"; _goarchlab_p="${_goarchlab_p%:}"\n'
            'export PATH="$_goarchlab_d${_goarchlab_p:+:$_goarchlab_p}"\n'
            "unset _goarchlab_d _goarchlab_p\n"
        )
    if shell == "fish":
        fq = "'" + d.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return head + f"set -gx PATH {fq} (string match -v -- {fq} $PATH)\n"
    raise UsageError(f"unknown shell {shell!r}", f"choose one of {', '.join(SHELLS)}")


# The hook runs the compiled helper (never Python: ~20-145 ms a start on a loaded
# machine) only when the answer can have changed: another directory, another
# GOARCHLAB_GO_VERSION or GOWORK (the variables the resolution reads: shim/main.go),
# a watched path newer than the stamp or an absent one now there (the helper's watch
# list: shim/activate.go). A prompt where nothing changed costs a few shell tests and
# no process. $? is kept for prompts that show it. _goarchlab_key and _goarchlab_pwd
# are reset on every evaluation so that re-sourcing a start-up file (which moves the
# shims to the front again) re-activates at once.
_BASH_ZSH_HOOK = """\
_goarchlab_activate() {
  local s=$? c= f
  [ -x "$_goarchlab_helper" ] || return $s
  if [[ $PWD == "$_goarchlab_pwd" && "${GOARCHLAB_GO_VERSION-}:${GOWORK-}" == "$_goarchlab_env" &&
        -n $_goarchlab_stamp && -e $_goarchlab_stamp ]]; then
    for f in "${_goarchlab_watch[@]}"; do [[ $f -nt $_goarchlab_stamp ]] && c=1 && break; done
    if [[ -z $c ]]; then
      for f in "${_goarchlab_absent[@]}"; do [[ -e $f ]] && c=1 && break; done
      [[ -z $c ]] && return $s
    fi
  fi
  _goarchlab_pwd=
  c="$(command "$_goarchlab_helper" SHELL "$_goarchlab_key" "$_goarchlab_stamp")" || return $s
  eval "$c"
  _goarchlab_pwd=$PWD _goarchlab_env="${GOARCHLAB_GO_VERSION-}:${GOWORK-}"
  return $s
}
_goarchlab_key= _goarchlab_pwd= _goarchlab_env= _goarchlab_stamp=
_goarchlab_watch=() _goarchlab_absent=()
"""
# bash: PROMPT_COMMAND is appended to, never replaced; since bash 5.1 it may be an
# array (each element run), and then the hook is one more element. No directory
# hook exists in bash, so `cd dir && go build` on one line runs the shim's choice.
_BASH_REGISTER = """\
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  [[ " ${PROMPT_COMMAND[*]} " == *" _goarchlab_activate "* ]] ||
    PROMPT_COMMAND+=(_goarchlab_activate)
else
  case "${PROMPT_COMMAND-}" in
    *_goarchlab_activate*) ;;
    *) PROMPT_COMMAND="${PROMPT_COMMAND:+$PROMPT_COMMAND
}_goarchlab_activate" ;;
  esac
fi
_goarchlab_activate
"""
_ZSH_REGISTER = """\
autoload -Uz add-zsh-hook
add-zsh-hook precmd _goarchlab_activate
add-zsh-hook chpwd _goarchlab_activate
_goarchlab_activate
"""
_FISH_HOOK = """\
set -g _goarchlab_key ''
set -g _goarchlab_pwd ''
set -g _goarchlab_env ''
set -g _goarchlab_stamp ''
set -g _goarchlab_watch
set -g _goarchlab_absent
function _goarchlab_activate --on-variable PWD --on-event fish_prompt
    test -x "$_goarchlab_helper"; or return
    if test "$PWD" = "$_goarchlab_pwd" -a "$GOARCHLAB_GO_VERSION:$GOWORK" = "$_goarchlab_env" \\
            -a -n "$_goarchlab_stamp" -a -e "$_goarchlab_stamp"
        set -l changed
        for f in $_goarchlab_watch
            if test "$f" -nt "$_goarchlab_stamp"
                set changed 1
                break
            end
        end
        if test -z "$changed"
            for f in $_goarchlab_absent
                if test -e "$f"
                    set changed 1
                    break
                end
            end
            test -z "$changed"; and return
        end
    end
    set -g _goarchlab_pwd ''
    set -l c (command $_goarchlab_helper fish "$_goarchlab_key" "$_goarchlab_stamp"); or return
    string join \\n -- $c | source
    set -g _goarchlab_pwd $PWD
    set -g _goarchlab_env "$GOARCHLAB_GO_VERSION:$GOWORK"
end
_goarchlab_activate
"""


def activate_snippet(shell: str, shim_dir: Path) -> str:
    """The shims snippet plus a prompt hook that puts the toolchain the current
    directory resolves to (same rules as the shim) first on PATH, sets GOROOT, and
    undoes both when a directory resolves to nothing installed.

    The hook's helper is ``shim_dir/goarchlab-activate``; until it exists (script
    shims, no toolchain yet) the hook does nothing and the shims serve every call.
    """
    base = shell_snippet(shell, shim_dir)
    helper = str(shim_dir / ACTIVATE)
    head = ("# goarchlab --activate: on each prompt (and cd), the resolved toolchain's bin "
            "goes first on PATH\n")
    if shell == "fish":
        fq = "'" + helper.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return base + head + f"set -g _goarchlab_helper {fq}\n" + _FISH_HOOK
    hook = f"_goarchlab_helper={shlex.quote(helper)}\n" + _BASH_ZSH_HOOK.replace("SHELL", shell)
    return base + head + hook + (_BASH_REGISTER if shell == "bash" else _ZSH_REGISTER)
