"""What every CLI command works with: the profile store, the keyring, the session and the printer."""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, field
from typing import TextIO

from meetdesk.backends.base import Capability, Provider, provider_class
from meetdesk.cli.input import in_sentence
from meetdesk.cli.output import Output
from meetdesk.domain.errors import AuthenticationError, MeetdeskError, UnsupportedOperationError
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import SecretStore
from meetdesk.services.session import Connection, ConnectionState, Session

log = logging.getLogger("meetdesk.cli")

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

    async def connect(self, name: str, need: Capability = Capability.NONE,
                      what: str = "") -> tuple[Session, Connection, type[Provider]]:
        """Connect profile ``name`` (which loads its data) after checking the back end can do ``need``."""
        cls = self.profile_class(name, need, what)
        session = self.session()
        try:
            await session.connect(name)
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
