"""Join links made through one GUI session admit their own participants, on both OpenMeetings kinds.

Both servers keep a link's participant on the SID that made it, not on the hash (7–9
``UserWebService.getRoomHash`` → ``sd.setXml``; 2.x/3.0 ``setUserObjectAndGenerateRoomHash`` →
``updateUserRemoteSession``), so links made one after the other with one SID would all admit the last person.
"""

from __future__ import annotations

import httpx
import pytest

from meetdesk.domain.models import JoinRequest, Profile
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import MemoryKeyring, SecretStore
from meetdesk.services.session import Session
from meetdesk.simulators.host import SimulatorHost, build_simulator


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "room"), [("openmeetings", "5"), ("openmeetings-axis", "2")])
async def test_two_links_made_in_one_session_admit_two_different_people(kind: str, room: str) -> None:
    definition = build_simulator(kind)
    with SimulatorHost.for_definition(definition) as host:
        store = ProfileStore()
        store.load()
        session = Session(store, SecretStore(backend=MemoryKeyring()))
        try:
            await session.add_profile(Profile("OM", kind, host.base_url, fields=dict(definition.fields)),
                                      definition.secret)
            await session.connect("OM")
            ana = await session.join_link("OM", JoinRequest(room, "Ana Lima", user_id="ana"))
            bob = await session.join_link("OM", JoinRequest(room, "Bob Stone", user_id="bob"))
            async with httpx.AsyncClient() as browser:
                first, second = await browser.get(ana.url), await browser.get(bob.url)
            assert "Ana Lima" in first.text and "Bob" not in first.text
            assert "Bob Stone" in second.text and "Ana" not in second.text
            # the session's own SID still works after both entries
            await session.refresh("OM")
            assert session.connection("OM").refresh_error == ""
        finally:
            await session.aclose()
