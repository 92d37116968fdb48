"""The issue's "done when", through the session on the demo servers: a BBB meeting created, a moderator link with
a custom CSS URL and a viewer link used by their browsers, participants and recordings seen; a Jitsi link for a
named room that the verifier accepts."""

from __future__ import annotations

import httpx
import pytest

from meetdesk.domain.models import JoinRequest, RoomDraft
from meetdesk.services.demo import DemoEnvironment


@pytest.mark.asyncio
async def test_demo_bbb_and_jitsi_walkthrough() -> None:
    with DemoEnvironment(kinds=["bigbluebutton", "jitsi"]) as env:
        session = await env.open_session()
        try:
            errors = await session.connect_all()
            assert all(e is None for e in errors.values()), errors
            bbb = next(n for n in session.connections if "BigBlueButton" in n)
            jitsi = next(n for n in session.connections if "Jitsi" in n)

            room = await session.create_room(bbb, RoomDraft(name="Parents' evening", options={"record": True}))
            moderator = await session.join_link(bbb, JoinRequest(
                room_id=room.id, display_name="Ada", moderator=True,
                design={"userdata-bbb_custom_style_url": "https://cdn.example.org/brand.css"}))
            viewer = await session.join_link(bbb, JoinRequest(room_id=room.id, display_name="Jonas"))
            for link in (moderator, viewer):  # the participants' browsers
                page = httpx.get(httpx.get(link.url).headers["location"])
                assert page.status_code == 200
            await session.refresh(bbb)
            seen = next(r for r in session.connection(bbb).rooms if r.id == room.id)
            assert seen.running and sorted((p.name, p.role) for p in seen.participants) == [
                ("Ada", "moderator"), ("Jonas", "attendee")]
            assert len(await session.list_recordings(bbb)) == 3

            named = await session.create_room(jitsi, RoomDraft(name="Board meeting"))
            link = await session.join_link(jitsi, JoinRequest(room_id=named.id, display_name="Kim", moderator=True))
            verdict = httpx.get(link.url, headers={"Accept": "application/json"}).json()
            assert verdict["accepted"] and verdict["room"] == "board-meeting" and verdict["moderator"]
            assert [r.id for r in session.connection(jitsi).rooms] == ["board-meeting"]
        finally:
            await session.aclose()
