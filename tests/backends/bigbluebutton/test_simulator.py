"""The BigBlueButton simulator against bbb-web's rules, driven by hand-signed URLs and by the independent
PyPI client bigbluebutton-api-python 0.0.11 (which signs SHA-1 over its own quote_plus encoding)."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from bigbluebutton_api_python import BigBlueButton
from bigbluebutton_api_python.exception import BBBException
from defusedxml import ElementTree

from meetdesk.backends.bigbluebutton.simulator import build
from meetdesk.backends.bigbluebutton.simulator.state import BBBState
from meetdesk.simulators.host import SimulatorDefinition, SimulatorHost
from tests.backends.conftest import Clock

SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
DOC_QUERY = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
#: the reference's known answers for create + DOC_QUERY + SECRET (SHA-1 is the docs' own value)
DOC_VECTORS = {
    "sha1": "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17",
    "sha256": "da9185f7f333cfdfcd6eeac32dca3777510c4c436020d8b887ba5515bd1d189e",
    "sha384": "891ac633df39d0a1b4f8d597f3e190833216c4b29c4fb51ea3ca72757eeb958d6e7b49a845cf29f5c6019c7d29d029d1",
    "sha512": "de73ad61d11a5c801b68d4bd6ec5248546085cefb0b25c85f3c46249ea93a3a4b120f92c0a8a58d7512cb77821884951"
              "a3b01245f3435dbbef49fff3cc3988b4",
}


@pytest.fixture
def simulator(clock: Clock) -> SimulatorDefinition:
    return build(seed=False, secret=SECRET, clock=clock)


def state_of(server: SimulatorHost) -> BBBState:
    assert server.definition is not None
    state: BBBState = server.definition.state
    return state


def signed(server: SimulatorHost, call: str, query: str, algorithm: str = "sha256", secret: str = SECRET) -> str:
    digest = hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()
    return f"{server.base_url}/{call}?{query}{'&' if query else ''}checksum={digest}"


def xml(response: httpx.Response) -> dict[str, str]:
    root = ElementTree.fromstring(response.content)
    return {child.tag: (child.text or "") for child in root}


def test_reference_vectors_are_accepted_with_every_algorithm(server: SimulatorHost) -> None:
    for algorithm, expected in DOC_VECTORS.items():
        url = signed(server, "create", DOC_QUERY, algorithm)
        assert url.endswith(expected)
        answer = xml(httpx.get(url))
        assert answer["returncode"] == "SUCCESS", (algorithm, answer)
    # the same meeting four times: the repeats are duplicates with the same passwords
    assert answer["messageKey"] == "duplicateWarning"


def test_checksum_is_over_the_raw_query(server: SimulatorHost) -> None:
    # %20 and + both verify when signed as sent; a re-encoded or reordered query does not
    for query in ("name=Test%20Meeting&meetingID=enc1", "name=Test+Meeting&meetingID=enc2"):
        assert xml(httpx.get(signed(server, "create", query)))["returncode"] == "SUCCESS"
    url = signed(server, "create", "name=Test+Meeting&meetingID=enc3")
    tampered = url.replace("name=Test+Meeting&meetingID=enc3", "meetingID=enc3&name=Test+Meeting")
    assert xml(httpx.get(tampered))["messageKey"] == "checksumError"
    # the checksum's hex case does not matter (equalsIgnoreCase)
    upper = signed(server, "getMeetings", "")
    head, digest = upper.rsplit("=", 1)
    assert xml(httpx.get(f"{head}={digest.upper()}"))["returncode"] == "SUCCESS"


def test_checksum_failures_are_reported_alone_with_http_200(server: SimulatorHost) -> None:
    bad = [signed(server, "create", "meetingID=x", secret="wrong"),  # would also lack a name
           f"{server.base_url}/getMeetings",  # no checksum at all
           f"{server.base_url}/getMeetings?checksum=abc"]  # no algorithm has this length
    for url in bad:
        response = httpx.get(url)
        assert response.status_code == 200
        assert xml(response) == {"returncode": "FAILED", "messageKey": "checksumError",
                                 "message": "Checksums do not match"}


def test_disabled_algorithms_are_refused(clock: Clock) -> None:
    with SimulatorHost.for_definition(build(seed=False, secret=SECRET, algorithms=("sha512",))) as host:
        assert xml(httpx.get(signed(host, "getMeetings", "", "sha1")))["messageKey"] == "checksumError"
        assert xml(httpx.get(signed(host, "getMeetings", "", "sha512")))["returncode"] == "SUCCESS"


def test_official_client_create_join_info_end(server: SimulatorHost) -> None:
    api = BigBlueButton(server.base_url + "/", SECRET)
    assert api.get_api_version().get_field("version") == "2.0"
    created = api.create_meeting("m1", params={"name": "Demo", "record": True, "attendeePW": "ap", "moderatorPW": "mp"},
                                 meta={"Origin": "console"})
    internal = created.get_field("internalMeetingID")
    assert internal.startswith(hashlib.sha1(b"m1").hexdigest() + "-")
    again = api.create_meeting("m1", params={"name": "Ignored", "attendeePW": "ap", "moderatorPW": "mp"})
    assert again.get_field("messageKey") == "duplicateWarning"
    with pytest.raises(BBBException) as refused:
        api.create_meeting("m1", params={"name": "Demo", "attendeePW": "other", "moderatorPW": "mp"})
    assert "already exists" in str(refused.value)
    assert api.is_meeting_running("m1").is_meeting_running() is False

    url = api.get_join_meeting_url("Alice", "m1", None, {"role": "MODERATOR", "userID": "u-1",
                                                         "userdata-bbb_custom_style_url": "https://cdn.example/a.css"})
    redirect = httpx.get(url)
    assert redirect.status_code == 302
    page = httpx.get(redirect.headers["location"])
    assert "Alice (MODERATOR)" in page.text and 'href="https://cdn.example/a.css"' in page.text

    info = api.get_meeting_info("m1")
    assert info.get_field("running") == "true"
    assert info.get_field("metadata") == {"origin": "console"}  # meta names are lowercased
    attendee = info.get_field("attendees")["attendee"]
    assert attendee["userID"] == "u-1" and attendee["role"] == "MODERATOR"
    assert attendee["customdata"] == {"bbb_custom_style_url": "https://cdn.example/a.css"}

    assert api.end_meeting("m1", "mp").get_field("messageKey") == "sentEndMeetingRequest"
    after = httpx.get(api.get_join_meeting_url("Bob", "m1", None, {"role": "VIEWER"}))
    errors = json.loads(parse_qs(urlsplit(after.headers["location"]).query)["errors"][0])
    assert errors == [{"key": "meetingForciblyEnded",
                       "message": "You can not join a meeting that has already been forcibly ended"}]
    with pytest.raises(BBBException, match="does not exist"):
        api.get_meeting_info("nope")


def test_official_client_recordings(server: SimulatorHost, clock: Clock) -> None:
    api = BigBlueButton(server.base_url + "/", SECRET)
    api.create_meeting("rec", params={"name": "Recorded", "record": True})
    httpx.get(httpx.get(api.get_join_meeting_url("Al", "rec", None, {"role": "MODERATOR"})).headers["location"])
    api.end_meeting("rec", "")
    assert api.get_recordings().get_field("messageKey") == "noRecordings"  # still processing
    clock.now += 60
    recording = api.get_recordings().get_field("recordings")["recording"]
    record_id = recording["recordID"]
    assert recording["state"] == "published" and recording["meetingID"] == "rec"
    api.publish_recordings(record_id, False)
    assert api.get_recordings().get_field("recordings")["recording"]["state"] == "unpublished"
    api.update_recordings(record_id, meta={"topic": "Week 1"})
    assert api.get_recordings().get_field("recordings")["recording"]["metadata"]["topic"] == "Week 1"
    api.delete_recordings(record_id)
    assert api.get_recordings().get_field("messageKey") == "noRecordings"
    with pytest.raises(BBBException, match="could not find"):
        api.delete_recordings("missing")


def test_join_rules(server: SimulatorHost) -> None:
    httpx.get(signed(server, "create", "name=Rules&meetingID=r1&maxParticipants=1&guestPolicy=ALWAYS_DENY"))
    create_time = state_of(server).meetings["r1"].create_time
    no_role = xml(httpx.get(signed(server, "join", "fullName=A&meetingID=r1&redirect=false")))
    assert no_role["messageKey"] == "Params required"
    ok = xml(httpx.get(signed(server, "join", f"fullName=A&meetingID=r1&role=viewer&userID=a&createTime={create_time}"
                                              "&redirect=false")))
    assert ok["messageKey"] == "successfullyJoined"
    httpx.get(ok["url"])
    for query, key in ((f"fullName=B&meetingID=r1&role=VIEWER&createTime={create_time + 1}", "mismatchCreateTimeParam"),
                       ("fullName=B&meetingID=r1&role=VIEWER&userID=b", "maxParticipantsReached"),
                       ("fullName=A&meetingID=r1&role=VIEWER&userID=a&guest=true", "guestDeniedAccess"),
                       ("fullName=B&meetingID=nope&role=VIEWER", "invalidMeetingIdentifier"),
                       ("meetingID=r1&role=VIEWER", "missingParamFullName")):
        location = httpx.get(signed(server, "join", query)).headers["location"]
        assert json.loads(parse_qs(urlsplit(location).query)["errors"][0])[0]["key"] == key, query
    # userdata with a second hyphen is dropped; with one it is kept
    join = signed(server, "join", "fullName=C&meetingID=r1&role=MODERATOR&userID=a&userdata-bbb_custom_style="
                                  + quote(":root{--x:#000}", safe="") + "&userdata-a-b=c&redirect=false")
    httpx.get(xml(httpx.get(join))["url"])
    assert state_of(server).meetings["r1"].attendees[-1].customdata == {"bbb_custom_style": ":root{--x:#000}"}


def test_create_validation_and_expiry(server: SimulatorHost, clock: Clock) -> None:
    assert xml(httpx.get(signed(server, "create", "meetingID=v1")))["message"] == "You must provide a meeting name"
    assert xml(httpx.get(signed(server, "create", "name=x&meetingID=v1")))["messageKey"] == "validationError"
    assert xml(httpx.get(signed(server, "create", "name=ok&meetingID=a%2Cb")))["message"] == \
        "Meeting ID cannot contain ','"
    assert xml(httpx.get(signed(server, "create", "name=Waiting&meetingID=w1")))["returncode"] == "SUCCESS"
    assert xml(httpx.get(signed(server, "getMeetings", "")))["meetings"] == ""  # has a child, text empty
    clock.now += 5 * 60 + 1  # nobody joined within meetingExpireIfNoUserJoinedInMinutes
    assert xml(httpx.get(signed(server, "getMeetings", "")))["messageKey"] == "noMeetings"
    assert xml(httpx.get(signed(server, "end", "meetingID=w1")))["messageKey"] == "notFound"
    assert xml(httpx.get(signed(server, "nonsense", "")))["message"] == "Request not recognized"


def test_create_with_slides_in_a_post_body(server: SimulatorHost) -> None:
    body = ('<modules><module name="presentation"><document url="https://files.example/deck.pdf" '
            'filename="deck.pdf"/><document name="inline.pdf">JVBERi0xLjQK</document></module></modules>')
    url = signed(server, "create", "name=Slides&meetingID=s1")  # the checksum covers the URL query only
    refused = httpx.post(url, content=body)  # no content type
    assert xml(refused)["messageKey"] == "unsupportedContentType"
    ok = httpx.post(url, content=body, headers={"Content-Type": "application/xml"})
    assert xml(ok)["returncode"] == "SUCCESS"
    assert state_of(server).meetings["s1"].documents == ["https://files.example/deck.pdf", "inline.pdf"]
