"""A placeholder must not look like a filled-in value: an example says "e.g.", a hint is a sentence."""

from __future__ import annotations

import re

import pytest

from meetdesk.backends.base import available_kinds, provider_class
from meetdesk.domain.fields import FieldKind, FieldSpec
from meetdesk.ui.composer.participant import PARTICIPANT_FIELDS


def looks_like_a_value(text: str) -> bool:
    text = text.strip()
    if not text or text.lower().startswith("e.g.") or "…" in text:
        return False
    if re.fullmatch(r"[A-Z#/:. -]+", text):  # a format such as YYYY-MM-DD or #RRGGBB: plainly not a value
        return False
    return len(text.split()) < 3  # "admin", "Europe/Berlin", "https://example.org/x": a value, not a hint


def all_specs(kind: str) -> list[FieldSpec]:
    cls = provider_class(kind)
    specs: list[FieldSpec] = []
    for attr in ("fields", "connection_fields", "room_fields", "meeting_fields", "join_fields"):
        value = getattr(cls, attr, ())
        if isinstance(value, list | tuple):
            specs.extend(s for s in value if isinstance(s, FieldSpec))
    return specs


@pytest.mark.parametrize("kind", available_kinds())
def test_back_end_placeholders_do_not_look_like_values(kind: str) -> None:
    bad = [(s.key, s.placeholder) for s in all_specs(kind)
           if s.kind is not FieldKind.INT and looks_like_a_value(s.placeholder)]
    assert bad == []


def test_participant_placeholders_do_not_look_like_values() -> None:
    assert [s.placeholder for s in PARTICIPANT_FIELDS if looks_like_a_value(s.placeholder)] == []
