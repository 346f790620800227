"""`toolchain exec`: the resolved toolchain, GOTOOLCHAIN, and the project's .env."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from goarchlab import proc


@pytest.fixture()
def project(tmp_path: Path, go_old) -> tuple[Path, Path]:
    """A home holding go1.22.10 (a link to the session's) and a module pinned to it."""
    home = tmp_path / "home"
    (home / "toolchains").mkdir(parents=True)
    (home / "toolchains" / go_old.goroot.name).symlink_to(go_old.goroot)
    mod = tmp_path / "mod"
    (mod / "sub").mkdir(parents=True)
    (mod / "go.mod").write_text("module example.com/m\n\ngo 1.22.1\n")
    return home, mod


def _exec(home: Path, cwd: Path, *argv: str, **env: str) -> proc.Completed:
    e = {"PATH": os.environ["PATH"], "HOME": str(cwd), "GOARCHLAB_HOME": str(home), **env}
    return proc.run([sys.executable, "-m", "goarchlab", "toolchain", "exec", "--", *argv],
                    env=e, timeout=120, cwd=cwd)


def test_exec_runs_the_resolved_toolchain_with_dotenv(project, go_old):
    home, mod = project
    (mod / ".env").write_text(
        "# godotenv syntax\n"
        "export GREETING=hello\n"
        'MSG="${GREETING} ${USER_PART}"\n'
        "LITERAL='${GREETING}'\n"
        "KEEP=from-file\n"
    )
    r = _exec(home, mod / "sub", "sh", "-c",
              'echo "$GOROOT|$GOTOOLCHAIN|$MSG|$LITERAL|$KEEP"; go version',
              USER_PART="world", KEEP="from-env")
    assert r.returncode == 0, r.stderr
    first, second = r.stdout.strip().splitlines()
    assert first == f"{home / 'toolchains' / 'go1.22.10'}|local|hello world|${{GREETING}}|from-env"
    assert second.startswith("go version go1.22.10 ")


def test_exec_keeps_a_user_gotoolchain_and_exit_code(project):
    home, mod = project
    r = _exec(home, mod, "go", "env", "GOTOOLCHAIN", GOTOOLCHAIN="path")
    assert (r.returncode, r.stdout.strip()) == (0, "path")
    r = _exec(home, mod, "go", "tool", "no-such-tool")
    assert r.returncode != 0


def test_malformed_dotenv_names_file_and_line(project):
    home, mod = project
    (mod / ".env").write_text("A=1\nthis line is wrong\n")
    r = _exec(home, mod, "go", "version")
    assert r.returncode == 3
    assert f"{mod / '.env'}:2: cannot parse a line that is not KEY=value" in \
        " ".join(r.stderr.split())
    assert "this line is wrong" not in r.stderr  # it could have been a pasted token
    assert "Traceback" not in r.stderr


def test_exec_without_a_command_is_a_usage_error(project):
    home, mod = project
    r = _exec(home, mod)
    assert r.returncode == 2 and "nothing to run" in r.stderr


def test_exec_passes_stdin_and_reports_a_signal_like_a_shell(project):
    """`go run .` reading its input, through exec (or a shim's first-use hand-over):
    stdin reaches the command, and death by SIGTERM exits 143, not 241."""
    home, mod = project
    e = {"PATH": os.environ["PATH"], "HOME": str(mod), "GOARCHLAB_HOME": str(home)}
    r = proc.run([sys.executable, "-m", "goarchlab", "toolchain", "exec", "--", "sh", "-c",
                  'read x; echo "got $x"; kill -TERM $$'],
                 env=e, timeout=120, cwd=mod, input="hello\n")
    assert r.stdout == "got hello\n", r.stderr
    assert r.returncode == 128 + 15
