"""RequestTimeline: arrival and answer times of each request, and the sequential rounds they form."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from meetdesk.simulators.faults import Faults
from meetdesk.simulators.host import SimulatorHost
from meetdesk.simulators.timeline import Arrival, RequestTimeline, render, rounds
from tests.held_requests import HeldRequests


async def _ok(request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


APP = Starlette(routes=[Route("/a", _ok), Route("/b", _ok)])


def _at(arrived: float, answered: float) -> Arrival:
    return Arrival("GET", "/x", arrived, answered, 200)


def test_rounds_is_the_longest_chain_of_requests_sent_after_an_answer() -> None:
    assert rounds([]) == 0
    assert rounds([_at(0, 1), _at(0.1, 1.1), _at(0.2, 1.2)]) == 1  # all at once
    assert rounds([_at(0, 1), _at(1.0, 2), _at(2.5, 3)]) == 3  # each after the previous answer
    assert rounds([_at(0, 1), _at(0, 0.2), _at(0.3, 1.5), _at(1.6, 2)]) == 3


@pytest.mark.asyncio
async def test_the_timeline_sees_the_latency_and_never_a_secret() -> None:
    timeline = RequestTimeline()
    # the two requests sent at once are answered only once both are in (a busy machine could deliver the second
    # one more than a latency after the first, which the timeline rightly calls a round of its own)
    held = HeldRequests(APP)
    with SimulatorHost(held, faults=Faults(latency_ms=150), timeline=timeline) as host:
        async with httpx.AsyncClient(base_url=host.base_url) as client:

            async def work() -> None:
                await asyncio.gather(client.get("/a", params={"sid": "s3cret", "start": "0"}), client.get("/b"))
                await client.get("/a")

            await held.run(work(), sizes=[2, 1])
    assert [len(wave) for wave in held.waves] == [2, 1]
    arrivals = timeline.arrivals()
    assert [a.path for a in arrivals][-1] == "/a" and len(arrivals) == 3
    assert all(a.answered - a.arrived >= 0.14 and a.status == 200 for a in arrivals)
    assert rounds(arrivals) == 2
    text = render({"sim": arrivals}, arrivals[0].arrived)
    assert "start=0" in text and "s3cret" not in text and "sid" not in text
