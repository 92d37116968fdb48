"""JSON decoded in slices on the offload worker (``offload.py``): the standard library's C decoder, one list item
at a time, with :func:`offload.give_turn` between the items.

The C decoder holds the GIL for a whole body (30 ms for 7,000 OpenMeetings rooms); the standard library's
pure-Python scanner lets go of it but takes ten times as long (300 ms), all of it competing with the window's
thread. Here the containers down to the lists (``{"roomDTO": [...]}``, ``{"result": {"rooms_list": [...]}}``)
are walked in Python and each list item is decoded in C: ~1.7× the C decoder's time, and the GIL is held for
one item at a time.
"""

from __future__ import annotations

import json
import re

from meetdesk.backends.offload import give_turn

_decoder = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
#: objects are walked this deep (the top one is 1); lists met on the way are walked, their items decoded whole
OBJECT_DEPTH = 2


class _Walk:
    def __init__(self, text: str) -> None:
        self.text = text

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
            items.append(item)
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
            members[key], at = self.value(at, depth - 1)
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
