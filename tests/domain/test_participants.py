"""FieldKind.PARTICIPANTS: people as name + e-mail address, from forms, stored meetings and the command line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec
from meetdesk.domain.people import format_participants, parse_participants

SPEC = FieldSpec("invited", "Invited participants", FieldKind.PARTICIPANTS)


def test_text_form_with_and_without_names() -> None:
    assert SPEC.parse("Ada Lovelace <ada@example.org>;\n bob@example.org ; \"Lovelace, Ada\" <ada2@example.org>") == [
        {"name": "Ada Lovelace", "email": "ada@example.org"}, {"name": "", "email": "bob@example.org"},
        {"name": "Lovelace, Ada", "email": "ada2@example.org"}]
    assert SPEC.parse("") == [] and SPEC.parse([]) == []


def test_lists_of_dicts_and_pairs() -> None:
    assert SPEC.parse([{"name": " Ada ", "email": "ada@example.org"}, ("Bob", "bob@example.org")]) == [
        {"name": "Ada", "email": "ada@example.org"}, {"name": "Bob", "email": "bob@example.org"}]


@pytest.mark.parametrize(("raw", "says"), [
    ("Ada <ada@>", "“ada@” is not an e-mail address"),
    ([{"name": "Ada", "email": ""}], "person 1 (Ada) has no e-mail address"),
    ("a@example.org; A@EXAMPLE.ORG", "listed twice"),
    ([42], "is not a name and an e-mail address"),
    (7, "must be a list of people"),
])
def test_refusals_name_the_field(raw: object, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SPEC.parse(raw)
    assert says in caught.value.message and caught.value.field == "invited"


names = st.text(alphabet=st.characters(blacklist_characters="<>;\n\r\"", blacklist_categories=("Cs", "Cc")),
                max_size=20).map(str.strip)
emails = st.from_regex(r"[a-z0-9._%+-]{1,10}@[a-z0-9-]{1,10}\.[a-z]{2,6}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, emails), max_size=6, unique_by=lambda p: p[1].casefold()))
def test_format_and_parse_round_trip(people: list[tuple[str, str]]) -> None:
    parsed = parse_participants([{"name": n, "email": e} for n, e in people])
    assert parse_participants(format_participants(parsed)) == parsed
