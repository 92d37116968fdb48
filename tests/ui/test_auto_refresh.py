"""Auto-refresh against a real simulator: it keeps participant counts current, backs off from a failing server,
and asks nothing while the machine is offline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from meetdesk.domain.models import Profile
from meetdesk.services.session import Session
from meetdesk.simulators.faults import Faults
from meetdesk.simulators.host import SimulatorHost, build_simulator
from meetdesk.ui.auto_refresh import AutoRefresh
from tests.ui.conftest import until


@pytest.fixture
def sim() -> Iterator[tuple[Any, SimulatorHost, Faults]]:
    definition = build_simulator("plugnmeet", seed=False)
    faults = Faults()
    with SimulatorHost.for_definition(definition, faults=faults) as host:
        yield definition, host, faults


async def _connect(session: Session, definition: Any, host: SimulatorHost) -> None:
    await session.add_profile(Profile("Campus", "plugnmeet", host.base_url, fields=dict(definition.fields)),
                              definition.secret)
    await session.connect("Campus")


def _requests(definition: Any) -> int:
    return len(definition.state.requests)


@pytest.mark.asyncio
async def test_new_rooms_appear_without_f5_and_a_failing_server_is_asked_less_often(
        session: Session, sim: tuple[Any, SimulatorHost, Faults]) -> None:
    definition, host, faults = sim
    await _connect(session, definition, host)
    auto = AutoRefresh(session)
    auto.set_interval(0.2)
    definition.state.add_room("late", "Late room")
    await until(lambda: any(r.id == "late" for r in session.connection("Campus").rooms), what="the new room")

    faults.error_rate = 1.0  # the server starts failing
    await until(lambda: auto.failures("Campus") >= 2, timeout=15, what="two failed refreshes")
    assert session.connection("Campus").refresh_error
    assert auto.delay("Campus") >= 0.2 * 4  # doubled per failure
    faults.error_rate = 0.0
    await until(lambda: auto.failures("Campus") == 0, timeout=15, what="recovery")
    assert auto.delay("Campus") == pytest.approx(0.2)
    await auto.stop()


@pytest.mark.asyncio
async def test_nothing_is_asked_while_offline(session: Session, sim: tuple[Any, SimulatorHost, Faults]) -> None:
    import asyncio

    definition, host, _faults = sim
    await _connect(session, definition, host)
    online = False
    reasons: list[str] = []
    auto = AutoRefresh(session, online=lambda: online)
    auto.paused.connect(reasons.append)
    auto.set_interval(0.1)
    before = _requests(definition)
    await asyncio.sleep(0.8)
    assert _requests(definition) == before
    assert reasons and "offline" in reasons[-1]
    online = True
    await until(lambda: _requests(definition) > before, what="a refresh once online again")
    assert reasons[-1] == ""
    await auto.stop()
