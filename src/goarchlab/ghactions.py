"""GitHub Actions building blocks shared by ``matrix --emit`` and ``bench --emit``.

One small YAML writer (:func:`dump`), the hosted runner labels, the pinned
majors of GitHub's own actions and the steps every emitted job shares
(install Python, install goarchlab). A base module: it imports nothing of
goarchlab's, so both feature packages may use it (they may not import each
other).

The YAML is written here, not with a YAML library (none is a runtime
dependency): workflows are plain mappings, lists, strings, numbers and
booleans. A string that could be read as anything but itself is written as a
JSON string, which is valid YAML; a multi-line string is a literal block.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence

# Pinned majors of GitHub's own actions, each the current major when checked
# (2026) and each running on Node 24 (GitHub forces Node 20 actions onto Node 24
# from June 2026 and removes Node 20 in September 2026):
# - checkout v6: v5.0.0 moved to `runs.using: node24` (actions/checkout#2226,
#   README "Checkout v5: Updated to the node24 runtime"); v6 is the current
#   major (v6.0.0 .. v6.0.3: credentials kept under $RUNNER_TEMP).
# - setup-python v6: v6.0.0 "Breaking Changes: Upgrade to node 24"
#   (actions/setup-python#1164).
# - upload-artifact v7: v5 had only "preliminary" Node 24 support, v6.0.0 is
#   the first with `runs.using: node24` (actions/upload-artifact#745); v7 is the
#   current major (v7.0.1, April 2026; adds `archive: false`).
# - download-artifact v8: v7.0.0 is the first with `runs.using: node24`; v8 is
#   the current major (v8.0.1, March 2026), the one download-artifact's README
#   pairs with upload-artifact@v7 (it checks digests, and leaves non-zipped
#   uploads as they are). Inputs used here (name, path, pattern, merge-multiple,
#   if-no-files-found) are unchanged across these majors.
# Go itself is installed by goarchlab (toolchain install), not actions/setup-go.
CHECKOUT = "actions/checkout@v6"
SETUP_PYTHON = "actions/setup-python@v6"
UPLOAD = "actions/upload-artifact@v7"
DOWNLOAD = "actions/download-artifact@v8"

# GitHub-hosted runner labels (GitHub's "GitHub-hosted runners" reference, 2026;
# all known to actionlint v1.7.12): macos-15 is Apple Silicon (arm64; macos-14
# is being retired), macos-15-intel the last x86_64 macOS image,
# ubuntu-24.04-arm an arm64 Linux VM.
LINUX_AMD64 = "ubuntu-24.04"
LINUX_ARM64 = "ubuntu-24.04-arm"
MACOS_ARM64 = "macos-15"
MACOS_AMD64 = "macos-15-intel"

#: The workflow-level variable holding the pip requirement that installs goarchlab.
SPEC_VAR = "GOARCHLAB_SPEC"
#: goarchlab is not on PyPI: the default requirement is a placeholder URL that the
#: user replaces (--goarchlab-spec) or overrides with a repository variable.
DEFAULT_SPEC = "git+https://github.com/OWNER/goarchlab@main"

# A plain scalar: no YAML indicator first, none of ": " " #" inside, no edge spaces.
_PLAIN = re.compile(r"^[A-Za-z_./](?:[A-Za-z0-9_./@+, -]*[A-Za-z0-9_./@+-])?$")
# Words YAML 1.1 readers (PyYAML, older tools) turn into booleans or null.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(value: object) -> str:
    """One YAML scalar for a str, bool, int or float (None: the empty value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if not isinstance(value, str):
        raise TypeError(f"no YAML scalar for {type(value).__name__}")
    if _PLAIN.match(value) and value.lower() not in _RESERVED:
        return value
    return json.dumps(value)


def _block(text: str, indent: str) -> str:
    """A literal block scalar; ``|`` keeps one final newline, ``|-`` none."""
    head = "|" if text.endswith("\n") else "|-"
    body = "".join(f"{indent}{ln}\n" if ln else "\n" for ln in text.rstrip("\n").split("\n"))
    return f"{head}\n{body}"


def _value(value: object, indent: str) -> str:
    """Text after ``key:`` or ``- ``: a scalar on the line, or a nested block."""
    if isinstance(value, Mapping):
        return "{}\n" if not value else "\n" + _mapping(value, indent + "  ")
    if isinstance(value, list | tuple):
        return "[]\n" if not value else "\n" + _sequence(value, indent + "  ")
    if isinstance(value, str) and "\n" in value:
        return " " + _block(value, indent + "  ")
    text = scalar(value)
    return (" " + text if text else "") + "\n"


def _mapping(doc: Mapping, indent: str) -> str:
    out = []
    for key, value in doc.items():
        if not isinstance(key, str) or not _PLAIN.match(key) or " " in key:
            raise ValueError(f"unexpected key {key!r}")
        out.append(f"{indent}{key}:{_value(value, indent)}")
    return "".join(out)


def _sequence(items: Sequence, indent: str) -> str:
    out = []
    for item in items:
        if isinstance(item, Mapping) and item:
            # The first key shares the dash's line; the others align under it.
            first = _mapping(item, indent + "  ")
            out.append(f"{indent}- {first[len(indent) + 2:]}")
        else:
            out.append(f"{indent}-{_value(item, indent)}")
    return "".join(out)


def dump(doc: Mapping, comments: Sequence[str] = ()) -> str:
    """``doc`` as YAML text: block style, keys in the given order, ``comments``
    first (one ``# `` line each), top-level keys separated by a blank line."""
    head = "".join(f"# {c}\n" for c in comments)
    parts = [_mapping({k: v}, "") for k, v in doc.items()]
    return head + "\n".join(parts)


def shell_join(argv: Sequence[str]) -> str:
    """``argv`` as one POSIX shell command line (each word quoted when needed)."""
    return " ".join(shlex.quote(a) for a in argv)


def install_steps(python: str) -> list[dict]:
    """Set up Python ``python`` (e.g. ``3.12``) and pip-install ``$GOARCHLAB_SPEC``."""
    check = (f'if [ "${SPEC_VAR}" = {shlex.quote(DEFAULT_SPEC)} ]; then\n'
             f'  echo "::error::set the repository variable {SPEC_VAR} to a pip requirement '
             'that installs goarchlab (e.g. git+https://github.com/ORG/goarchlab@v0.1.0)"\n'
             "  exit 1\n"
             "fi\n")
    return [
        {"uses": SETUP_PYTHON, "with": {"python-version": python}},
        {"name": "Install goarchlab", "shell": "bash",
         "run": check + f'python -m pip install --disable-pip-version-check "${SPEC_VAR}"\n'},
    ]


def spec_env(spec: str) -> dict[str, str]:
    """The workflow-level ``env`` entry: a repository variable GOARCHLAB_SPEC
    (Settings > Variables) overrides ``spec`` without editing the file."""
    return {SPEC_VAR: f"${{{{ vars.{SPEC_VAR} || {_expr_str(spec)} }}}}"}


def _expr_str(s: str) -> str:
    """A string literal of GitHub's expression language (single quotes, '' escapes)."""
    return "'" + s.replace("'", "''") + "'"


def replay_argv(parser, ns, skip: set[str]) -> list[str]:
    """The options and operands of ``ns`` (parsed by argparse ``parser``) that differ
    from their defaults, as words that parse back to the same values; ``skip``:
    destinations to leave out (``emit``, ``json`` ...). For a generated workflow
    that runs "the same command" elsewhere."""
    import argparse

    words: list[str] = []
    operands: list[str] = []
    for action in parser._actions:  # argparse's own list of what it parses
        dest = action.dest
        if dest in skip or dest.startswith("_") or isinstance(action, argparse._HelpAction):
            continue
        value = getattr(ns, dest, action.default)
        if value == action.default or value is None:
            continue
        if not action.option_strings:
            operands += [str(v) for v in (value if isinstance(value, list) else [value])]
            continue
        flag = next((o for o in action.option_strings if o.startswith("--")),
                    action.option_strings[0])
        if action.nargs == 0:
            words.append(flag)  # store_true and its kin
        else:
            for v in value if isinstance(action, argparse._AppendAction) else [value]:
                # --vs=-race: a value that looks like an option stays attached.
                words += [f"{flag}={v}"] if str(v).startswith("-") else [flag, str(v)]
    return operands + words
