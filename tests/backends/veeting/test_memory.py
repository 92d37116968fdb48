"""Meetings created here are remembered with the profile (profiles.json) and survive a restart; the file never
holds the API key or the meetings' calendar tokens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from meetdesk.backends.veeting.simulator.app import build
from meetdesk.domain.models import MeetingDraft, Profile
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import MemoryKeyring, SecretStore
from meetdesk.services.session import Session
from meetdesk.simulators.host import SimulatorHost


async def open_session(path: Path, keyring: MemoryKeyring) -> Session:
    store = ProfileStore(path)
    store.load()
    return Session(store, SecretStore(backend=keyring))


@pytest.mark.asyncio
async def test_remembered_across_sessions_without_secrets(tmp_path: Path) -> None:
    path, keyring = tmp_path / "profiles.json", MemoryKeyring()
    definition = build(natural_endpoints=False)
    with SimulatorHost.for_definition(definition) as host:
        session = await open_session(path, keyring)
        await session.add_profile(Profile("VT", "veeting", host.base_url, fields=dict(definition.fields)),
                                  definition.secret)
        await session.connect("VT")
        start, _end = session.meeting_window()
        meeting = await session.create_meeting("VT", MeetingDraft(
            "Remember me", start + timedelta(days=2), start + timedelta(days=2, hours=1),
            options={"invited": "ada@example.org"}))
        assert [m.id for m in session.meetings()] == [meeting.id]
        await session.aclose()

        text = path.read_text(encoding="utf-8")
        stored = definition.state.meetings[meeting.id]
        assert meeting.id in text and "ada@example.org" in text
        assert definition.secret not in text and stored["icsToken"] not in text

        again = await open_session(path, keyring)
        await again.connect("VT")
        [listed] = again.meetings()
        assert listed.id == meeting.id and listed.local_only and listed.title == "Remember me"
        await again.aclose()
