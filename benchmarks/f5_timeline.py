"""The request timeline of one F5: what each simulator received, when, and when each back end's rows were shown.

``python -m benchmarks.f5_timeline [LATENCY_MS]`` serves plugNmeet, OpenMeetings and OpenMeetings Axis
in-process (each answer delayed ``LATENCY_MS``, 300 by default), connects a session, refreshes once to warm the
connections, then prints the second refresh: one line per request (arrived → answered, in ms after F5), each
back end's data events, and the sequential round trips per server before its rooms were shown.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from benchmarks.simulators import KINDS


async def timeline(latency_ms: int) -> str:
    from meetdesk.domain.models import Profile
    from meetdesk.services.memory_keyring import MemoryKeyring
    from meetdesk.services.profile_store import ProfileStore
    from meetdesk.services.secret_store import SecretStore
    from meetdesk.services.session import Session, SessionEvent
    from meetdesk.simulators.faults import Faults
    from meetdesk.simulators.host import SimulatorHost, build_simulator
    from meetdesk.simulators.timeline import RequestTimeline, render, rounds

    store = ProfileStore(Path(tempfile.mkdtemp(prefix="meetdesk-timeline-")) / "profiles.json")
    store.load()
    session = Session(store, SecretStore(backend=MemoryKeyring()))
    timelines: dict[str, RequestTimeline] = {}
    with ExitStack() as stack:
        for kind in KINDS:
            definition = build_simulator(kind)
            timelines[kind] = RequestTimeline()
            host = stack.enter_context(SimulatorHost.for_definition(
                definition, tls=definition.tls, faults=Faults(latency_ms=latency_ms), timeline=timelines[kind]))
            await session.add_profile(Profile(name=kind, kind=kind, base_url=host.base_url,
                                              fields=dict(definition.fields), ca_file=host.ca_file),
                                      definition.secret)
        await session.connect_all()
        events: list[tuple[float, str]] = []
        session.subscribe(lambda event, name: events.append((time.perf_counter(), f"{name}: {event.value}"))
                          if event in (SessionEvent.DATA, SessionEvent.WARNING) else None)
        for t in timelines.values():
            t.clear()
        events.clear()
        started = time.perf_counter()
        await session.refresh()
        done = time.perf_counter()
        await session.aclose()
    lines = [f"one F5 at {latency_ms} ms latency (times in ms after session.refresh())",
             render({k: t.arrivals() for k, t in timelines.items()}, started), ""]
    lines += [f"{(at - started) * 1000:7.0f}    event  {what}" for at, what in events]
    lines.append(f"{(done - started) * 1000:7.0f}    refresh() returned")
    first_data = {what.split(":")[0]: at for at, what in reversed(events) if what.endswith(": data")}
    for kind, t in timelines.items():
        shown = first_data.get(kind, done)
        lines.append(f"{kind}: {rounds(t.arrivals(until=shown))} sequential round(s) before its rows were "
                     f"shown, {rounds(t.arrivals())} in all")
    return "\n".join(lines)


def main() -> int:
    latency = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    print(asyncio.run(timeline(latency)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
