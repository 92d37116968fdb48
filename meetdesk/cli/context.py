"""What every CLI command works with: the profile store, the keyring, the session and the printer."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TextIO, TypeVar

from meetdesk.backends.base import Capability, Provider, provider_class
from meetdesk.backends.rows import as_protocol_error, collect_skipped
from meetdesk.cli.input import in_sentence
from meetdesk.cli.output import Output
from meetdesk.domain.errors import AuthenticationError, MeetdeskError, UnsupportedOperationError
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import SecretStore
from meetdesk.services.session import Connection, ConnectionState, Session

log = logging.getLogger("meetdesk.cli")
T = TypeVar("T")

KEYRING_HINT = ("Start or unlock your desktop keyring (GNOME Keyring, KWallet, the macOS Keychain or the "
                "Windows Credential Manager) and run the command again.")


def kind_class(kind: str) -> type[Provider]:
    """The provider class of ``kind``, with a readable error when this build cannot load it."""
    try:
        return provider_class(kind)
    except (ImportError, AttributeError) as exc:
        log.debug("provider %s not loadable", kind, exc_info=exc)
        raise MeetdeskError(f"This copy of meetdesk cannot talk to “{kind}” servers.",
                            hint="Run “meetdesk providers” to see the back ends it supports.") from None


def require(cls: type[Provider], need: Capability, what: str) -> None:
    """Refuse up front what the back end cannot do, before connecting."""
    if need and need not in cls.capabilities:
        raise UnsupportedOperationError(f"{cls.display_name} does not support {what}.")


@dataclass
class Context:
    out: Output
    stdin: TextIO
    store: ProfileStore
    secrets: SecretStore
    _session: Session | None = field(default=None, repr=False)

    @classmethod
    def create(cls, out: Output, stdin: TextIO) -> Context:
        store = ProfileStore()
        for warning in store.load().warnings:
            out.warn(warning)
        return cls(out=out, stdin=stdin, store=store, secrets=SecretStore())

    def session(self) -> Session:
        if self._session is None:
            self._session = Session(self.store, self.secrets)
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.aclose()

    def profile_class(self, name: str, need: Capability = Capability.NONE, what: str = "") -> type[Provider]:
        """The provider class of profile ``name``, refusing what it cannot do — without any network."""
        cls = kind_class(self.store.get(name).kind)
        require(cls, need, what)
        return cls

    async def connect(self, name: str, need: Capability = Capability.NONE, what: str = "", *,
                      load: bool = True) -> tuple[Session, Connection, type[Provider]]:
        """Connect profile ``name`` after checking the back end can do ``need``; ``load`` loads all its data as the
        window's refresh does (a listing command passes False and asks with :meth:`read` for what it prints)."""
        cls = self.profile_class(name, need, what)
        session = self.session()
        try:
            await session.connect(name, load=load)
        except AuthenticationError:
            if session.connection(name).state is not ConnectionState.NEEDS_SECRET:
                raise
            if self.secrets.degraded:
                raise AuthenticationError(
                    f"meetdesk cannot read the saved password of “{name}”: the system keyring is not available.",
                    hint=KEYRING_HINT) from None
            spec = cls.secret_field()
            label = in_sentence(spec.label) if spec else "password"
            raise AuthenticationError(f"There is no saved {label} for “{name}”.",
                                      hint=f"Store it with: meetdesk profile secret {shlex.quote(name)}") from None
        return session, session.connection(name), cls

    async def read(self, name: str, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """``await call()`` — one read of a connected profile's data: the rows it had to skip are named on stderr,
        an unexpected failure becomes a ProtocolError (as in the session's refresh), never an empty list.

        ``call`` is called inside: tasks it starts (``asyncio.gather``) must see the collector of skipped rows."""
        try:
            with collect_skipped() as skipped:
                result = await call()
        except Exception as raw:
            exc = as_protocol_error(raw, name, what)
            if exc is not raw:
                log.warning("loading %s of %s failed unexpectedly", what, name, exc_info=raw)
            raise exc from None
        for warning in skipped:
            self.out.warn(warning)
        return result
