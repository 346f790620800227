"""A decoder for streams of concatenated JSON objects.

``go list -json`` and ``go list -m -json`` print one JSON object after another
with no separator, which ``json.loads`` rejects. :func:`iter_objects` walks
the text with ``raw_decode`` so each object is yielded as soon as it is read,
in O(total size). :class:`ObjectStream` does the same on output still arriving
from the child, chunk by chunk.
"""

from __future__ import annotations

import codecs
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


class ObjectStream:
    """Decode concatenated JSON objects from bytes fed as they arrive.

    The go command indents its JSON (``json.MarshalIndent`` with a tab), so a
    top-level object ends at a line holding only ``}``: JSON strings cannot hold
    a raw newline, so nothing else looks like that. Text up to the last such line
    is decoded as soon as it is complete; the rest waits for more. Whatever the
    layout, :meth:`close` decodes what is left, so unindented input is decoded
    too, only later. Errors are :func:`iter_objects`'s.
    """

    def __init__(self, what: str = "go command output") -> None:
        self.what = what
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""

    def feed(self, chunk: bytes) -> list[Any]:
        """The objects completed by ``chunk`` (any size, split anywhere, even
        inside a UTF-8 sequence), in order."""
        text = self._pending + self._utf8.decode(chunk)
        cut = text.rfind("\n}\n")
        if cut < 0:
            self._pending = text
            return []
        self._pending = text[cut + 3:]
        return list(iter_objects(text[:cut + 2], what=self.what))

    def close(self) -> list[Any]:
        """The objects left at the end of the stream."""
        text, self._pending = self._pending + self._utf8.decode(b"", final=True), ""
        return list(iter_objects(text, what=self.what))
