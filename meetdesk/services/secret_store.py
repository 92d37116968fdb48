"""Secrets in the OS keyring (service ``meetdesk``, one entry per profile), accessed off the UI thread.

When no usable keyring exists the secret is kept in memory for this run only and ``warning`` says so.
There is deliberately no file fallback.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # keyring is imported when a secret is first needed: ~70 ms a command without one saves
    import keyring.backend

    from meetdesk.services.memory_keyring import MemoryKeyring

log = logging.getLogger("meetdesk.services.secrets")

SERVICE = "meetdesk"
KEYRING_TIMEOUT_S = 30.0
__all__ = ["SERVICE", "MemoryKeyring", "SecretStore"]


def _keyring_module() -> Any:
    return importlib.import_module("keyring")


def _keyring_errors() -> Any:
    return importlib.import_module("keyring.errors")


def __getattr__(name: str) -> Any:
    if name == "MemoryKeyring":  # its home is memory_keyring (it needs keyring imported)
        from meetdesk.services.memory_keyring import MemoryKeyring

        return MemoryKeyring
    raise AttributeError(name)


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
        backend = self._backend or _keyring_module().get_keyring()
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
        return self._backend or _keyring_module().get_keyring()

    async def _call(self, func: Callable[..., Any], *args: str) -> Any:
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(None, func, *args), KEYRING_TIMEOUT_S)

    def _degrade(self, exc: BaseException) -> None:
        if isinstance(exc, _keyring_errors().NoKeyringError):
            reason = "no keyring service was found"
        elif isinstance(exc, _keyring_errors().KeyringLocked):
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
        except Exception as exc:
            if not isinstance(exc, _keyring_errors().PasswordDeleteError):
                self._degrade(exc)

    async def rename(self, old: str, new: str) -> None:
        if old == new:
            return
        secret = await self.get(old)
        if secret is None:
            return
        await self.set(new, secret)
        await self.delete(old)
