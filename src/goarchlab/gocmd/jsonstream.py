"""A decoder for streams of concatenated JSON objects.

``go list -json`` and ``go list -m -json`` print one JSON object after another
with no separator, which ``json.loads`` rejects. :func:`iter_objects` walks
the text with ``raw_decode`` so each object is yielded as soon as it is read,
in O(total size).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from goarchlab.errors import GoarchlabError

_DECODER = json.JSONDecoder()


def iter_objects(text: str, *, what: str = "go command output") -> Iterator[Any]:
    """Yield each top-level JSON value of ``text`` in order.

    Raises GoarchlabError naming the character offset when the text is not a
    sequence of JSON values separated by whitespace.
    """
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return
        try:
            obj, i = _DECODER.raw_decode(text, i)
        except json.JSONDecodeError as e:
            raise GoarchlabError(
                f"{what} is not valid JSON at offset {e.pos}: {e.msg}",
                "run the same go command by hand to see its output",
            ) from e
        yield obj
