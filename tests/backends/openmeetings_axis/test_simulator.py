"""The OpenMeetings 2.x/3.0 Axis2 simulator, spoken to over loopback HTTP like a real server."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import httpx

from meetdesk.backends.openmeetings_axis.simulator.app import build
from meetdesk.backends.openmeetings_axis.simulator.state import (
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    NS_APACHE,
    NS_PRE_APACHE,
    SESSION_TIMEOUT_S,
    AxisState,
)
from meetdesk.simulators import host as host_module
from meetdesk.simulators.host import SimulatorHost, build_simulator
from tests.backends.conftest import Clock

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
SOAP12 = "{http://www.w3.org/2003/05/soap-envelope}"


def state_of(host: SimulatorHost) -> AxisState:
    assert host.definition is not None
    state: AxisState = host.definition.state
    return state


def call(host: SimulatorHost, service: str, method: str, **params: str) -> httpx.Response:
    return httpx.get(f"{host.base_url}/services/{service}/{method}", params=params)


def returned(response: httpx.Response, method: str, namespace: str = NS_APACHE) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{namespace}}}{method}Response"
    element = root.find(f"{{{namespace}}}return")
    assert element is not None
    return element


def scalar(response: httpx.Response, method: str) -> str:
    return (returned(response, method).text or "").strip()


def new_sid(host: SimulatorHost) -> str:
    bean = returned(call(host, "UserService", "getSession"), "getSession")
    session_id = next(child.text for child in bean if child.tag.endswith("}session_id"))
    assert session_id is not None
    return session_id


def signed_in(host: SimulatorHost, user: str = ADMIN_LOGIN, password: str = ADMIN_PASSWORD) -> str:
    sid = new_sid(host)
    # 3.0.x UserWebService.loginUser answers the user's id (2.x: 1); either is positive
    assert int(scalar(call(host, "UserService", "loginUser", SID=sid, username=user, userpass=password),
                      "loginUser")) > 0
    return sid


ROOM_PARAMS = {
    "name": "Quarterly review", "roomtypes_id": "3", "comment": "Bring the numbers", "numberOfPartizipants": "40",
    "ispublic": "false", "appointment": "true", "isDemoRoom": "true", "demoTime": "900",
    "isModeratedRoom": "true", "allowUserQuestions": "false", "isAudioOnly": "true",
}


def test_definition_and_seed() -> None:
    seeded = build()
    assert seeded.kind == "openmeetings-axis"
    assert seeded.base_path == "/openmeetings"
    assert seeded.fields == {"user": "admin"}
    assert seeded.secret == ADMIN_PASSWORD
    assert len(seeded.state.rooms) >= 5
    assert any(room.type_id == 4 for room in seeded.state.rooms.values())
    assert build(seed=False).state.rooms == {}
    assert build_simulator("openmeetings-axis").kind == "openmeetings-axis"
    assert host_module.SIMULATOR_MODULES["openmeetings-axis"] == "meetdesk.backends.openmeetings_axis.simulator"


def test_get_session_is_an_axis2_sessiondata_bean(server: SimulatorHost) -> None:
    bean = returned(call(server, "UserService", "getSession"), "getSession")
    # 3.0.x: the entity moved to org.apache.openmeetings.db.entity.server (2.x: persistence.beans.basic);
    # the getters (and so the element names) are the same in both
    assert bean.get("type") == "org.apache.openmeetings.db.entity.server.Sessiondata"
    fields = {child.tag.split("}")[1]: child for child in bean}
    assert set(fields) >= {"id", "session_id", "refresh_time", "starttermin_time", "user_id", "language_id"}
    assert re.fullmatch(r"[0-9a-f]{32}", fields["session_id"].text or "")
    assert fields["user_id"].get(XSI_NIL) == "true"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", fields["refresh_time"].text or "")


def test_login_codes(server: SimulatorHost) -> None:
    def login(user: str, password: str, sid: str | None = None) -> str:
        response = call(server, "UserService", "loginUser", SID=sid or new_sid(server), username=user,
                        userpass=password)
        return scalar(response, "loginUser")

    assert login("admin", ADMIN_PASSWORD) == "1"
    assert login("admin@example.org", ADMIN_PASSWORD) == "1"  # the e-mail address works too
    assert login("nobody", "x") == "-10"
    assert login("admin", "wrong") == "-11"
    assert login("admin", ADMIN_PASSWORD, sid="0123456789abcdef0123456789abcdef") == "-35"
    assert login("newbie", "not-yet-active") == "-41"
    assert login("orphan", "no-group-here") == "-1"


def test_error_texts(server: SimulatorHost) -> None:
    sid = new_sid(server)
    # 3.0.x getErrorByCode(SID, errorid, langId); 2.x named the language "language_id"
    bean = returned(call(server, "UserService", "getErrorByCode", SID=sid, errorid="-11", langId="1"),
                    "getErrorByCode")
    texts = {child.tag.split("}")[1]: child.text for child in bean}
    assert texts == {"errmessage": "Invalid Password", "errorId": "-11", "errortype": "Error"}
    unknown = returned(call(server, "UserService", "getErrorByCode", SID=sid, errorid="-999", langId="1"),
                       "getErrorByCode")
    assert unknown.get(XSI_NIL) == "true"
    # the 2.x name leaves the 3.0.x parameter unbound (0): no label, a null answer
    old_name = returned(call(server, "UserService", "getErrorByCode", SID=sid, errorid="-11", language_id="1"),
                        "getErrorByCode")
    assert old_name.get(XSI_NIL) == "true"


def test_the_2x_dialect_answers_like_2x() -> None:
    with SimulatorHost.for_definition(build(dialect="2.x")) as host:
        bean = returned(call(host, "UserService", "getSession"), "getSession")
        assert bean.get("type") == "org.apache.openmeetings.persistence.beans.basic.Sessiondata"
        sid = bean.find("{http://basic.beans.persistence.openmeetings.apache.org/xsd}session_id")
        assert sid is not None and sid.text
        assert scalar(call(host, "UserService", "loginUser", SID=sid.text, username="soap",
                           userpass="soap-gateway-1"), "loginUser") == "1"
        text = returned(call(host, "UserService", "getErrorByCode", SID=sid.text, errorid="-11", language_id="1"),
                        "getErrorByCode")
        assert {c.tag.split("}")[1]: c.text for c in text}["errmessage"] == "Invalid Password"


def test_add_room_stores_every_parameter(server: SimulatorHost) -> None:
    sid = signed_in(server)
    room_id = int(scalar(call(server, "RoomService", "addRoomWithModerationQuestionsAndAudioType", SID=sid,
                              **ROOM_PARAMS), "addRoomWithModerationQuestionsAndAudioType"))
    room = state_of(server).rooms[room_id]
    assert (room.name, room.type_id, room.comment, room.capacity) == ("Quarterly review", 3, "Bring the numbers", 40)
    assert (room.public, room.appointment, room.demo, room.demo_time) == (False, True, True, 900)
    assert (room.moderated, room.allow_user_questions, room.audio_only) == (True, False, True)
    assert room_id > max(r for r in state_of(server).rooms if r != room_id)


def test_web_service_methods_need_rights(server: SimulatorHost) -> None:
    method = "addRoomWithModerationQuestionsAndAudioType"
    before = len(state_of(server).rooms)
    no_rights = signed_in(server, "coordinator", "planning-2013")
    assert scalar(call(server, "RoomService", method, SID=no_rights, **ROOM_PARAMS), method) == "-1"
    assert scalar(call(server, "RoomService", method, SID=new_sid(server), **ROOM_PARAMS), method) == "-1"
    assert scalar(call(server, "RoomService", method, **ROOM_PARAMS), method) == "-1"
    hash_params = {"username": "x", "firstname": "X", "lastname": "Y", "room_id": "1",
                   "becomeModeratorAsInt": "0", "showAudioVideoTestAsInt": "0"}
    assert scalar(call(server, "UserService", "setUserObjectAndGenerateRoomHash", SID=no_rights, **hash_params),
                  "setUserObjectAndGenerateRoomHash") == "-26"
    web_service_user = signed_in(server, "soap", "soap-gateway-1")
    assert scalar(call(server, "RoomService", method, SID=web_service_user, **ROOM_PARAMS), method) != "-1"
    assert len(state_of(server).rooms) == before + 1


def test_bad_number_is_an_axis_fault(server: SimulatorHost) -> None:
    sid = signed_in(server)
    response = call(server, "RoomService", "addRoomWithModerationQuestionsAndAudioType", SID=sid,
                    **{**ROOM_PARAMS, "numberOfPartizipants": "many"})
    assert response.status_code == 500
    root = ET.fromstring(response.content)
    assert root.tag == f"{SOAP12}Reason"
    assert root.findtext(f"{SOAP12}Text") == 'For input string: "many"'


def test_unknown_operation_and_service_are_faults(server: SimulatorHost) -> None:
    response = call(server, "RoomService", "getRoomsOfTheMoon")
    assert response.status_code == 500
    assert "endpoint reference (EPR) for the Operation not found" in response.text
    response = call(server, "MoonService", "getSession")
    assert response.status_code == 500
    assert "service cannot be found" in response.text


def test_session_expires_after_inactivity(server: SimulatorHost, clock: Clock) -> None:
    sid = signed_in(server)
    method = "addRoomWithModerationQuestionsAndAudioType"
    clock.now += 20 * 60
    assert scalar(call(server, "RoomService", method, SID=sid, **ROOM_PARAMS), method) != "-1"  # refreshed
    clock.now += 31 * 60
    assert scalar(call(server, "RoomService", method, SID=sid, **ROOM_PARAMS), method) == "-1"
    other = signed_in(server)
    state_of(server).expire_sessions()
    assert scalar(call(server, "RoomService", method, SID=other, **ROOM_PARAMS), method) == "-1"


def test_secure_hash_entry_page(server: SimulatorHost) -> None:
    sid = signed_in(server)
    secure_hash = scalar(call(server, "UserService", "setUserObjectAndGenerateRoomHash", SID=sid,
                              username="anna", firstname="Anna", lastname="Schmidt", profilePictureUrl="",
                              email="anna@example.org", externalUserId="42", externalUserType="meetdesk",
                              room_id="2", becomeModeratorAsInt="1", showAudioVideoTestAsInt="1"),
                         "setUserObjectAndGenerateRoomHash")
    assert re.fullmatch(r"[0-9a-f]{32}", secure_hash)
    login = state_of(server).soap_logins[secure_hash]
    assert (login.room_id, login.moderator, login.show_audio_video_test) == (2, True, True)
    who = state_of(server).hash_details(secure_hash)
    assert who is not None
    assert (who["externalUserId"], who["externalUserType"], who["email"]) == ("42", "meetdesk", "anna@example.org")

    page = httpx.get(f"{server.base_url}/", params={"secureHash": secure_hash, "scopeRoomId": "2", "language": "4"})
    assert page.status_code == 200
    assert 'data-page="room"' in page.text
    assert 'data-room-id="2"' in page.text
    assert "Anna Schmidt" in page.text
    assert "Moderator" in page.text
    assert "french" in page.text
    assert state_of(server).rooms[2].name in page.text

    again = httpx.get(f"{server.base_url}/", params={"secureHash": secure_hash, "scopeRoomId": "2"})
    assert 'data-page="error"' in again.text
    assert "already used" in again.text


def test_unknown_and_stale_hashes_show_an_error(server: SimulatorHost, clock: Clock) -> None:
    page = httpx.get(f"{server.base_url}/", params={"secureHash": "f" * 32, "scopeRoomId": "1"})
    assert 'data-page="error"' in page.text
    assert "Invalid Hash" in page.text

    sid = signed_in(server)
    secure_hash = scalar(call(server, "UserService", "setUserObjectAndGenerateRoomHash", SID=sid, username="bo",
                              firstname="Bo", lastname="", room_id="1", becomeModeratorAsInt="0",
                              showAudioVideoTestAsInt="0"), "setUserObjectAndGenerateRoomHash")
    clock.now += SESSION_TIMEOUT_S + 1  # a hash dies with its SID, not on a clock of its own
    stale = httpx.get(f"{server.base_url}/", params={"secureHash": secure_hash, "scopeRoomId": "1"})
    assert 'data-page="error"' in stale.text


def _hash_for(server: SimulatorHost, sid: str, first: str, ext_id: str) -> str:
    return scalar(call(server, "UserService", "setUserObjectAndGenerateRoomHash", SID=sid, username=ext_id,
                       firstname=first, lastname="Doe", externalUserId=ext_id, externalUserType="crm",
                       room_id="1", becomeModeratorAsInt="0", showAudioVideoTestAsInt="0"),
                  "setUserObjectAndGenerateRoomHash")


def test_a_hash_admits_whoever_its_sid_stored_last(server: SimulatorHost) -> None:
    # setUserObjectAndGenerateRoomHash → updateUserRemoteSession(SID, xml); MainService.loginUserByRemote
    # reads the participant back from the SID's session at entry
    sid = signed_in(server)
    first = _hash_for(server, sid, "Ana", "ana")
    _hash_for(server, sid, "Bob", "bob")
    page = httpx.get(f"{server.base_url}/", params={"secureHash": first})
    assert 'data-page="room"' in page.text and "Bob Doe" in page.text and "Ana" not in page.text


def test_an_entry_hands_the_sid_to_the_participant(server: SimulatorHost) -> None:
    # loginUserByRemote ends with sessiondataDao.updateUser(SID, userId): the SOAP SID is the guest's now
    sid = signed_in(server)
    first, second = _hash_for(server, sid, "Ana", "ana"), _hash_for(server, sid, "Ana", "ana")
    assert 'data-page="room"' in httpx.get(f"{server.base_url}/", params={"secureHash": first}).text
    assert _hash_for(server, sid, "Bob", "bob") == "-26"
    assert 'data-page="error"' in httpx.get(f"{server.base_url}/", params={"secureHash": second}).text


def test_hash_for_a_missing_room_is_issued_but_the_page_refuses(server: SimulatorHost) -> None:
    sid = signed_in(server)
    secure_hash = scalar(call(server, "UserService", "setUserObjectAndGenerateRoomHash", SID=sid, username="bo",
                              room_id="9999", becomeModeratorAsInt="0", showAudioVideoTestAsInt="0"),
                         "setUserObjectAndGenerateRoomHash")
    page = httpx.get(f"{server.base_url}/", params={"secureHash": secure_hash, "scopeRoomId": "9999"})
    assert 'data-page="error"' in page.text
    assert "does not exist" in page.text


def test_reusable_hash_variant(server: SimulatorHost) -> None:
    sid = signed_in(server)
    secure_hash = scalar(call(server, "UserService", "setUserObjectAndGenerateRoomHashByURL", SID=sid,
                              username="bo", firstname="Bo", room_id="1", becomeModeratorAsInt="0",
                              showAudioVideoTestAsInt="0"), "setUserObjectAndGenerateRoomHashByURL")
    for _ in range(2):
        page = httpx.get(f"{server.base_url}/", params={"secureHash": secure_hash})
        assert 'data-page="room"' in page.text


def test_web_root_without_hash_and_without_slash() -> None:
    with SimulatorHost.for_definition(build()) as host:
        page = httpx.get(host.base_url, follow_redirects=True)
        assert page.status_code == 200
        assert 'data-page="login"' in page.text


def test_pre_apache_namespace_option() -> None:
    with SimulatorHost.for_definition(build(namespace="pre-apache")) as host:
        returned(call(host, "UserService", "getSession"), "getSession", namespace=NS_PRE_APACHE)


def test_calls_are_recorded(server: SimulatorHost) -> None:
    signed_in(server)
    assert state_of(server).calls == [("UserService", "getSession"), ("UserService", "loginUser")]
