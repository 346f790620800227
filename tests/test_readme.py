"""The README's code cannot rot: its tested blocks run here as a user would type them.

A fenced block right after a ``<!-- readme-test -->`` line is a shell session:
``$ command`` lines are run one after another in one bash process (so ``cd``
and ``eval "$(goarchlab shell-init bash)"`` carry over), each must exit 0,
and the lines under a command are the output it must print, in order: ``…``
inside a line matches any text, and a line ``...`` matches any number of
lines (benchstat's and Go's example tests work the same way: the text in the
document is what the program prints).

The Quick start's first command is run as written with the distribution's
own ``python3`` (Debian 12's here) in a fresh copy of the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARK = "<!-- readme-test -->"


def readme_blocks(text: str) -> list[tuple[int, list[str]]]:
    """(line number, lines) of each fenced block that follows a MARK line."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.strip() != MARK:
            continue
        assert lines[i + 1].startswith("```"), f"README.md:{i + 1}: {MARK} must precede a fence"
        end = next(j for j in range(i + 2, len(lines)) if lines[j].startswith("```"))
        out.append((i + 2, lines[i + 2:end]))
    return out


def session(lines: list[str]) -> list[tuple[str, list[str]]]:
    """The block as (command, expected output lines) pairs."""
    steps: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before the first command: {line!r}"
            steps[-1][1].append(line)
    return steps


def _pattern(line: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(p) for p in line.rstrip().split("…")) + r"\s*")


def mismatch(expected: list[str], actual: list[str]) -> str | None:
    """None when ``actual`` matches ``expected`` (see the module docstring), else why not."""

    def match(e: int, a: int) -> bool:
        if e == len(expected):
            return a == len(actual)
        if expected[e] == "...":
            return any(match(e + 1, k) for k in range(a, len(actual) + 1))
        return a < len(actual) and bool(_pattern(expected[e]).fullmatch(actual[a])) and \
            match(e + 1, a + 1)

    if match(0, 0):
        return None
    return "expected:\n  " + "\n  ".join(expected) + "\ngot:\n  " + "\n  ".join(actual)


def test_matcher_is_strict():
    assert mismatch(["a …", "..."], ["a b", "c", "d"]) is None
    assert mismatch(["a …"], ["a b", "c"]) is not None  # an unexpected extra line
    assert mismatch(["x", "...", "z"], ["x", "z"]) is None
    assert mismatch(["x", "z"], ["x", "y", "z"]) is not None
    assert mismatch(["go1.27.3 …"], ["go1.22.10 x"]) is not None


def test_readme_has_readme_blocks_and_two_command_quick_start():
    text = README.read_text("utf-8")
    assert len(text.encode()) <= 16_000
    assert readme_blocks(text), "no tested block in README.md"
    quick = text.split("## Quick start", 1)[1].split("```", 2)[1].strip().splitlines()
    assert len(quick) == 2 and "goarchlab doctor" in quick[0] and quick[1] == "bash .ci/run"


@pytest.fixture()
def user(tmp_path: Path, go_new, go_caches) -> dict[str, str]:
    """A new user's environment: an empty HOME, a GOARCHLAB_HOME that already holds
    the session's go1.27.3 (so 'toolchain install' needs no network), the
    session's Go caches, and a ``goarchlab`` command running this checkout."""
    gh = tmp_path / "goarchlab-home"
    (gh / "toolchains").mkdir(parents=True)
    (gh / "toolchains" / go_new.goroot.name).symlink_to(go_new.goroot)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    cmd = bin_dir / "goarchlab"
    cmd.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m goarchlab "$@"\n')
    cmd.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": os.pathsep.join([str(bin_dir), os.environ["PATH"]]),
        "HOME": str(home),
        "GOARCHLAB_HOME": str(gh),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                    os.environ.get("PYTHONPATH")])),
        "LANG": "C.UTF-8",
        "COLUMNS": "200",
        **go_caches,
    }


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(readme_blocks(README.read_text("utf-8")))))
def test_readme_block_runs_as_written(index: int, user: dict[str, str], tmp_path: Path):
    start, lines = readme_blocks(README.read_text("utf-8"))[index]
    steps = session(lines)
    script = ["set -u"]
    for i, (cmd, _) in enumerate(steps):
        script += [f"printf '\\n@@@ {i}\\n'", f"{{ {cmd}\n}} 2>&1",
                   f"printf '\\n@@@rc {i} %s\\n' $?"]
    work = tmp_path / "work"
    work.mkdir()
    p = subprocess.run(["bash", "-c", "\n".join(script)], cwd=work, env=user,
                       capture_output=True, text=True, timeout=600)
    out = p.stdout
    for i, (cmd, expected) in enumerate(steps):
        body = out.split(f"\n@@@ {i}\n", 1)[1].split(f"\n@@@rc {i} ", 1)
        rc = int(body[1].split("\n", 1)[0])
        actual = body[0].splitlines()
        where = f"README.md:{start} `$ {cmd}`"
        assert rc == 0, f"{where} exited {rc}:\n{body[0]}"
        why = mismatch(expected, actual)
        assert why is None, f"{where}\n{why}"
    assert "go1.27.3" in out  # the session's go_new answered, not some other Go


@pytest.mark.slow
def test_quick_start_installs_with_the_distributions_python(tmp_path: Path):
    """The first Quick start line, word for word, in a fresh copy of the repository,
    with the system's python3 (Debian 12's 3.11.2 on this machine) first on PATH."""
    text = README.read_text("utf-8")
    line = text.split("## Quick start", 1)[1].split("```", 2)[1].strip().splitlines()[0]
    system_py = Path("/usr/bin/python3")
    if not system_py.exists():  # macOS runners: Homebrew's python3 is on PATH already
        system_py = Path(shutil.which("python3") or sys.executable)
    clone = tmp_path / "goarchlab"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for f in filter(None, files):
        if (ROOT / f).is_file():
            (clone / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, clone / f)
    env = {
        "PATH": os.pathsep.join([str(system_py.parent), os.environ["PATH"]]),
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "GOARCHLAB_HOME": str(tmp_path / "goarchlab-home"),
    }
    p = subprocess.run(["bash", "-c", line], cwd=clone, env=env, capture_output=True,
                       text=True, timeout=900)
    # doctor exits 1 when it finds an error (here: no Go at all on PATH); it must have run.
    assert p.returncode in (0, 1), p.stdout + p.stderr
    assert re.search(r"\d+ errors?, \d+ warnings?, .* from \d+ checks", p.stdout), p.stdout
    assert "Traceback" not in p.stderr
    assert "goarchlab toolchain install" in p.stdout  # no Go: it offers one
    venv_py = clone / ".venv" / "bin" / "python3"
    version = subprocess.run([venv_py, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout
    base = subprocess.run([system_py, "-c", "import sys; print(sys.version_info[:2])"],
                          capture_output=True, text=True, check=True).stdout
    assert version == base
