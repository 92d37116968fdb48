"""One TLS simulator for the module; every test starts from fresh seed data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from meetdesk.backends.huawei.simulator import build
from meetdesk.backends.huawei.simulator.state import HuaweiState
from meetdesk.simulators.host import SimulatorHost


@dataclass
class Server:
    host: SimulatorHost
    state: HuaweiState
    fields: dict[str, str]
    secret: str
    app_auth: dict[str, str]


@pytest.fixture
def server() -> Iterator[Server]:
    definition = build()
    assert definition.tls
    with SimulatorHost.for_definition(definition, tls=True) as host:
        yield Server(host, definition.state, dict(definition.fields), definition.secret,
                     dict(definition.extra["app_auth"]))
