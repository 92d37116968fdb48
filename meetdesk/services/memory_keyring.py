"""An in-memory keyring backend for demo mode and tests (kept apart so importing the secret store stays cheap)."""

from __future__ import annotations

import keyring.backend
import keyring.errors
from jaraco.classes import properties


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the process ends (demo mode and tests).

    Only ever used when meetdesk passes it explicitly: keyring's discovery treats every subclass as a
    candidate, and one of priority 0 can win against "no keyring" — then secrets would vanish at exit while
    meetdesk said "stored in the keyring". A priority that raises makes it not viable for discovery.
    """

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("meetdesk's memory keyring is never chosen automatically")

    def __init__(self) -> None:
        super().__init__()
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
