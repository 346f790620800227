"""Result trees as JSON-ready values (the data, not the text).

Base layer: render prints the JSON envelope of a result, and feature code (bench
stores its results as JSON) needs the same form without importing render.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
from pathlib import PurePath
from typing import Any


@functools.cache
def _public_fields(cls: type) -> tuple[str, ...]:
    # Asked once per class, not per object: a report holds thousands of them.
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_"))


def to_jsonable(obj: Any) -> Any:
    """Convert a result tree to JSON-ready values.

    Dataclasses become objects of their fields (``_``-prefixed fields are
    skipped), paths and enums become strings, tuples lists, non-finite floats null,
    and any object with a ``to_json()`` method is asked for its own form.
    """
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_jsonable(getattr(obj, name)) for name in _public_fields(type(obj))}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [to_jsonable(v) for v in obj]
        return sorted(items, key=str) if isinstance(obj, (set, frozenset)) else items
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
