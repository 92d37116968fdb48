"""The official SDK (huaweicloudsdkmeeting, PyPI) drives the simulator: the simulator speaks the real wire.

Set up as the reference (§6.2) says: ``with_endpoint`` (not ``with_region``, which drops the credentials in
3.1.219), the simulator's CA file for TLS (the SDK's token call is always https), HOME in a temporary
directory (the SDK writes ``~/.huaweicloud/application_id``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.backends.huawei.conftest import Server

sdk = pytest.importorskip("huaweicloudsdkmeeting.v1")
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkmeeting.v1.meeting_credentials import (  # noqa: E402
    AuthTypeEnum,
    MeetingCredentials,
    TenantSceneEnum,
)


@pytest.fixture(autouse=True)
def sdk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    yield home


def client(server: Server, credentials: MeetingCredentials) -> Any:
    config = HttpConfig.get_default_config()
    config.ssl_ca_cert = server.host.ca_file
    config.timeout = (5, 10)
    return (sdk.MeetingClient.new_builder().with_http_config(config).with_credentials(credentials)
            .with_endpoint(server.host.origin).build())


def account_client(server: Server, password: str | None = None) -> Any:
    return client(server, MeetingCredentials(server.fields["account"], password or server.secret))


def schedule(subject: str, start: datetime, minutes: int = 60, **extra: Any) -> Any:
    return sdk.RestScheduleConfDTO(
        start_time=start.strftime("%Y-%m-%d %H:%M"), length=minutes, subject=subject, media_types="HDVideo",
        time_zone_id="56", attendees=[sdk.RestAttendeeDTO(name="Bob", phone="+8613800000000", type="normal")],
        conf_config_info=sdk.RestConfConfigDTO(is_send_notify=False, call_in_restriction=0), vmr_flag=0, **extra)


def test_the_conference_life_cycle(server: Server) -> None:
    api = account_client(server)
    start = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    created = api.create_meeting(sdk.CreateMeetingRequest(body=schedule("Weekly", start))).body
    assert len(created) == 1
    conf = created[0]
    conference_id = conf.conference_id
    assert conf.start_time == start.strftime("%Y-%m-%d %H:%M") and conf.conference_state == "Schedule"
    roles = {p.conference_role: p.password for p in conf.password_entry}
    assert set(roles) == {"chair", "general"} and all(v.isdigit() for v in roles.values())

    listed = api.search_meetings(sdk.SearchMeetingsRequest(offset=0, limit=20, search_key="Weekly"))
    assert listed.count == 1 and listed.data[0].conference_id == conference_id

    detail = api.show_meeting_detail(sdk.ShowMeetingDetailRequest(conference_id=conference_id))
    assert detail.conference_data.subject == "Weekly" and detail.data.count == 1

    later = start + timedelta(hours=2)
    updated = api.update_meeting(sdk.UpdateMeetingRequest(conference_id=conference_id,
                                                          body=schedule("Weekly (moved)", later, 90))).body[0]
    assert updated.subject == "Weekly (moved)"
    assert updated.end_time == (later + timedelta(minutes=90)).strftime("%Y-%m-%d %H:%M")

    rooms = api.search_member_vmr(sdk.SearchMemberVmrRequest(offset=0, limit=10, special_vmr=True))
    assert rooms.count == 2 and {r.vmr_mode for r in rooms.data} == {1}

    api.start_meeting(sdk.StartMeetingRequest(body=sdk.StartRequest(conference_id=conference_id,
                                                                    password=roles["chair"])))
    online = api.search_online_meetings(sdk.SearchOnlineMeetingsRequest(offset=0, limit=10))
    assert conference_id in [c.conference_id for c in online.data]

    token = api.create_conf_token(sdk.CreateConfTokenRequest(conference_id=conference_id, x_password=roles["chair"],
                                                             x_login_type=1)).data.token
    api.invite_with_pwd(sdk.InviteWithPwdRequest(conference_id=conference_id, body=sdk.RestInviteWithPwdReqBody(
        call_num="+99111283", conf_id=conference_id, pwd=roles["general"])))
    api.invite_participant(sdk.InviteParticipantRequest(
        conference_id=conference_id, x_conference_authorization=token,
        body=sdk.RestInviteReqBody(attendees=[sdk.Attendee(name="Carol", phone="+99111284", type="normal")])))
    api.lock_meeting(sdk.LockMeetingRequest(conference_id=conference_id, x_conference_authorization=token,
                                            body=sdk.RestLockReqBody(is_lock=1)))
    api.mute_meeting(sdk.MuteMeetingRequest(conference_id=conference_id, x_conference_authorization=token,
                                            body=sdk.RestMuteReqBody(is_mute=1)))
    info = api.show_real_time_info_of_meeting(sdk.ShowRealTimeInfoOfMeetingRequest(
        conference_id=conference_id, x_conference_authorization=token))
    assert sorted(p.phone for p in info.participants) == ["+99111283", "+99111284"]
    assert all(p.mute == 1 for p in info.participants)
    attendees = api.list_online_conf_attendee(sdk.ListOnlineConfAttendeeRequest(conf_id=conference_id, limit=10))
    assert attendees.count == 2
    assert server.state.conferences[conference_id].locked

    with pytest.raises(ClientRequestException) as refused:  # a running meeting needs type=1
        api.cancel_meeting(sdk.CancelMeetingRequest(conference_id=conference_id))
    assert refused.value.status_code == 400 and refused.value.error_code == "MMC.111071067"
    api.cancel_meeting(sdk.CancelMeetingRequest(conference_id=conference_id, type=1))
    now = datetime.now(UTC)
    history = api.search_his_meetings(sdk.SearchHisMeetingsRequest(
        start_date=int((now - timedelta(days=2)).timestamp() * 1000),
        end_date=int((now + timedelta(days=2)).timestamp() * 1000)))
    assert conference_id in [c.conference_id for c in history.data]


def test_control_needs_a_started_conference(server: Server) -> None:
    api = account_client(server)
    start = datetime.now(UTC) + timedelta(days=1)
    conf = api.create_meeting(sdk.CreateMeetingRequest(body=schedule("Later", start))).body[0]
    chair = next(p.password for p in conf.password_entry if p.conference_role == "chair")
    with pytest.raises(ClientRequestException) as caught:
        api.create_conf_token(sdk.CreateConfTokenRequest(conference_id=conf.conference_id, x_password=chair,
                                                         x_login_type=1))
    assert caught.value.status_code == 400


def test_an_update_replaces_the_meeting(server: Server) -> None:
    api = account_client(server)
    start = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    conf = api.create_meeting(sdk.CreateMeetingRequest(body=schedule("Full", start, 120))).body[0]
    partial = api.update_meeting(sdk.UpdateMeetingRequest(
        conference_id=conf.conference_id, body=sdk.RestScheduleConfDTO(subject="X", media_types="HDVideo"))).body[0]
    assert partial.start_time != conf.start_time  # left out: starts now …
    assert partial.size == 0  # … and without the attendees


def test_a_wrong_password_is_refused(server: Server) -> None:
    api = account_client(server, password="Wrong-password-1")
    with pytest.raises(ClientRequestException) as caught:
        api.search_meetings(sdk.SearchMeetingsRequest())
    assert caught.value.status_code == 401


@pytest.mark.parametrize("scene", [TenantSceneEnum.SINGLE_TENANT, TenantSceneEnum.MULTI_TENANT])
def test_app_id_sign_in(server: Server, scene: TenantSceneEnum) -> None:
    app = server.app_auth
    credentials = (MeetingCredentials().with_auth_type_enum(AuthTypeEnum.APP_ID).with_tenant_scene_enum(scene)
                   .with_app_id(app["app_id"]).with_app_key(app["app_key"]).with_user_id(app["user_id"]))
    if scene is TenantSceneEnum.MULTI_TENANT:
        credentials = credentials.with_corp_id("corp1")
    rooms = client(server, credentials).search_member_vmr(sdk.SearchMemberVmrRequest())
    assert rooms.count == 3


def test_app_id_with_a_wrong_key_is_refused(server: Server) -> None:
    credentials = (MeetingCredentials().with_auth_type_enum(AuthTypeEnum.APP_ID)
                   .with_app_id(server.app_auth["app_id"]).with_app_key("not-the-key").with_user_id("u1"))
    with pytest.raises(ClientRequestException) as caught:
        client(server, credentials).search_member_vmr(sdk.SearchMemberVmrRequest())
    assert caught.value.status_code == 401


def test_standalone_runner_prints_both_ways_to_sign_in(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "meetdesk.simulators", "--provider", "huawei"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert line["base_url"].startswith("https://") and line["ca_file"]
    assert line["fields"] == {"auth": "account", "account": "coordinator@meetdesk.example"} and line["secret"]
    assert set(line["app_auth"]) == {"app_id", "app_key", "user_id"}
