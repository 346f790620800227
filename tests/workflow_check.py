"""Checks shared by the tests of generated and committed GitHub Actions workflows:
parse the YAML, find every goarchlab command line in the run scripts, and parse
each with goarchlab's own argument parser."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path

import yaml

from goarchlab import proc
from goarchlab.cli import build_parser

# Where a shell command line ends (redirections and operators that follow it).
_ENDS = {">", ">>", "||", "&&", "|", ";", "2>"}


def load(text: str) -> dict:
    """The workflow as data. YAML 1.1 reads the key ``on`` as True: put it back."""
    doc = yaml.safe_load(text)
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


def steps(doc: Mapping) -> Iterator[tuple[str, dict, dict]]:
    """(job id, job, step) for every step of every job."""
    for job_id, job in doc["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, job, step


def command_lines(script: str, program: str = "goarchlab") -> list[list[str]]:
    """Each command of ``script`` that runs ``program``, as its words up to the
    first redirection or shell operator (``$VAR`` words are kept as they are)."""
    out = []
    for line in script.splitlines():
        line = line.strip()
        if not line.startswith(program + " "):
            continue
        lex = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
        lex.whitespace_split = True
        words = []
        for w in lex:
            if w in _ENDS:
                break
            words.append(w)
        out.append(words)
    return out


def parse(words: list[str], values: Mapping[str, str]) -> argparse.Namespace:
    """Parse one goarchlab command line with goarchlab's parser, ``$NAME`` words
    replaced by ``values[NAME]`` (the value the runner would give them)."""
    assert words[0] == "goarchlab", words
    argv = [values.get(w[1:], w) if w.startswith("$") else w for w in words[1:]]
    return build_parser().parse_args(argv)


def lint(actionlint: Path, path: Path, env: Mapping[str, str]) -> None:
    """actionlint accepts ``path`` (assertion with its messages otherwise)."""
    r = proc.run([str(actionlint), "-no-color", str(path)], env=dict(env), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
