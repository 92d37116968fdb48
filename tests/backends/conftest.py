"""What the back ends' tests share: a simulator served on loopback on a clock the test moves.

A package or module says which simulator ``server`` serves by defining the ``simulator`` fixture (built with
``clock=clock`` where its sessions or meetings expire); ``server`` serves it for the test and stops it after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from meetdesk.simulators.host import SimulatorDefinition, SimulatorHost


class Clock:
    """A simulator's clock, moved by the test (``clock.now += 31 * 60``)."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(simulator: SimulatorDefinition) -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(simulator) as host:
        yield host
