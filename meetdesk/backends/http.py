"""The shared httpx client factory.

Every provider builds its client here so that timeouts, TLS, the plain-http policy, the User-Agent,
retries and secret-redacting logs are the same for all back ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import re
import ssl
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import httpx

from meetdesk import __version__
from meetdesk.backends import sliced_json
from meetdesk.backends.offload import off_loop
from meetdesk.domain.errors import AnswerLostError, ProtocolError, TLSError, UnreachableError, ValidationError
from meetdesk.domain.models import DEFAULT_DEADLINE_S, Profile
from meetdesk.domain.redaction import REDACTED, redact_url, redact_urls_in
from meetdesk.domain.values import is_loopback_host

USER_AGENT = f"meetdesk/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=6.0)
#: a longer answer is refused with a clear error instead of filling the memory
MAX_ANSWER_BYTES = 32 * 1024 * 1024
#: JSON bodies longer than this are decoded on a worker thread, so the window never stalls
OFFLOAD_JSON_BYTES = 256 * 1024
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: calls that change something: when their answer is lost after the request went out they are not sent
#: again — the caller checks the server's state instead (see Session.delete_room)
STATE_CHANGING_METHODS = frozenset({"PUT", "DELETE"})
_JSON_EXTENSION = "meetdesk_json"
RETRY_STATUSES = frozenset({502, 503, 504})
#: request extension a provider sets on a POST that is safe to repeat (a pure read)
IDEMPOTENT_EXTENSION = "meetdesk_idempotent"

SENSITIVE_HEADERS = frozenset(
    {"authorization", "api-key", "hash-signature", "x-api-key", "x-access-token", "cookie", "set-cookie",
     "x-auth-token", "proxy-authorization", "x-password", "x-conference-authorization"}
)
#: secrets shorter than this are redacted where they stand alone (between non-alphanumerics)
SHORT_SECRET = 4
class Redactor:
    """Removes known secrets and secret-looking query values from text meant for logs.

    Every known secret is removed whatever its length: a two-character password is still a password.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = {s for s in secrets if s}

    def add(self, *secrets: str | None) -> None:
        for s in secrets:
            if s:
                self._secrets.add(s)

    def url(self, url: str | httpx.URL) -> str:
        return self.text(redact_url(url))

    def headers(self, headers: httpx.Headers) -> dict[str, str]:
        return {k: (REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}

    def text(self, text: str) -> str:
        text = redact_urls_in(text)
        for s in sorted(self._secrets, key=len, reverse=True):
            for form in {s, quote(s, safe=""), quote_plus(s, safe="")}:
                if len(form) >= SHORT_SECRET:
                    text = text.replace(form, REDACTED)
                else:  # a very short secret only where it stands alone, or every "e" of a log line would go
                    text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", REDACTED, text)
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


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Verification is always on; a CA file adds the server's own certificate authority.

    Contexts are made once and shared by every client with the same trust (an ``SSLContext`` is meant to be
    shared): loading a CA bundle takes 50–150 ms of the event loop, once per connected server before.
    """
    if not ca_file:
        return _shared_context(None, 0, 0, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    path = Path(ca_file).expanduser()
    if not path.is_file():
        raise ValidationError(f"The CA file {path} does not exist.", field="ca_file")
    stat = path.stat()  # a replaced CA file is loaded again
    return _shared_context(str(path.resolve()), stat.st_mtime_ns, stat.st_size, None, None)


@functools.lru_cache(maxsize=32)
def _shared_context(ca_file: str | None, _mtime_ns: int, _size: int, _cert_file: str | None,
                    _cert_dir: str | None) -> ssl.SSLContext:
    if ca_file is None:
        return httpx.create_ssl_context()  # what httpx makes for verify=True (certifi, or SSL_CERT_FILE/DIR)
    ctx = ssl.create_default_context()
    try:
        ctx.load_verify_locations(cafile=ca_file)
    except (ssl.SSLError, OSError) as exc:
        raise ValidationError(f"The CA file {ca_file} is not a PEM certificate file.", field="ca_file",
                              detail=str(exc)) from None
    return ctx


def warm_tls_context() -> None:
    """Make the default context now (the window's start-up calls this in a worker thread)."""
    tls_context(None)


#: what httpx imports on a client's first request (its transport stack under asyncio)
TRANSPORT_MODULES = ("h11", "httpcore", "sniffio", "anyio", "anyio._backends._asyncio", "httpcore._backends.anyio")


def warm_transport() -> None:
    """Import the transport stack now (the window calls this in a worker thread before connecting)."""
    import importlib

    for name in TRANSPORT_MODULES:
        importlib.import_module(name)


class DeadlineExceeded(httpx.ReadTimeout):
    """The whole call (retries and body included) took longer than the profile's deadline."""

    def __init__(self, seconds: float, request: httpx.Request) -> None:
        super().__init__(f"no complete answer within {seconds:g} s", request=request)
        self.seconds = seconds


class AnswerTooLarge(httpx.DecodingError):
    """The answer is longer than :data:`MAX_ANSWER_BYTES`."""

    def __init__(self, limit: int, request: httpx.Request) -> None:
        super().__init__(f"the answer is longer than {limit // (1024 * 1024)} MB", request=request)
        self.limit = limit


class _CappedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int, request: httpx.Request) -> None:
        self._inner, self._limit, self._request = inner, limit, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        total = 0
        async for chunk in self._inner:
            total += len(chunk)
            if total > self._limit:
                raise AnswerTooLarge(self._limit, self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _cap(response: httpx.Response, request: httpx.Request, limit: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise AnswerTooLarge(limit, request)
    stream = response.stream
    assert isinstance(stream, httpx.AsyncByteStream)
    response.stream = _CappedStream(stream, limit, request)


class _TransportPerScheme(httpx.AsyncBaseTransport):
    """httpx's transport, made on the first request of each scheme.

    Making it loads the CA bundle into a TLS context (~20 ms of every command); a plain-http server (loopback, an
    allowed LAN address) never uses that, so its transport gets a context with no CA at all (it could not verify,
    hence not complete, any TLS handshake). An https request gets the verifying transport, made when first needed.
    """

    def __init__(self, verify: ssl.SSLContext | bool | None) -> None:
        self._verify = verify  # None: the default (tls_context(None)), made when first needed
        self._by_scheme: dict[str, httpx.AsyncHTTPTransport] = {}

    def _verifying(self) -> ssl.SSLContext | bool:
        return self._verify if self._verify is not None else tls_context(None)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        scheme = request.url.scheme
        transport = self._by_scheme.get(scheme)
        if transport is None:
            verify = self._verifying() if scheme != "http" else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            transport = self._by_scheme[scheme] = httpx.AsyncHTTPTransport(verify=verify)
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._by_scheme.values():
            await transport.aclose()


class RetryTransport(httpx.AsyncBaseTransport):
    """Bounded retry with exponential backoff.

    Connection failures before anything was sent are retried for every method; read failures and
    502/503/504 only for idempotent requests (GET, PUT, DELETE, … or a POST marked idempotent).
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, *, retries: int = 2, backoff: float = 0.2,
                 max_bytes: int | None = None) -> None:
        self._inner = inner
        self._retries = retries
        self._backoff = backoff
        self._max_bytes = max_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        idempotent = request.method in IDEMPOTENT_METHODS or bool(request.extensions.get(IDEMPOTENT_EXTENSION))
        # a lost answer to a DELETE or PUT is not sent again: the caller checks what happened instead
        resend_after_loss = idempotent and request.method not in STATE_CHANGING_METHODS
        attempt = 0
        while True:
            try:
                response = await self._inner.handle_async_request(request)
                _cap(response, request, self._max_bytes or MAX_ANSWER_BYTES)
                if idempotent:
                    # read here so that a connection dropped mid-body is retried too
                    await response.aread()
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt >= self._retries or _is_tls_failure(exc):
                    raise
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
                if not resend_after_loss or attempt >= self._retries:
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
    # a profile's CA file is read now (its errors are the profile's); the default CA bundle on the first https call
    transport = RetryTransport(_TransportPerScheme(tls_context(profile.ca_file) if profile.ca_file else None),
                               retries=retries)

    async def on_request(request: httpx.Request) -> None:
        request.extensions["meetdesk_started"] = time.monotonic()
        if log.isEnabledFor(logging.DEBUG):
            log.debug("→ %s %s %s", request.method, redactor.url(request.url), redactor.headers(request.headers))

    async def on_response(response: httpx.Response) -> None:
        if not log.isEnabledFor(logging.INFO):
            return  # redacting the address costs more than the request's own bookkeeping
        started = response.request.extensions.get("meetdesk_started", time.monotonic())
        log.info(
            "%s %s → %d (%.0f ms)",
            response.request.method,
            redactor.url(response.request.url),
            response.status_code,
            (time.monotonic() - started) * 1000,
        )

    client = _DeadlineClient(
        deadline_s=profile.deadline_s or DEFAULT_DEADLINE_S,
        base_url=base_url or profile.base_url,
        transport=transport,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        event_hooks={"request": [on_request], "response": [on_response]},
        follow_redirects=False,
    )
    client.meetdesk_redactor = redactor  # type: ignore[attr-defined]
    return client


class _DeadlineClient(httpx.AsyncClient):
    """Every ``send`` — retries, redirects and the whole body — is over within ``deadline_s`` seconds.

    httpx's own timeouts are per read: a server that drips one byte a second never trips them.
    """

    def __init__(self, *, deadline_s: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline_s = deadline_s

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        try:
            async with asyncio.timeout(self.deadline_s):
                response = await super().send(request, **kwargs)
                if not kwargs.get("stream"):
                    # httpx binds the stream to its response (BoundAsyncStream → response): a cycle only the
                    # cyclic collector frees. Decoding off the loop freezes what is alive then, garbage cycles
                    # included (backends/offload.py), so a read answer would stay in memory for good. The body
                    # is read: its bytes are the whole stream now.
                    response.stream = httpx.ByteStream(response.content)
                    await _decode_large_json(response)
                return response
        except TimeoutError:
            raise DeadlineExceeded(self.deadline_s, request) from None


async def _decode_large_json(response: httpx.Response) -> None:
    """Decode a long JSON body on a worker thread now, so :func:`json_body` never stalls the event loop."""
    content = response.content
    if len(content) <= OFFLOAD_JSON_BYTES or "json" not in response.headers.get("content-type", ""):
        return
    try:
        value: object = await off_loop(lambda: sliced_json.loads(content.decode(response.encoding or "utf-8")))
    except (ValueError, RecursionError, LookupError) as exc:
        value = _Undecodable(type(exc).__name__)
    response.extensions[_JSON_EXTENSION] = value


@dataclass(frozen=True)
class _Undecodable:
    reason: str


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
    except DeadlineExceeded as exc:
        raise UnreachableError(
            f"{server} did not finish answering within {exc.seconds:g} seconds{where}.",
            detail=f"overall deadline{where}",
            hint="The server or the network is very slow. Try again later, or give the profile a longer deadline.",
        ) from None
    except AnswerTooLarge as exc:
        raise ProtocolError(
            f"{server}'s answer{where} is larger than {exc.limit // (1024 * 1024)} MB, more than meetdesk accepts.",
            detail=f"answer over {exc.limit} bytes{where}",
        ) from None
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
        raise AnswerLostError(
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
    """Decode a JSON body or raise a ProtocolError naming the call (a long one was decoded off the loop)."""
    decoded = response.extensions.get(_JSON_EXTENSION, _NOT_DECODED)
    try:
        if decoded is _NOT_DECODED:
            return response.json()
        if isinstance(decoded, _Undecodable):
            raise ValueError(decoded.reason)
        return decoded
    except (ValueError, RecursionError) as exc:
        what = "nested too deeply" if isinstance(exc, RecursionError) or "Recursion" in str(exc) else "not valid JSON"
        raise ProtocolError(
            f"The server's answer to {call} was {what}.",
            detail=f"HTTP {response.status_code}, {len(response.content)} bytes",
        ) from None


_NOT_DECODED = object()
