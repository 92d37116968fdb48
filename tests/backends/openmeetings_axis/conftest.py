"""The legacy OpenMeetings simulator on a clock the tests move (its sessions expire after idle time)."""

from __future__ import annotations

import pytest

from meetdesk.backends.openmeetings_axis.simulator.app import build
from meetdesk.simulators.host import SimulatorDefinition
from tests.backends.conftest import Clock


@pytest.fixture
def simulator(clock: Clock) -> SimulatorDefinition:
    return build(clock=clock)
