"""``goarchlab shell-init SHELL --activate``: the prompt hook, run by real bash, zsh and
fish sessions (interactive shells reading their commands from a pipe, so the hooks fire
as they do at a terminal), against the session's go1.22.10 and go1.27.3."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import time
from pathlib import Path

import pytest

from goarchlab import proc
from goarchlab.toolchains import shims

SHELLS = [pytest.param(s, marks=pytest.mark.skipif(shutil.which(s) is None,
                                                   reason=f"{s} is not installed"))
          for s in shims.SHELLS]
ORIG_GOROOT = "/orig/goroot"
BASE_PATH = "/usr/bin:/bin"


@pytest.fixture
def act_home(tmp_path, shim_home) -> Path:
    """A home of this test: the session toolchains (links), a copy of the compiled shims
    and helper (they find their home from their own place), and a global choice of
    ``system`` so that a directory asking nothing deactivates."""
    home = tmp_path / "home"
    (home / "toolchains").mkdir(parents=True)
    for tc in (shim_home / "toolchains").iterdir():
        (home / "toolchains" / tc.name).symlink_to(tc.resolve())
    (home / "shims").mkdir()
    for f in ("go", "gofmt", shims.ACTIVATE, ".stamp"):
        shutil.copy2(shim_home / "shims" / f, home / "shims" / f)
    (home / "version").write_text("system\n")
    return home


@pytest.fixture
def tree(tmp_path) -> Path:
    """Projects: a module (go 1.27) with a nested .go-version naming 1.22.10; a module
    asking go 1.27; a two-word .go-version; a version not installed; nothing."""
    t = tmp_path / "p"
    (t / "mod" / "old" / "deep").mkdir(parents=True)
    (t / "mod" / "go.mod").write_text("module example.com/m\n\ngo 1.27\n")
    (t / "mod" / "old" / ".go-version").write_text("1.22.10\n")
    (t / "new").mkdir()
    (t / "new" / "go.mod").write_text("module example.com/n\n\ngo 1.27\n")
    (t / "bad").mkdir()
    (t / "bad" / ".go-version").write_text("golang 1.22\n")
    (t / "miss").mkdir()
    (t / "miss" / ".go-version").write_text("1.30.1\n")
    (t / "plain").mkdir()
    return t


def _snippet(shell: str, home: Path) -> str:
    env = {"PATH": BASE_PATH, "HOME": str(home), "GOARCHLAB_HOME": str(home)}
    r = proc.run([sys.executable, "-m", "goarchlab", "shell-init", shell, "--activate"],
                 env=env, timeout=120)
    assert r.ok, r.stderr
    return r.stdout


def _session(shell: str, home: Path, tmp_path: Path, lines: list[str],
             pre: str = "", env: dict[str, str] | None = None) -> proc.Completed:
    """Run ``shell -i`` with a start-up file that evaluates the snippet, feeding
    ``lines`` one per prompt; stdout is what the commands print."""
    snippet = _snippet(shell, home)
    uhome = tmp_path / f"uhome-{shell}"
    uhome.mkdir(exist_ok=True)
    e = {"HOME": str(uhome), "PATH": BASE_PATH, "TERM": "dumb", "GOROOT": ORIG_GOROOT,
         **(env or {})}
    (uhome / "init.sh").write_text(snippet)
    if shell == "bash":
        rc = uhome / ".bashrc"
        rc.write_text(f"PS1='[$?]> '\n{pre}\n. {uhome / 'init.sh'}\n")
        argv = ["bash", "--noprofile", "--rcfile", str(rc), "-i"]
    elif shell == "zsh":
        (uhome / ".zshrc").write_text(f"PS1='[%?]> '\n{pre}\n. {uhome / 'init.sh'}\n")
        e["ZDOTDIR"] = str(uhome)
        argv = ["zsh", "-i"]
    else:
        conf = uhome / ".config" / "fish"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "config.fish").write_text(f"{pre}\nsource {uhome / 'init.sh'}\n")
        e["XDG_CONFIG_HOME"] = str(uhome / ".config")
        argv = ["fish", "-i"]
    return proc.run(argv, env=e, timeout=120, input="\n".join(lines) + "\nexit\n")


def _prompt(shell: str) -> str:
    """A line that brings the next prompt: an empty line for bash and zsh; fish does
    not draw prompts on a pipe, so its prompt event is sent as the prompt would."""
    return "emit fish_prompt" if shell == "fish" else ""


def _show(tag: str) -> list[str]:
    """Lines (valid in the three shells) that print which go runs, its version,
    GOROOT and PATH as a child process sees them."""
    return [f"echo @{tag}", "command -v go", "go version", "printenv GOROOT; or echo GOROOT-unset",
            "printenv PATH"]


def _blocks(out: str) -> dict[str, list[str]]:
    got: dict[str, list[str]] = {}
    cur = None
    for line in _plain(out).splitlines():
        if line.startswith("USER-"):  # a user's PROMPT_COMMAND, between two commands
            continue
        if line.startswith("@"):
            cur = line[1:].strip()
            got[cur] = []
        elif cur is not None:
            got[cur].append(line.strip())
    return got


def _plain(out: str) -> str:
    """``out`` without terminal control sequences (fish switches bracketed paste on and
    off around its reads even on a pipe)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)


def _fix_or(shell: str, lines: list[str]) -> list[str]:
    # bash/zsh spell fish's "; or" as "||".
    return lines if shell == "fish" else [x.replace("; or ", " || ") for x in lines]


@pytest.mark.parametrize("shell", SHELLS)
def test_activate_switches_per_directory_and_restores(shell, act_home, tree, tmp_path,
                                                      go_old, go_new):
    old_bin = act_home / "toolchains" / go_old.goroot.name / "bin"
    new_bin = act_home / "toolchains" / go_new.goroot.name / "bin"
    shim_dir = act_home / "shims"
    lines = [f"cd {tree / 'mod' / 'old' / 'deep'}", *_show("old"),
             f"cd {tree / 'new'}", *_show("new"),
             f"cd {tree / 'plain'}", *[x for x in _show("plain") if x != "go version"]]
    r = _session(shell, act_home, tmp_path, _fix_or(shell, lines))
    got = _blocks(r.stdout)
    assert got["old"][:4] == [str(old_bin / "go"), "go version go1.22.10 " + go_old.platform,
                              str(old_bin.parent), f"{old_bin}:{shim_dir}:{BASE_PATH}"], r
    assert got["new"][:4] == [str(new_bin / "go"), "go version go1.27.3 " + go_new.platform,
                              str(new_bin.parent), f"{new_bin}:{shim_dir}:{BASE_PATH}"], r
    # Global choice "system": nothing activated, the user's GOROOT back, the shim first.
    assert got["plain"][0] == str(shim_dir / "go"), r
    assert got["plain"][1:3] == [ORIG_GOROOT, f"{shim_dir}:{BASE_PATH}"], r
    assert "goarchlab" not in r.stderr.replace(str(act_home), ""), r.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_activate_no_duplicates_after_many_cds(shell, act_home, tree, tmp_path, go_new):
    lines = []
    for _ in range(10):
        lines += [f"cd {tree / 'mod' / 'old'}", f"cd {tree / 'new'}", f"cd {tree / 'miss'}"]
    lines += [f"cd {tree / 'new'}", "echo @end", "printenv PATH"]
    r = _session(shell, act_home, tmp_path, lines)
    path = _blocks(r.stdout)["end"][0].split(":")
    assert len(path) == len(set(path)), path
    new_bin = act_home / "toolchains" / go_new.goroot.name / "bin"
    assert path == [str(new_bin), str(act_home / "shims"), *BASE_PATH.split(":")]


@pytest.mark.parametrize("shell", SHELLS)
def test_broken_or_missing_version_keeps_the_prompt_and_says_it_once(shell, act_home, tree,
                                                                     tmp_path):
    p = _prompt(shell)
    # No `go version` here: through the shim it would try to install 1.30.1.
    show = [x for x in _show("") if x != "go version"]
    lines = [f"cd {tree / 'new'}", f"cd {tree / 'bad'}", p, p, p, "echo @bad", *show[1:],
             f"cd {tree / 'miss'}", p, p, p, "echo @miss", *show[1:], "echo @alive"]
    r = _session(shell, act_home, tmp_path, _fix_or(shell, lines))
    got = _blocks(r.stdout)
    shim = str(act_home / "shims" / "go")
    # go reaches the shim (which gives the verdict / installs); the session goes on.
    assert got["bad"][0] == shim and got["miss"][0] == shim, r
    assert got["bad"][1] == ORIG_GOROOT and "alive" in got, r
    assert r.stderr.count("names no Go version") == 1, r.stderr
    assert r.stderr.count("Go 1.30.1 (asked by") == 1, r.stderr
    assert "error" not in r.stderr.lower() and "Traceback" not in r.stderr, r.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_version_file_edit_counts_at_next_prompt(shell, act_home, tree, tmp_path):
    gv = tree / "mod" / "old" / ".go-version"
    lines = [f"cd {tree / 'mod' / 'old'}", "go version",
             f"echo 1.27.3 > {gv}", _prompt(shell), "go version"]
    r = _session(shell, act_home, tmp_path, lines)
    versions = [x.split()[2] for x in _plain(r.stdout).splitlines()
                if x.startswith("go version")]
    assert versions == ["go1.22.10", "go1.27.3"], r


def test_helper_with_an_unchanged_key_prints_only_its_watch_list(act_home, tree, go_old):
    helper = act_home / "shims" / shims.ACTIVATE
    env = {"PATH": f"{act_home / 'shims'}:{BASE_PATH}", "HOME": str(tree)}
    cwd = tree / "mod" / "old"
    first = proc.run([str(helper), "bash", ""], env=env, timeout=30, cwd=cwd)
    assert first.ok and first.stderr == "", first
    goroot = act_home / "toolchains" / go_old.goroot.name
    assert f"_goarchlab_key='{goroot}'" in first.stdout, first.stdout
    again = proc.run([str(helper), "bash", str(goroot)], env=env, timeout=30, cwd=cwd)
    assert again.ok and again.stderr == "", again
    assert [x.split("=")[0] for x in again.stdout.splitlines()] == [
        "_goarchlab_watch", "_goarchlab_absent", "_goarchlab_stamp"], again.stdout
    # What the resolution read (the nearest .go-version), the directory holding it,
    # the store; nothing above the file that answered.
    assert f"'{cwd / '.go-version'}'" in again.stdout and f"'{cwd}'" in again.stdout
    assert f"'{act_home / 'toolchains'}'" in again.stdout
    assert str(tree / "mod" / "go.mod") not in again.stdout
    # Not installed: one line on stderr the first time, nothing with the key it gave.
    miss = proc.run([str(helper), "zsh", ""], env=env, timeout=30, cwd=tree / "miss")
    assert miss.ok and miss.stderr.count("\n") == 1 and "1.30.1" in miss.stderr, miss
    key = miss.stdout.rsplit("_goarchlab_key=", 1)[1].strip().strip("'")
    quiet = proc.run([str(helper), "zsh", key], env=env, timeout=30, cwd=tree / "miss")
    assert quiet.ok and quiet.stderr == "" and "export" not in quiet.stdout, quiet


def test_helper_stamp_is_a_second_early_and_old_ones_go(act_home, tree):
    helper = act_home / "shims" / shims.ACTIVATE
    stamps = act_home / "cache" / "activate"
    stamps.mkdir(parents=True)
    now = time.time()
    for name, age_days in (("stamp-gone", 40), ("stamp-kept", 2), ("other", 40)):
        (stamps / name).touch()
        os.utime(stamps / name, (now - age_days * 86400,) * 2)
    env = {"PATH": BASE_PATH, "HOME": str(tree)}
    r = proc.run([str(helper), "bash", "", ""], env=env, timeout=30, cwd=tree / "new")
    assert r.ok, r
    stamp = Path(re.search(r"^_goarchlab_stamp='(.*)'$", r.stdout, re.M).group(1))
    assert stamp.parent == stamps and stamp.name.startswith("stamp-"), stamp
    assert now - 1.5 < stamp.stat().st_mtime < now - 0.5 + (time.time() - now)
    assert sorted(x.name for x in stamps.iterdir()) == sorted(["stamp-kept", "other", stamp.name])
    # The same shell again: the same stamp, moved on; a path outside the stamp
    # directory is never touched.
    outsider = tree / "plain" / "stamp-x"
    outsider.touch()
    os.utime(outsider, (1e9, 1e9))
    for given, want in ((str(stamp), stamp), (str(outsider), None)):
        r = proc.run([str(helper), "bash", "", given], env=env, timeout=30, cwd=tree / "new")
        got = Path(re.search(r"^_goarchlab_stamp='(.*)'$", r.stdout, re.M).group(1))
        assert got == (want or got) and got.parent == stamps, r.stdout
    assert outsider.stat().st_mtime == 1e9
    # No stamp can be written (cache is a file): an empty one, and the hook runs the
    # helper on every prompt (test_hook_runs_the_helper_only_when_something_changed).
    shutil.rmtree(act_home / "cache")
    (act_home / "cache").write_text("not a directory")
    r = proc.run([str(helper), "bash", "", ""], env=env, timeout=30, cwd=tree / "new")
    assert r.ok and "_goarchlab_stamp=''" in r.stdout and r.stderr == "", r


def _counting_helper(home: Path, log: Path) -> None:
    """Replace the hook's helper by a script that logs each run and execs the real one
    (kept in the same directory, so that it finds the same home)."""
    helper = home / "shims" / shims.ACTIVATE
    real = home / "shims" / ".activate-real"
    helper.rename(real)
    helper.write_text(f"#!/bin/bash\necho run >> {shlex.quote(str(log))}\n"
                      f"exec -a {shims.ACTIVATE} {shlex.quote(str(real))} \"$@\"\n")
    helper.chmod(0o755)


def _age(root: Path) -> None:
    """Date every file and directory under root an hour back, as a project that was
    not just written (a path changed within the last second re-runs the helper)."""
    for d, dirs, files in os.walk(root):
        for x in [*dirs, *files]:
            os.utime(Path(d) / x, (time.time() - 3600,) * 2, follow_symlinks=False)
    os.utime(root, (time.time() - 3600,) * 2)


@pytest.mark.parametrize("shell", SHELLS)
def test_hook_runs_the_helper_only_when_something_changed(shell, act_home, tree, tmp_path,
                                                          go_old, go_new):
    log = tmp_path / "runs.log"
    _counting_helper(act_home, log)
    _age(tree)
    _age(act_home / "toolchains")
    p = _prompt(shell)
    mod, old = tree / "mod", tree / "mod" / "old"
    mark = lambda tag: f"echo {tag} >> {log}"  # noqa: E731
    lines = [
        f"cd {old}", p, mark("quiet"), *[p] * 6, mark("edit"),
        # An older file renamed over the one read (its mtime says nothing; the
        # directory's does).
        f"echo 1.27.3 > {tmp_path}/v", f"touch -d 2000-01-01 {tmp_path}/v",
        f"mv {tmp_path}/v {old}/.go-version", p, "echo @renamed", "command -v go",
        # Removed: go.mod's "go 1.27" answers.
        f"rm {old}/.go-version", p, "echo @removed", "command -v go",
        # Created where the resolution looked and found nothing.
        f"echo 1.22.10 > {mod}/.go-version", p, "echo @created", "command -v go",
        # The variable the resolution reads first.
        "set -gx GOARCHLAB_GO_VERSION 1.27.3" if shell == "fish"
        else "export GOARCHLAB_GO_VERSION=1.27.3", p, "echo @env", "command -v go",
        "set -e GOARCHLAB_GO_VERSION" if shell == "fish" else "unset GOARCHLAB_GO_VERSION",
        # A toolchain installed while in a directory that asks for it.
        f"cd {tree / 'miss'}", p, "echo @before", "command -v go",
        f"ln -s {go_new.goroot} {act_home / 'toolchains' / 'go1.30.1'}", p, "echo @installed",
        "command -v go",
        # A path changed within the second before a run runs it again at the next
        # prompt (the stamp's margin); a second later the prompts are quiet again.
        "sleep 1.2", p, mark("settled"), *[p] * 4, mark("end")]
    r = _session(shell, act_home, tmp_path, lines)
    got = _blocks(r.stdout)
    old_go = act_home / "toolchains" / go_old.goroot.name / "bin" / "go"
    new_go = act_home / "toolchains" / go_new.goroot.name / "bin" / "go"
    assert got["renamed"] == [str(new_go)], r
    assert got["removed"] == [str(new_go)], r
    assert got["created"] == [str(old_go)], r
    assert got["env"] == [str(new_go)], r
    assert got["before"] == [str(act_home / "shims" / "go")], r
    assert got["installed"] == [str(act_home / "toolchains" / "go1.30.1" / "bin" / "go")], r
    runs = log.read_text().split()
    # Prompts where nothing changed start no process; every change above ran it.
    assert runs[runs.index("quiet") + 1] == "edit", runs
    assert runs[runs.index("settled") + 1] == "end", runs
    assert runs.count("run") >= 7, runs


@pytest.mark.parametrize("shell", SHELLS)
def test_hook_without_a_stamp_still_activates(shell, act_home, tree, tmp_path, go_old):
    """The stamp deleted under a running shell, or none writable: the helper runs
    again (every prompt, in the second case) and the answer stays right."""
    log = tmp_path / "runs.log"
    _counting_helper(act_home, log)
    _age(tree)
    p = _prompt(shell)
    lines = [f"cd {tree / 'mod' / 'old'}", p, f"rm -r {act_home / 'cache'}",
             f"echo x > {act_home / 'cache'}", f"echo gone >> {log}", p, p, p,
             "echo @old", "command -v go"]
    r = _session(shell, act_home, tmp_path, lines)
    old_go = act_home / "toolchains" / go_old.goroot.name / "bin" / "go"
    assert _blocks(r.stdout)["old"] == [str(old_go)], r
    runs = log.read_text().split()
    assert runs[runs.index("gone"):].count("run") >= 3, runs
    assert "Traceback" not in r.stderr and "goarchlab:" not in r.stderr, r.stderr


def test_bash_prompt_command_kept_scalar_or_array(act_home, tree, tmp_path, go_old):
    old_bin = act_home / "toolchains" / go_old.goroot.name / "bin"
    lines = [f"cd {tree / 'mod' / 'old'}", "false", "", "echo @pc", "command -v go",
             "declare -p PROMPT_COMMAND"]
    # A scalar PROMPT_COMMAND (and the snippet evaluated twice, as a re-sourced .bashrc
    # does): the user's command still runs, the hook is added once, $? survives.
    scalar = _session("bash", act_home, tmp_path, lines,
                      pre="PROMPT_COMMAND='echo USER-PC'\n. ~/init.sh")
    got = _blocks(scalar.stdout)["pc"]
    assert got[0] == str(old_bin / "go"), scalar
    assert scalar.stdout.count("USER-PC") >= 3, scalar
    assert got[1].count("_goarchlab_activate") == 1, got
    assert "[1]> " in scalar.stderr, scalar.stderr
    v = proc.run(["bash", "-c", "echo ${BASH_VERSINFO[0]} ${BASH_VERSINFO[1]}"],
                 env={"PATH": BASE_PATH}, timeout=30).stdout.split()
    if (int(v[0]), int(v[1])) < (5, 1):
        pytest.skip("PROMPT_COMMAND arrays need bash 5.1")
    arr = _session("bash", act_home, tmp_path, lines,
                   pre="PROMPT_COMMAND=('echo USER-A' 'echo USER-B')\n. ~/init.sh")
    got = _blocks(arr.stdout)["pc"]
    assert got[0] == str(old_bin / "go"), arr
    assert got[1].startswith("declare -a") and got[1].count("_goarchlab_activate") == 1, got
    assert arr.stdout.count("USER-A") >= 3 and arr.stdout.count("USER-B") >= 3, arr


@pytest.mark.parametrize("shell", SHELLS)
def test_gotoolchain_local_while_active_and_user_value_kept(shell, act_home, tree, tmp_path):
    show = ["printenv GOTOOLCHAIN; or echo GOTOOLCHAIN-unset"]
    lines = [f"cd {tree / 'new'}", "echo @in", *show, f"cd {tree / 'plain'}", "echo @out",
             *show]
    r = _session(shell, act_home, tmp_path, _fix_or(shell, lines))
    got = _blocks(r.stdout)
    assert got["in"] == ["local"] and got["out"] == ["GOTOOLCHAIN-unset"], r
    r = _session(shell, act_home, tmp_path, _fix_or(shell, lines), env={"GOTOOLCHAIN": "auto"})
    got = _blocks(r.stdout)
    assert got["in"] == ["auto"] and got["out"] == ["auto"], r


@pytest.mark.parametrize("shell", SHELLS)
def test_snippet_parses(shell, act_home, tmp_path):
    f = tmp_path / f"init.{shell}"
    f.write_text(_snippet(shell, act_home))
    r = proc.run([shell, "-n", str(f)], env={"PATH": BASE_PATH}, timeout=30)
    assert r.ok and r.stderr == "", r


def test_doctor_says_which_mode_serves_go(act_home, tree, tmp_path, go_old):
    from goarchlab.doctor.checks_toolchains import check_shims
    from goarchlab.doctor.context import Context
    from goarchlab.doctor.model import Severity

    # The environment the real hook leaves in a project, and the one outside it.
    lines = [f"cd {tree / 'mod' / 'old'}", "echo @in", "printenv PATH",
             "printenv GOARCHLAB_ACTIVE", f"cd {tree / 'plain'}", "echo @out",
             "printenv PATH", "printenv GOARCHLAB_ACTIVE || echo none"]
    got = _blocks(_session("bash", act_home, tmp_path, lines).stdout)
    old_go = act_home / "toolchains" / go_old.goroot.name / "bin" / "go"
    env = {"GOARCHLAB_HOME": str(act_home), "PATH": got["in"][0],
           "GOARCHLAB_ACTIVE": got["in"][1]}
    [f] = check_shims(Context(env, tree / "mod" / "old"))
    assert (f.severity, f.title) == (Severity.OK, f"activated (prompt hook): go is {old_go}")
    assert got["out"][1] == "none"
    env = {"GOARCHLAB_HOME": str(act_home), "PATH": got["out"][0]}
    [f] = check_shims(Context(env, tree / "plain"))
    assert f.severity == Severity.OK and f.title.startswith("shims: "), f
    # Without the hook's variable the same PATH is a shadowed shim, as before.
    env = {"GOARCHLAB_HOME": str(act_home), "PATH": got["in"][0]}
    [f] = check_shims(Context(env, tree / "mod" / "old"))
    assert f.severity == Severity.WARN and "shadowed" in f.title, f
