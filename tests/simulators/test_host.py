"""The simulator host with a small test app: plain and TLS serving, each fault kind, clean shutdown."""

from __future__ import annotations

import socket

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from meetdesk.backends.http import build_client, json_body, translate_errors
from meetdesk.domain.errors import ProtocolError, TLSError, UnreachableError
from meetdesk.domain.models import Profile
from meetdesk.simulators.faults import Faults
from meetdesk.simulators.host import SimulatorHost

hits: list[str] = []


async def hello(request: Request) -> JSONResponse:
    hits.append(request.method)
    return JSONResponse({"hello": "world", "ua": request.headers.get("user-agent")})


APP = Starlette(routes=[Route("/web/hello", hello, methods=["GET", "POST"])])


def _profile(host: SimulatorHost, **kw: object) -> Profile:
    return Profile("Test", "test", host.base_url, **kw)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_serves_on_loopback_free_port_and_stops() -> None:
    with SimulatorHost(APP, base_path="/web") as host:
        assert host.base_url.startswith("http://127.0.0.1:") and host.base_url.endswith("/web")
        async with build_client(_profile(host)) as client:
            r = await client.get("hello")
        assert r.json()["hello"] == "world"
        assert r.json()["ua"].startswith("meetdesk/")
        port = host.port
    with socket.socket() as s:  # the port is free again: the server really stopped
        s.bind(("127.0.0.1", port))


@pytest.mark.asyncio
async def test_tls_verification_on_with_profile_ca_file() -> None:
    with SimulatorHost(APP, base_path="/web", tls=True) as host:
        assert host.base_url.startswith("https://") and host.ca_file
        async with build_client(_profile(host, ca_file=host.ca_file)) as client:
            assert (await client.get("hello")).status_code == 200
        async with build_client(_profile(host)) as client:  # system CAs do not know the simulator's CA
            with pytest.raises(TLSError) as info:
                async with translate_errors("Test server"):
                    await client.get("hello")
        assert "CA file" in (info.value.hint or "")


@pytest.mark.asyncio
async def test_latency_fault_delays_requests() -> None:
    import time

    with SimulatorHost(APP, base_path="/web", faults=Faults(latency_ms=300)) as host:
        async with build_client(_profile(host)) as client:
            started = time.monotonic()
            await client.get("hello")
            assert time.monotonic() - started >= 0.3


@pytest.mark.asyncio
async def test_error_fault_retried_for_get_but_not_post() -> None:
    hits.clear()
    with SimulatorHost(APP, base_path="/web", faults=Faults(error_rate=1.0, error_status=503)) as host:
        async with build_client(_profile(host), retries=2) as client:
            r = await client.get("hello")
            assert r.status_code == 503
            assert host.faults.injected["error"] == 3  # first try + 2 retries
            r = await client.post("hello")
            assert r.status_code == 503
            assert host.faults.injected["error"] == 4  # a POST is not repeated
        assert hits == []  # the app never saw a request


@pytest.mark.asyncio
async def test_drop_fault_becomes_unreachable_error() -> None:
    with SimulatorHost(APP, base_path="/web", faults=Faults(drop_rate=1.0)) as host:
        async with build_client(_profile(host), retries=1) as client:
            with pytest.raises(UnreachableError, match="dropped"):
                async with translate_errors("Test server", "hello"):
                    await client.get("hello")
        assert host.faults.injected["drop"] == 2


@pytest.mark.asyncio
async def test_malformed_fault_becomes_protocol_error() -> None:
    with SimulatorHost(APP, base_path="/web", faults=Faults(malformed_rate=1.0)) as host:
        async with build_client(_profile(host)) as client:
            r = await client.get("hello")
            with pytest.raises(ProtocolError, match="hello"):
                json_body(r, "hello")


@pytest.mark.asyncio
async def test_faults_change_at_runtime_and_by_path() -> None:
    with SimulatorHost(APP, base_path="/web") as host:
        async with build_client(_profile(host), retries=0) as client:
            assert (await client.get("hello")).status_code == 200
            host.faults.error_rate = 1.0
            host.faults.path_prefix = "/other"
            assert (await client.get("hello")).status_code == 200
            host.faults.path_prefix = "/web"
            assert (await client.get("hello")).status_code == 503
            host.faults.clear()
            assert (await client.get("hello")).status_code == 200


@pytest.mark.asyncio
async def test_unreachable_port_is_reported_plainly() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    profile = Profile("Gone", "test", f"http://127.0.0.1:{port}")
    async with build_client(profile, retries=0) as client:
        with pytest.raises(UnreachableError, match="Could not connect to Gone"):
            async with translate_errors("Gone"):
                await client.get("/")
    assert isinstance(httpx.Timeout(1.0), httpx.Timeout)
