"""JSON decoded in slices on the offload worker (``offload.py``): the standard library's C decoder, one list item
at a time, with :func:`offload.give_turn` between the items.

The C decoder holds the GIL for a whole body (30 ms for 7,000 OpenMeetings rooms); the standard library's
pure-Python scanner lets go of it but takes ten times as long (300 ms), all of it competing with the window's
thread. Here the containers down to the lists (``{"roomDTO": [...]}``, ``{"result": {"rooms_list": [...]}}``)
are walked in Python and each list item is decoded in C: ~2× the C decoder's time, and the GIL is held for
one item at a time.

The C decoder shares the keys of all the objects it reads in one call (a memo); one call per item would give
every room its own copy of "id", "name", … — 2.3× the memory of the decoded answer, and each copy kept alive by
what the rows took from it (``benchmarks.memory_demo``: +80 MiB at 100,000 rooms). :func:`_shared` puts the keys
of the items' objects back to one string each.
"""

from __future__ import annotations

import json
import re

from meetdesk.backends.offload import give_turn

_decoder = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
#: objects are walked this deep (the top one is 1); lists met on the way are walked, their items decoded whole
OBJECT_DEPTH = 2


def _shared(value: object, keys: dict[str, str]) -> object:
    """``value`` with the keys of its objects (at any depth) taken from ``keys``, where a new one is added."""
    if isinstance(value, dict):
        return {keys.setdefault(k, k): _shared(v, keys) if isinstance(v, dict | list) else v
                for k, v in value.items()}
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict | list):
                value[i] = _shared(item, keys)
    return value


class _Walk:
    def __init__(self, text: str) -> None:
        self.text = text
        self.keys: dict[str, str] = {}

    def skip(self, at: int) -> int:
        return _SPACE.match(self.text, at).end()  # type: ignore[union-attr]  # the pattern matches anywhere

    def expect(self, at: int, what: str) -> int:
        if self.text.startswith(what, at):
            return self.skip(at + 1)
        raise json.JSONDecodeError(f"Expecting {what!r}", self.text, at)

    def value(self, at: int, depth: int) -> tuple[object, int]:
        at = self.skip(at)
        first = self.text[at:at + 1]
        if first == "[" and depth >= 0:
            return self.array(at)
        if first == "{" and depth > 0:
            return self.object(at, depth)
        return _decoder.raw_decode(self.text, at)

    def array(self, at: int) -> tuple[list[object], int]:
        items: list[object] = []
        at = self.skip(at + 1)
        if self.text.startswith("]", at):
            return items, at + 1
        while True:
            item, at = _decoder.raw_decode(self.text, at)
            items.append(_shared(item, self.keys) if isinstance(item, dict | list) else item)
            at = self.skip(at)
            if self.text.startswith("]", at):
                return items, at + 1
            at = self.expect(at, ",")
            give_turn()

    def object(self, at: int, depth: int) -> tuple[dict[str, object], int]:
        members: dict[str, object] = {}
        at = self.skip(at + 1)
        if self.text.startswith("}", at):
            return members, at + 1
        while True:
            if not self.text.startswith('"', at):
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", self.text, at)
            key, at = _decoder.raw_decode(self.text, at)
            at = self.expect(self.skip(at), ":")
            value, at = self.value(at, depth - 1)
            members[self.keys.setdefault(key, key)] = value
            at = self.skip(at)
            if self.text.startswith("}", at):
                return members, at + 1
            at = self.expect(at, ",")
            give_turn()


def loads(text: str) -> object:
    """``json.loads(text)`` (same result, same errors: ``json.JSONDecodeError``), letting the event loop have its
    turns meanwhile when run as an offload job."""
    walk = _Walk(text)
    value, end = walk.value(0, OBJECT_DEPTH)
    if walk.skip(end) != len(text):
        raise json.JSONDecodeError("Extra data", text, walk.skip(end))
    return value
