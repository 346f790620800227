"""Loading a project's ``.env`` for ``toolchain exec``, by godotenv's rules.

python-dotenv does the parsing. Two godotenv rules it does not follow by
default are applied here: variables already in the environment win over the
file (godotenv.Load never overrides), and single-quoted values are taken
literally (no ``${VAR}`` expansion). A line python-dotenv cannot parse is an
error that names the file, line and key, instead of the warning it would log;
never the value (a password, usually), which goarchlab.redact also learns so
that no later output shows it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

from dotenv.parser import parse_stream
from dotenv.variables import parse_variables

from goarchlab import redact
from goarchlab.errors import GoarchlabError

_SINGLE_QUOTED = re.compile(r"^\s*(?:export\s+)?(?:'[^']*'|[^=\s#]+)\s*=\s*'")
# The key of a line that does not parse: what precedes its first '=' (or ':').
_KEY = re.compile(r"\s*(?:export\s+)?['\"]?([\w.-]{1,60})['\"]?\s*[=:]")


def find(cwd: Path) -> Path | None:
    """The project's ``.env``: in ``cwd`` or the nearest parent holding go.mod/go.work."""
    d = cwd.resolve()
    while True:
        if (d / ".env").is_file():
            return d / ".env"
        if (d / "go.mod").is_file() or (d / "go.work").is_file() or d.parent == d:
            return None
        d = d.parent


def load(path: Path, base: Mapping[str, str]) -> dict[str, str]:
    """The variables ``path`` defines, expanded against ``base`` and earlier lines.

    Keys already in ``base`` are left out (the environment wins). Raises
    GoarchlabError naming ``path:line`` for a line that does not parse.
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise GoarchlabError(f"cannot read {path}: {e}", "check the file") from e
    out: dict[str, str] = {}
    for b in parse_stream(io.StringIO(text)):
        if b.error:
            raw = b.original.string
            m = _KEY.match(raw)
            redact.remember_dotenv(m.group(1) if m else "",
                                   raw[m.end():].strip().strip("\"'") if m else raw.strip())
            what = (f"the line of {m.group(1)} (its value is not shown)" if m
                    else "a line that is not KEY=value (its text is not shown)")
            raise GoarchlabError(
                f"{path}:{b.original.line}: cannot parse {what}",
                "write KEY=value, KEY=\"value\" or KEY='value' (godotenv syntax; an opening "
                "quote needs its closing one)",
            )
        if b.key is None or b.value is None:
            continue  # a comment, a blank line, or a bare KEY without '='
        if _SINGLE_QUOTED.match(b.original.string):
            value = b.value
        else:
            scope = {**out, **base}
            value = "".join(a.resolve(scope) for a in parse_variables(b.value))
        out[b.key] = value
        redact.remember_dotenv(b.key, value)
    return {k: v for k, v in out.items() if k not in base}
