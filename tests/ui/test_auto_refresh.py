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


@pytest.mark.asyncio
async def test_a_server_being_refreshed_is_not_asked_again_meanwhile(
        session: Session, sim: tuple[Any, SimulatorHost, Faults]) -> None:
    """F5 running when an auto-refresh is due: the auto-refresh starts no second refresh of that server (it would
    wait for F5's and ask again), and its interval starts anew."""
    import asyncio

    definition, host, faults = sim
    await _connect(session, definition, host)
    auto = AutoRefresh(session, clock=lambda: clock)
    clock = 0.0
    auto.set_interval(1.0)
    auto.tick()  # due one interval from now
    faults.latency_ms = 600
    f5 = asyncio.ensure_future(session.refresh("Campus"))
    await until(lambda: session.refreshing("Campus"), what="F5 running")
    clock = 5.0  # the auto-refresh is due while F5 runs
    auto.tick()
    assert auto.delay("Campus") == 1.0 and not auto._running
    await f5
    faults.latency_ms = 0
    auto.tick()
    assert not auto._running  # the interval started again when F5 was seen running
    clock = 6.5
    auto.tick()
    assert "Campus" in auto._running
    await auto.stop()
