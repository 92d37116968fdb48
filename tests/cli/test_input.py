"""Command-line input parsing: KEY=VALUE pairs, options, dates, secrets."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest

from meetdesk.cli.input import in_sentence, parse_cli_options, parse_pairs, parse_timezone, parse_when, read_secret
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec

SPECS = (FieldSpec("capacity", "Capacity", FieldKind.INT, minimum=1), FieldSpec("public", "Public", FieldKind.BOOL),
         FieldSpec("topic", "Topic"))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_parse_pairs_keeps_equals_in_values_and_refuses_missing_ones() -> None:
    assert parse_pairs(["a=1", "b=x=y", "a=2", "c="], flag="--option") == {"a": "2", "b": "x=y", "c": ""}
    assert parse_pairs(None, flag="--option") == {}
    for bad in ("novalue", "=x"):
        with pytest.raises(ValidationError, match="--option expects KEY=VALUE"):
            parse_pairs([bad], flag="--option")


def test_options_are_typed_unknown_ones_listed_and_current_values_kept() -> None:
    assert parse_cli_options(SPECS, {"capacity": "12", "public": "yes"}) == {"capacity": 12, "public": True}
    with pytest.raises(ValidationError, match="Known options: capacity, public, topic"):
        parse_cli_options(SPECS, {"colour": "red"})
    with pytest.raises(ValidationError, match="at least 1"):
        parse_cli_options(SPECS, {"capacity": "0"})
    current = {"capacity": 20, "public": False, "server_only": "x"}
    assert parse_cli_options(SPECS, {"topic": "Plan"}, current=current) == {"capacity": 20, "public": False,
                                                                             "topic": "Plan"}


def test_parse_when_reads_naive_times_in_the_given_zone_and_bare_dates_as_days() -> None:
    berlin = parse_timezone("Europe/Berlin")
    value = parse_when("2030-01-15T09:30", flag="--start", zone=berlin)
    assert value.utcoffset() == timedelta(hours=1)
    assert parse_when("2030-01-15T09:30Z", flag="--start") == datetime.fromisoformat("2030-01-15T09:30+00:00")
    assert parse_when("2030-01-15 09:30+02:00", flag="--start").utcoffset() == timedelta(hours=2)
    local = parse_when("2030-01-15T09:30", flag="--start")
    assert local.tzinfo is not None  # the computer's zone, never naive
    start = parse_when("2030-01-15", flag="--from", zone=berlin)
    end = parse_when("2030-01-15", flag="--to", zone=berlin, end_of_day=True)
    assert (start.hour, start.minute) == (0, 0) and end - start == timedelta(days=1)
    with pytest.raises(ValidationError, match="--start must be a date"):
        parse_when("tomorrow", flag="--start")
    with pytest.raises(ValidationError, match="time zone"):
        parse_timezone("Europe/Atlantis")


def test_read_secret_from_stdin_from_a_prompt_or_not_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_secret("Password", from_stdin=True, profile="P", stdin=io.StringIO("pa ss\r\nnext\n")) == "pa ss"
    with pytest.raises(ValidationError, match="No password arrived"):
        read_secret("Password", from_stdin=True, profile="P", stdin=io.StringIO(""))
    with pytest.raises(ValidationError, match="is empty"):
        read_secret("Password", from_stdin=True, profile="P", stdin=io.StringIO("\n"))
    with pytest.raises(ValidationError) as refused:
        read_secret("API secret", from_stdin=False, profile="P", stdin=io.StringIO("typed\n"))
    assert "API secret" in refused.value.message and "--secret-stdin" in (refused.value.hint or "")

    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return "from-the-prompt"

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    assert read_secret("Password", from_stdin=False, profile="Campus", stdin=Terminal()) == "from-the-prompt"
    assert prompts == ["Password for “Campus”: "]


def test_in_sentence_keeps_acronyms() -> None:
    assert in_sentence("Password") == "password" and in_sentence("API secret") == "API secret"
