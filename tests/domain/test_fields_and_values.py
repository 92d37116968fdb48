from __future__ import annotations

import pytest

from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.values import is_loopback_host, parse_bool, validate_url

SPECS = (
    FieldSpec("title", "Title", required=True),
    FieldSpec("max", "Max participants", FieldKind.INT, minimum=0, maximum=500),
    FieldSpec("public", "Public", FieldKind.BOOL),
    FieldSpec("type", "Room type", FieldKind.CHOICE, choices=(("conference", "Conference"), ("webinar", "Webinar"))),
    FieldSpec("hide", "Hidden", FieldKind.MULTI_CHOICE, choices=(("chat", "Chat"), ("files", "Files"))),
    FieldSpec("logout", "Logout URL", FieldKind.HTTPS_URL),
    FieldSpec("color", "Colour", FieldKind.COLOR),
)


def test_parse_options_types_values() -> None:
    out = parse_options(SPECS, {"title": " Board ", "max": "25", "public": "yes", "type": "webinar",
                                "hide": "chat,files", "logout": "https://x.org/bye", "color": "abc"})
    assert out == {"title": "Board", "max": 25, "public": True, "type": "webinar", "hide": ["chat", "files"],
                   "logout": "https://x.org/bye", "color": "#AABBCC"}


@pytest.mark.parametrize(("raw", "field", "fragment"), [
    ({"title": "t", "max": "many"}, "max", "whole number"),
    ({"title": "t", "max": "501"}, "max", "at most 500"),
    ({"title": "t", "public": "perhaps"}, "public", "yes or no"),
    ({"title": "t", "type": "party"}, "type", "one of"),
    ({"title": "t", "hide": "chat,video"}, "hide", "video"),
    ({"title": "t", "logout": "http://x.org"}, "logout", "https://"),
    ({"title": "t", "color": "red"}, "color", "hex colour"),
    ({"max": "3"}, "title", "required"),
    ({"title": "t", "bogus": "1"}, "bogus", "Unknown option"),
])
def test_parse_options_errors_name_the_field(raw: dict[str, str], field: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_options(SPECS, raw)
    assert info.value.field == field
    assert fragment in info.value.message


def test_parse_options_non_strict_ignores_unknown() -> None:
    assert parse_options(SPECS, {"title": "x", "bogus": 1}, strict=False) == {"title": "x"}


@pytest.mark.parametrize("url", ["ftp://x.org", "example.org", "https://", "https://exa mple.org", "https://x:99999"])
def test_validate_url_rejects(url: str) -> None:
    with pytest.raises(ValidationError):
        validate_url(url, field="base_url")


def test_validate_url_and_loopback() -> None:
    assert validate_url(" https://meet.example.org/conference/ ") == "https://meet.example.org/conference/"
    assert is_loopback_host("127.0.0.1") and is_loopback_host("localhost") and is_loopback_host("[::1]")
    assert not is_loopback_host("meet.example.org") and not is_loopback_host("10.0.0.1")
    assert parse_bool("On") is True and parse_bool("0") is False


def test_a_choice_error_names_the_empty_choice_instead_of_showing_nothing() -> None:
    lang = FieldSpec("lang", "Interface language", FieldKind.CHOICE,
                     choices=(("", "The browser's language"), ("en", "English"), ("de", "German")))
    with pytest.raises(ValidationError) as info:
        parse_options((lang,), {"lang": "xx"})
    message = info.value.message
    assert "one of: en, de or empty (the browser's language); not “xx”" in message, message
    assert ": ," not in message
    assert parse_options((lang,), {"lang": ""}) == {"lang": ""}
