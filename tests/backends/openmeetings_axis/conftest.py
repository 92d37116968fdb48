"""The legacy OpenMeetings simulator on a clock the tests move (its sessions expire after idle time)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from meetdesk.backends.openmeetings_axis.simulator.app import build
from meetdesk.simulators.host import SimulatorHost


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock: Clock) -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build(clock=clock)) as host:
        yield host
