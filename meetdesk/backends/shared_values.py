"""Equal small dicts shared between the rows of a list answer.

Most rooms of a server have the same settings (its defaults) and the same few column values: 100,000 copies
of a 10-key dict are ~40 MiB, one shared copy is nothing. Rooms are frozen and nothing changes their
``options`` or ``extra`` in place (a change makes a new dict), so sharing is safe.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

#: at most this many different dicts are remembered (then the memory starts over)
MAX_SHARED = 4096

_SHARED: dict[Hashable, dict[str, Any]] = {}


def _frozen(value: Any) -> Hashable:
    # the type is part of the key: True == 1 and 1 == 1.0, but a bool column must not become a number
    if isinstance(value, list | tuple):
        return type(value), tuple(_frozen(v) for v in value)
    hash(value)  # TypeError for what cannot be shared (dicts, sets): the caller keeps its own
    return type(value), value


def shared(values: dict[str, Any]) -> dict[str, Any]:
    """An equal dict given before (same keys in the same order, equal values of the same types), else
    ``values`` itself, remembered for the next rows."""
    try:
        key = tuple((k, _frozen(v)) for k, v in values.items())
    except TypeError:
        return values
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= MAX_SHARED:
            _SHARED.clear()
        found = _SHARED[key] = values
    return found
