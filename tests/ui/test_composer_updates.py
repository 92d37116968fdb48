"""The composer follows the session without rebuilding what did not change (issue 12: no stall after the paint)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Profile
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import MemoryKeyring, SecretStore
from meetdesk.services.session import Session
from meetdesk.simulators.host import SimulatorHost, build_simulator
from meetdesk.ui.composer import JoinLinkComposer
from meetdesk.ui.session_bridge import bridge_for
from tests.ui.widget_cleanup import delete_kept_widgets, keep  # noqa: F401 (autouse fixture)


@pytest.mark.asyncio
async def test_a_status_change_that_leaves_the_profiles_as_they_are_does_not_rebuild_the_combo(
        qtbot: QtBot, tmp_path: Path) -> None:
    definition = build_simulator("plugnmeet", seed=False)
    with SimulatorHost.for_definition(definition) as host:
        store = ProfileStore(tmp_path / "profiles.json")
        store.load()
        session = Session(store, SecretStore(backend=MemoryKeyring()))
        await session.add_profile(Profile("Campus", "plugnmeet", host.base_url, fields=dict(definition.fields),
                                          ca_file=host.ca_file), definition.secret)
        await session.connect("Campus")
        composer = JoinLinkComposer(session, session.store)
        keep(composer)
        removed: list[int] = []
        composer.profile_combo.model().rowsRemoved.connect(lambda *_: removed.append(1))
        for _ in range(5):  # what seven back ends connecting and refreshing send
            bridge_for(session).status_changed.emit("Campus")
        await session.add_profile(Profile("Other", "plugnmeet", host.base_url, fields=dict(definition.fields),
                                          ca_file=host.ca_file), definition.secret)  # not connected: not listed
        assert removed == []
        assert composer.profile_combo.count() == 1 and composer.profile_name() == "Campus"
        await session.disconnect("Campus")  # a real change still empties it
        assert composer.profile_combo.count() == 0 and removed
        await session.aclose()
