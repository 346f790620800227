"""Every ``--timeout`` takes a finite number of seconds above 0, or the command stops
with a usage error (exit 2) before doing anything: 0, a negative or NaN used to
reach socket.settimeout and end in a ValueError traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMANDS = [
    ["toolchain", "install", "1.22"],
    ["toolchain", "list", "--remote"],
    ["doctor"],
    ["xbuild"],
    ["matrix"],
    ["bench", "cpu"],
]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "ten"])
@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w))
def test_bad_timeout_is_a_usage_error(words: list[str], value: str, tmp_path):
    p = subprocess.run([sys.executable, "-m", "goarchlab", *words, "--timeout", value],
                       capture_output=True, text=True, timeout=60, cwd=tmp_path,
                       env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                            "GOARCHLAB_HOME": str(tmp_path / "h")})
    assert p.returncode == 2, p.stderr
    assert "--timeout" in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 2  # the error and its hint
