"""Secrets in the OS keyring (service ``meetdesk``, one entry per profile), accessed off the UI thread.

When no usable keyring exists the secret is kept in memory for this run only and ``warning`` says so.
There is deliberately no file fallback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import keyring
import keyring.backend
import keyring.errors
from jaraco.classes import properties

log = logging.getLogger("meetdesk.services.secrets")

SERVICE = "meetdesk"
KEYRING_TIMEOUT_S = 30.0


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


class SecretStore:
    """Async access to per-profile secrets.

    Args:
        backend: the keyring backend; defaults to the one keyring selects for this desktop.
        on_warning: called (on the event loop) with a sentence for the user when falling back to memory.
    """

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None,
                 on_warning: Callable[[str], None] | None = None) -> None:
        self._backend = backend
        self._memory: dict[str, str] = {}
        self._degraded_reason: str | None = None
        self.on_warning = on_warning

    @property
    def backend_name(self) -> str:
        backend = self._backend or keyring.get_keyring()
        return f"{type(backend).__module__.rsplit('.', 1)[-1]}.{type(backend).__name__}"

    @property
    def warning(self) -> str | None:
        """A sentence for the user when secrets are only kept in memory, else None."""
        if self._degraded_reason is None:
            return None
        return ("The system keyring is not available (" + self._degraded_reason + "). "
                "Passwords are kept for this run only and will be asked for again next time.")

    @property
    def degraded(self) -> bool:
        return self._degraded_reason is not None

    def _keyring(self) -> Any:
        return self._backend or keyring.get_keyring()

    async def _call(self, func: Callable[..., Any], *args: str) -> Any:
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(None, func, *args), KEYRING_TIMEOUT_S)

    def _degrade(self, exc: BaseException) -> None:
        if isinstance(exc, keyring.errors.NoKeyringError):
            reason = "no keyring service was found"
        elif isinstance(exc, keyring.errors.KeyringLocked):
            reason = "the keyring is locked"
        elif isinstance(exc, TimeoutError):
            reason = "the keyring did not answer"
        else:
            reason = f"{type(exc).__name__}"
        first = self._degraded_reason is None
        self._degraded_reason = reason
        log.warning("keyring unusable (%s); keeping secrets in memory for this run", reason)
        if first and self.on_warning is not None:
            message = self.warning
            assert message is not None
            self.on_warning(message)

    async def get(self, profile: str) -> str | None:
        if profile in self._memory:
            return self._memory[profile]
        if self.degraded:
            return None
        try:
            value = await self._call(self._keyring().get_password, SERVICE, profile)
        except Exception as exc:  # keyring backends raise many things (D-Bus, jeepney, …)
            self._degrade(exc)
            return None
        return value if isinstance(value, str) else None

    async def set(self, profile: str, secret: str) -> None:
        if not self.degraded:
            try:
                await self._call(self._keyring().set_password, SERVICE, profile, secret)
                self._memory.pop(profile, None)
                return
            except Exception as exc:
                self._degrade(exc)
        self._memory[profile] = secret

    async def delete(self, profile: str) -> None:
        self._memory.pop(profile, None)
        if self.degraded:
            return
        try:
            await self._call(self._keyring().delete_password, SERVICE, profile)
        except keyring.errors.PasswordDeleteError:
            pass
        except Exception as exc:
            self._degrade(exc)

    async def rename(self, old: str, new: str) -> None:
        if old == new:
            return
        secret = await self.get(old)
        if secret is None:
            return
        await self.set(new, secret)
        await self.delete(old)
