"""The shared client factory: URL policy, CA files, redaction of every kind of secret in logs."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from meetdesk.backends.http import USER_AGENT, Redactor, build_client, check_url_policy
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import Profile
from meetdesk.simulators.host import SimulatorHost


def test_plain_http_to_remote_host_needs_explicit_permission() -> None:
    with pytest.raises(ValidationError) as info:
        check_url_policy(Profile("p", "k", "http://meet.example.org"))
    assert info.value.field == "base_url" and "unencrypted" in info.value.message
    check_url_policy(Profile("p", "k", "http://meet.example.org", allow_http=True))
    check_url_policy(Profile("p", "k", "http://127.0.0.1:8080"))
    check_url_policy(Profile("p", "k", "https://meet.example.org"))


def test_missing_or_bad_ca_file_is_a_field_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        build_client(Profile("p", "k", "https://x.org", ca_file=str(tmp_path / "none.pem")))
    assert info.value.field == "ca_file"
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(ValidationError) as info:
        build_client(Profile("p", "k", "https://x.org", ca_file=str(bad)))
    assert info.value.field == "ca_file"


def test_redactor_scrubs_query_values_headers_json_and_known_secrets() -> None:
    r = Redactor(["hunter2-secret"])
    url = r.url("https://x.org/?access_token=eyJabc.def&custom_design=%7B%7D&secure=abc123&jwt=zzz&sid=S1&x=1")
    for secret in ("eyJabc.def", "abc123", "zzz", "S1"):
        assert secret not in url
    assert "custom_design=%7B%7D" in url and "x=1" in url
    headers = r.headers(httpx.Headers({"API-KEY": "k", "HASH-SIGNATURE": "sig", "Accept": "json"}))
    assert headers == {"api-key": "***", "hash-signature": "***", "accept": "json"}
    assert r.text('login with hunter2-secret {"password": "pw", "token":"t"}') == (
        'login with *** {"password": "***", "token":"***"}'
    )
    assert "pw@" not in r.url("https://user:pw@x.org/a")


async def echo(request: Request) -> JSONResponse:
    return JSONResponse({"ua": request.headers["user-agent"]})


@pytest.mark.asyncio
async def test_logs_redact_query_secrets_and_show_status(caplog: pytest.LogCaptureFixture) -> None:
    app = Starlette(routes=[Route("/echo", echo)])
    with SimulatorHost(app) as host:
        logger = logging.getLogger("meetdesk.backends.test")
        caplog.set_level(logging.DEBUG, logger="meetdesk.backends.test")
        async with build_client(Profile("p", "k", host.base_url), secrets=["top-secret-value"],
                                logger=logger, headers={"API-KEY": "top-secret-value"}) as client:
            r = await client.get("/echo", params={"access_token": "tok-777", "sid": "sid-888"})
        assert r.json()["ua"] == USER_AGENT
    text = caplog.text
    assert "/echo" in text and "→ 200" in text
    for secret in ("tok-777", "sid-888", "top-secret-value"):
        assert secret not in text


def test_short_secrets_and_every_secret_query_key_are_redacted() -> None:
    redactor = Redactor(["pw", "x7"])
    text = redactor.text("GET /login?user=bob&userpass=pw&SID=ab&invitation=Q&secure=1 password pw, px7q")
    assert "userpass=***" in text and "SID=***" in text and "invitation=***" in text and "secure=***" in text
    assert " pw," not in text and "password ***" in text
    assert "px7q" in text  # a short secret inside a longer word is left (it is not that secret)
    assert redactor.url("https://alice:s3@h.example/x?token=t") == "https://alice:***@h.example/x?token=***"


CA_BUNDLE_PROBE = """
import asyncio, ssl, sys
import httpx
from meetdesk.backends.http import build_client
from meetdesk.domain.models import Profile

loads = []
real = ssl.SSLContext.load_verify_locations
def counted(self, *args, **kwargs):
    loads.append(args or kwargs)
    return real(self, *args, **kwargs)
ssl.SSLContext.load_verify_locations = counted

async def main(plain, secure):
    async with build_client(Profile("p", "k", plain)) as client:
        assert (await client.get(plain + "/echo")).status_code == 200
        print("after http", len(loads))
        try:  # the default CA bundle does not know the simulator's own CA: verified, refused
            await client.get(secure + "/echo")
        except httpx.ConnectError as exc:
            print("https refused", "CERTIFICATE_VERIFY_FAILED" in str(exc))
        print("after https", len(loads))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_the_ca_bundle_is_loaded_for_the_first_https_request_only() -> None:
    """Loading the CA bundle into a TLS context costs ~20 ms of every command; a plain-http server (loopback, an
    allowed LAN address) never uses it. A server on https is verified against it exactly as before. (A process of
    its own: a context made earlier in this one may be shared.)"""
    import subprocess
    import sys

    app = Starlette(routes=[Route("/echo", echo)])
    with SimulatorHost(app) as plain, SimulatorHost(app, tls=True) as secure:
        done = subprocess.run([sys.executable, "-c", CA_BUNDLE_PROBE, plain.base_url, secure.base_url],
                              capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["after http 0", "https refused True", "after https 1"], done.stdout
