"""Generated input for the validators and the response readers: every input is either accepted with the
promised properties or refused with meetdesk's own error — never another exception, never a crash."""

from __future__ import annotations

import asyncio
import contextlib
import json
import unicodedata
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetdesk.backends.http import json_body
from meetdesk.backends.openmeetings.client import OpenMeetingsProvider
from meetdesk.backends.plugnmeet.client import PlugNmeetProvider
from meetdesk.backends.rows import parse_rows
from meetdesk.cli.input import parse_when
from meetdesk.domain.design import validate_design
from meetdesk.domain.errors import MeetdeskError, ProtocolError, ValidationError
from meetdesk.domain.models import Profile
from meetdesk.domain.redaction import redact_urls_in
from meetdesk.domain.times import EARLIEST, LATEST
from meetdesk.domain.values import validate_url
from meetdesk.services.profile_store import validate_profile_name

# thousands of examples each, yet the whole file stays within the suite's time budget on a small machine
MANY = settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LOOP = asyncio.new_event_loop()

hosts = st.one_of(st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,12}){0,3}", fullmatch=True),
                  st.sampled_from(["[::1", "[::1]", "[2001:db8::1]", "127.0.0.1", "bücher.de", "a..b", ""]),
                  st.text(max_size=12))
urls = st.one_of(
    st.text(max_size=60),
    st.builds(lambda scheme, user, host, port, path: f"{scheme}://{user}{host}{port}{path}",
              st.sampled_from(["http", "https", "ftp", "javascript", "HTTPS"]),
              st.sampled_from(["", "user@", "user:pw@", ":@"]), hosts,
              st.sampled_from(["", ":443", ":99999", ":x", ":"]), st.text(max_size=20)),
)


def _control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


@MANY
@given(urls, st.booleans())
def test_validate_url_accepts_only_clean_absolute_addresses(raw: str, https_only: bool) -> None:
    try:
        url = validate_url(raw, https_only=https_only)
    except ValidationError:
        return
    parts = urlsplit(url)
    assert parts.scheme.lower() in (("https",) if https_only else ("http", "https"))
    assert parts.hostname and "@" not in parts.netloc
    assert not _control(url) and not any(c.isspace() for c in url)
    _ = parts.port  # a port that parses


@MANY
@given(st.sampled_from(["background_image", "custom_logo", "custom_css_url"]), urls)
def test_design_urls_cannot_break_out_of_css(key: str, url: str) -> None:
    try:
        valid = validate_design({key: url})
    except ValidationError:
        return
    for value in valid.values():
        assert value.lower().startswith("https://")
        assert not set(value) & set("\"'()\\ <>`;{}")


@MANY
@given(st.text(max_size=90))
def test_profile_names_are_nfc_without_control_or_bidi_characters(raw: str) -> None:
    try:
        name = validate_profile_name(raw)
    except ValidationError:
        return
    assert name == unicodedata.normalize("NFC", name) == name.strip() and 0 < len(name) <= 80
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    assert validate_profile_name(name) == name


zones = st.sampled_from([None, "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"])


@MANY
@given(st.one_of(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
    lambda d: d.isoformat(timespec="minutes")), st.dates().map(str), st.text(max_size=25)), zones, st.booleans())
def test_dates_are_in_range_or_refused_with_a_sentence(raw: str, zone_name: str | None, end_of_day: bool) -> None:
    zone = ZoneInfo(zone_name) if zone_name else None
    try:
        value = parse_when(raw, flag="--start", zone=zone, end_of_day=end_of_day)
    except ValidationError as exc:
        assert exc.message.startswith("--start")
        return
    assert value.tzinfo is not None and EARLIEST <= value.astimezone(UTC) <= LATEST
    if zone is not None and len(raw) > 10 and "+" not in raw[10:] and "Z" not in raw:
        # what was typed is exactly the wall-clock time that was understood: no gap was papered over
        assert value.astimezone(zone).replace(tzinfo=None) == datetime.fromisoformat(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20) | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


pnm_rows = st.fixed_dictionaries({"room_info": st.fixed_dictionaries({}, optional={
    "room_id": st.one_of(st.text(max_size=6), json_values),
    "room_title": json_values, "metadata": st.one_of(st.text(max_size=6), json_values,
                                                     st.just("[" * 1500 + "]" * 1500)),
    "creation_time": st.one_of(st.integers(), st.text(max_size=5), json_values),
    "is_running": json_values, "joined_participants": json_values})},
    optional={"participants_info": json_values})
om_rows = st.fixed_dictionaries({}, optional={
    "id": st.one_of(st.integers(), st.text(max_size=4), json_values), "name": json_values, "type": json_values,
    "capacity": json_values, "start": st.one_of(st.integers(min_value=-(10**16), max_value=10**16),
                                                st.just("0001-01-01T00:00:00-0500"), json_values),
    "end": st.one_of(st.integers(min_value=-(10**16), max_value=10**16), json_values), "hiddenElements": json_values})

PNM = PlugNmeetProvider(Profile("P", "plugnmeet", "https://meet.example.org", {"api_key": "k"}), "s")
OM = OpenMeetingsProvider(Profile("O", "openmeetings", "https://om.example.org/openmeetings", {"user": "u"}), "s")


def _read(items: list[Any], parse: Any) -> list[Any]:
    try:
        return LOOP.run_until_complete(parse_rows(items, parse, server="S", call="test", what="row"))
    except ProtocolError:
        assert items, "an empty answer is an empty list, not an error"
        return []


@SOME
@given(st.lists(st.one_of(pnm_rows, json_values), max_size=4))
def test_plugnmeet_rooms_are_read_or_skipped_never_crash(items: list[Any]) -> None:
    rooms = _read(items, lambda item: PNM._active_room(item))
    assert len(rooms) <= len(items)


@SOME
@given(st.lists(st.one_of(om_rows, json_values), max_size=4))
def test_openmeetings_rooms_and_meetings_are_read_or_skipped_never_crash(items: list[Any]) -> None:
    assert len(_read(items, lambda d: OM._room_from_dto(d, "test"))) <= len(items)
    assert len(_read(items, lambda d: OM._meeting_from_dto(d, "test"))) <= len(items)


@SOME
@given(st.one_of(st.binary(max_size=40), json_values.map(lambda v: json.dumps(v).encode()),
                 st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n)))
def test_json_body_is_a_value_or_a_protocol_error(body: bytes) -> None:
    response = httpx.Response(200, content=body, headers={"content-type": "application/json"})
    with contextlib.suppress(ProtocolError):
        json_body(response, "test")


secret_keys = st.sampled_from(["password", "pass", "userpass", "SID", "sid", "token", "access_token", "secure",
                               "invitation", "invitationHash", "moderatorPW", "api_secret", "checksum"])
secret_values = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="&#%+=?/"),
                        min_size=1, max_size=12)


@MANY
@given(secret_keys, secret_values, st.sampled_from(["https://h.example/p?", "services/user/login?a=1&", "x "]))
def test_every_secret_query_value_is_redacted_whatever_its_length(key: str, value: str, prefix: str) -> None:
    text = f"detail: {prefix}{key}={value}&room=1 happened"
    redacted = redact_urls_in(text)
    assert f"{key}={value}&" not in redacted and f"{key}=***" in redacted
    error = MeetdeskError("failed", detail=text)
    assert f"{key}={value}&" not in (error.detail or "")


AXIS_FIELDS = ["id", "rooms_id", "name", "comment", "numberOfPartizipants", "public", "ispublic", "appointment",
               "moderated", "audioOnly", "demo", "demoTime", "closed", "isClosed", "roomtype", "roomtypes_id"]
axis_text = st.one_of(st.sampled_from(["1", "42", "-3", "true", "false", "", " 7 ", "1e9", "9" * 30]),
                      st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=8))


def _axis_room(fields: list[tuple[str, str, bool]]) -> Any:
    from xml.etree.ElementTree import Element, SubElement

    room = Element("{http://room.dto.db.openmeetings.apache.org/xsd}result")
    for name, text, nil in fields:
        child = SubElement(room, f"{{http://room.dto.db.openmeetings.apache.org/xsd}}{name}")
        if nil:
            child.set("{http://www.w3.org/2001/XMLSchema-instance}nil", "true")
        else:
            child.text = text
    return room


@SOME
@given(st.lists(st.lists(st.tuples(st.sampled_from(AXIS_FIELDS), axis_text, st.booleans()), max_size=8)
                .map(_axis_room), max_size=4))
def test_legacy_openmeetings_rooms_are_read_or_skipped_never_crash(rooms: list[Any]) -> None:
    from meetdesk.backends.openmeetings_axis.client import OpenMeetingsAxisProvider

    axis = OpenMeetingsAxisProvider(Profile("A", "openmeetings-axis", "http://127.0.0.1:5080/openmeetings",
                                            {"user": "u"}), "s")
    assert len(_read(rooms, axis._listed_room)) <= len(rooms)
