"""The shared httpx client factory.

Every provider builds its client here so that timeouts, TLS, the plain-http policy, the User-Agent,
retries and secret-redacting logs are the same for all back ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import ssl
import time
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from meetdesk import __version__
from meetdesk.domain.errors import ProtocolError, TLSError, UnreachableError, ValidationError
from meetdesk.domain.models import Profile
from meetdesk.domain.values import is_loopback_host

USER_AGENT = f"meetdesk/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=6.0)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})
#: request extension a provider sets on a POST that is safe to repeat (a pure read)
IDEMPOTENT_EXTENSION = "meetdesk_idempotent"

SENSITIVE_HEADERS = frozenset(
    {"authorization", "api-key", "hash-signature", "x-api-key", "x-access-token", "cookie", "set-cookie",
     "x-auth-token", "proxy-authorization", "x-password", "x-conference-authorization"}
)
SENSITIVE_QUERY_KEYS = frozenset(
    {"access_token", "secure", "securehash", "jwt", "token", "sid", "pass", "password", "secret",
     "checksum", "session_id", "sessionid", "hash", "api_key", "apikey", "signature"}
)
REDACTED = "***"


class Redactor:
    """Removes known secrets and secret-looking query values from text meant for logs."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = {s for s in secrets if s and len(s) >= 3}

    def add(self, *secrets: str | None) -> None:
        for s in secrets:
            if s and len(s) >= 3:
                self._secrets.add(s)

    def url(self, url: str | httpx.URL) -> str:
        parts = urlsplit(str(url))
        if parts.query:
            pairs = [
                (k, REDACTED if k.lower() in SENSITIVE_QUERY_KEYS else v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
            ]
            parts = parts._replace(query=urlencode(pairs, safe="*"))
        if parts.password:
            parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", f":{REDACTED}@"))
        return self.text(urlunsplit(parts))

    def headers(self, headers: httpx.Headers) -> dict[str, str]:
        return {k: (REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}

    def text(self, text: str) -> str:
        for s in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(s, REDACTED)
        return _JSON_SECRET.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)


_JSON_SECRET = re.compile(
    r'("(?:password|pass|secret|api_secret|token|access_token|sid|jwt|hash|signature)"\s*:\s*)"[^"]*"',
    re.IGNORECASE,
)


def check_url_policy(profile: Profile) -> None:
    """Refuse plain http to a non-loopback host unless the profile allows it."""
    parts = urlsplit(profile.base_url)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname) and not profile.allow_http:
        raise ValidationError(
            "This server address uses plain http://, which sends passwords unencrypted.",
            field="base_url",
            hint="Use https:// or tick “Allow unencrypted http://” in the profile if you must.",
        )


def tls_context(ca_file: str | None) -> ssl.SSLContext | bool:
    """Verification is always on; a CA file adds the server's own certificate authority."""
    if not ca_file:
        return True
    path = Path(ca_file).expanduser()
    if not path.is_file():
        raise ValidationError(f"The CA file {path} does not exist.", field="ca_file")
    ctx = ssl.create_default_context()
    try:
        ctx.load_verify_locations(cafile=str(path))
    except (ssl.SSLError, OSError) as exc:
        raise ValidationError(f"The CA file {path} is not a PEM certificate file.", field="ca_file",
                              detail=str(exc)) from None
    return ctx


class RetryTransport(httpx.AsyncBaseTransport):
    """Bounded retry with exponential backoff.

    Connection failures before anything was sent are retried for every method; read failures and
    502/503/504 only for idempotent requests (GET, PUT, DELETE, … or a POST marked idempotent).
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, *, retries: int = 2, backoff: float = 0.2) -> None:
        self._inner = inner
        self._retries = retries
        self._backoff = backoff

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        idempotent = request.method in IDEMPOTENT_METHODS or bool(request.extensions.get(IDEMPOTENT_EXTENSION))
        attempt = 0
        while True:
            try:
                response = await self._inner.handle_async_request(request)
                if idempotent:
                    # read here so that a connection dropped mid-body is retried too
                    await response.aread()
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt >= self._retries or _is_tls_failure(exc):
                    raise
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
                if not idempotent or attempt >= self._retries:
                    raise
            else:
                if response.status_code in RETRY_STATUSES and idempotent and attempt < self._retries:
                    await response.aclose()
                else:
                    return response
            attempt += 1
            await asyncio.sleep(self._backoff * (2 ** (attempt - 1)) * (0.8 + random.random() * 0.4))

    async def aclose(self) -> None:
        await self._inner.aclose()


def build_client(
    profile: Profile,
    *,
    secrets: Iterable[str] = (),
    logger: logging.Logger | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    retries: int = 2,
    base_url: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.AsyncClient:
    """Create the AsyncClient a provider uses for ``profile``.

    Args:
        secrets: every secret value the client may carry (password, API secret, …): scrubbed from logs.
        base_url: defaults to the profile's base URL.
    """
    check_url_policy(profile)
    redactor = Redactor(secrets)
    log = logger or logging.getLogger("meetdesk.backends.http")
    verify = tls_context(profile.ca_file)
    transport = RetryTransport(httpx.AsyncHTTPTransport(verify=verify), retries=retries)

    async def on_request(request: httpx.Request) -> None:
        request.extensions["meetdesk_started"] = time.monotonic()
        if log.isEnabledFor(logging.DEBUG):
            log.debug("→ %s %s %s", request.method, redactor.url(request.url), redactor.headers(request.headers))

    async def on_response(response: httpx.Response) -> None:
        started = response.request.extensions.get("meetdesk_started", time.monotonic())
        log.info(
            "%s %s → %d (%.0f ms)",
            response.request.method,
            redactor.url(response.request.url),
            response.status_code,
            (time.monotonic() - started) * 1000,
        )

    client = httpx.AsyncClient(
        base_url=base_url or profile.base_url,
        transport=transport,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        event_hooks={"request": [on_request], "response": [on_response]},
        follow_redirects=False,
    )
    client.meetdesk_redactor = redactor  # type: ignore[attr-defined]
    return client


def redactor_of(client: httpx.AsyncClient) -> Redactor:
    return getattr(client, "meetdesk_redactor", Redactor())


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextlib.asynccontextmanager
async def translate_errors(server: str, call: str = "") -> AsyncIterator[None]:
    """Map transport exceptions onto the project's errors.

    Args:
        server: how to name the server to the user (the profile name or host).
        call: the API call, for the technical detail.
    """
    where = f" ({call})" if call else ""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise UnreachableError(
            f"{server} did not answer in time.", detail=f"{type(exc).__name__}{where}",
            hint="Check the server address and your network, then try again.",
        ) from None
    except httpx.ConnectError as exc:
        if _is_tls_failure(exc):
            raise TLSError(
                f"The certificate of {server} could not be verified.", detail=f"{exc}{where}",
                hint="If the server uses its own certificate authority, set its CA file in the profile.",
            ) from None
        raise UnreachableError(
            f"Could not connect to {server}.", detail=f"{exc}{where}",
            hint="Check the server address and that the server is running.",
        ) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
        raise UnreachableError(
            f"The connection to {server} was dropped.", detail=f"{type(exc).__name__}{where}",
            hint="Try again; if it keeps happening the server may be overloaded.",
        ) from None
    except httpx.DecodingError as exc:
        raise ProtocolError(f"{server} sent a response meetdesk could not decode{where}.",
                            detail=str(exc)) from None
    except httpx.UnsupportedProtocol:
        raise ValidationError("The server address must start with http:// or https://.",
                              field="base_url") from None
    except httpx.HTTPError as exc:
        raise UnreachableError(f"Talking to {server} failed.", detail=f"{type(exc).__name__}{where}") from None


def json_body(response: httpx.Response, call: str) -> object:
    """Decode a JSON body or raise a ProtocolError naming the call."""
    try:
        return response.json()
    except ValueError:
        raise ProtocolError(
            f"The server's answer to {call} was not valid JSON.",
            detail=f"HTTP {response.status_code}, {len(response.content)} bytes",
        ) from None
