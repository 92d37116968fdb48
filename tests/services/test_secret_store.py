from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring.errors
import pytest

from meetdesk.services.secret_store import SERVICE, MemoryKeyring, SecretStore


@pytest.mark.asyncio
async def test_memory_backend_set_get_rename_delete() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    await store.set("Campus", "pw-1")
    assert backend.get_password(SERVICE, "Campus") == "pw-1"
    await store.rename("Campus", "Campus 2")
    assert await store.get("Campus") is None
    assert await store.get("Campus 2") == "pw-1"
    await store.delete("Campus 2")
    await store.delete("Campus 2")  # deleting twice is fine
    assert await store.get("Campus 2") is None
    assert store.warning is None


class _BrokenKeyring(MemoryKeyring):
    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc


@pytest.mark.asyncio
@pytest.mark.parametrize(("exc", "reason"), [
    (keyring.errors.NoKeyringError("none"), "no keyring service"),
    (keyring.errors.KeyringLocked("locked"), "locked"),
])
async def test_unusable_keyring_falls_back_to_memory_with_one_warning(exc: Exception, reason: str,
                                                                      isolated_config: Path) -> None:
    warnings: list[str] = []
    store = SecretStore(backend=_BrokenKeyring(exc), on_warning=warnings.append)
    await store.set("Campus", "pw-memory")
    assert await store.get("Campus") == "pw-memory"
    await store.set("Other", "pw-2")
    assert len(warnings) == 1 and reason in warnings[0] and "this run only" in warnings[0]
    assert store.degraded
    # never a file fallback
    assert not isolated_config.exists() or not any(
        "pw-memory" in p.read_text(errors="ignore") for p in isolated_config.rglob("*") if p.is_file())


def _real_keyring_available() -> bool:
    return bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))


REAL_SCRIPT = textwrap.dedent("""
    import asyncio, keyring
    from meetdesk.services.secret_store import SecretStore, SERVICE

    async def main():
        store = SecretStore()
        await store.set("Campus", "pw-real-123")
        assert not store.degraded, store.warning
        assert keyring.get_password(SERVICE, "Campus") == "pw-real-123"
        await store.rename("Campus", "Campus 2")
        assert keyring.get_password(SERVICE, "Campus") is None
        assert await store.get("Campus 2") == "pw-real-123"
        await store.delete("Campus 2")
        assert keyring.get_password(SERVICE, "Campus 2") is None
        print("BACKEND", store.backend_name)

    asyncio.run(main())
""")


def run_in_secret_service(tmp_path: Path, command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` (sh) inside a private D-Bus session with an unlocked gnome-keyring and a throwaway HOME."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_"))}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"), PYTHONPATH=str(Path.cwd()))
    (home / "run").mkdir(mode=0o700)
    wrapped = ("printf throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
               + command)
    return subprocess.run(["dbus-run-session", "--", "sh", "-c", wrapped], env=env, text=True,
                          capture_output=True, timeout=60, check=False)


@pytest.mark.keyring_real
def test_real_secret_service_roundtrip(tmp_path: Path) -> None:
    if not _real_keyring_available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide dbus-run-session and gnome-keyring-daemon for the real keyring test")
        pytest.skip("no dbus-run-session / gnome-keyring-daemon here")
    script = tmp_path / "real.py"
    script.write_text(REAL_SCRIPT)
    result = run_in_secret_service(tmp_path, f"{sys.executable} {script}")
    assert result.returncode == 0, result.stderr
    assert "BACKEND SecretService.Keyring" in result.stdout


def test_the_memory_keyring_is_never_chosen_by_keyring_discovery() -> None:
    import keyring.backend

    from meetdesk.services.secret_store import MemoryKeyring

    assert not MemoryKeyring.viable
    assert not any(isinstance(b, MemoryKeyring) for b in keyring.backend.get_all_keyring())


def test_without_a_secret_service_keyring_falls_back_to_no_keyring_not_memory(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    code = ("import meetdesk.services.secret_store, keyring; b = keyring.get_keyring(); "
            "print(type(b).__module__ + '.' + type(b).__name__)")
    out = subprocess.run([sys.executable, "-c", code], env=env, text=True, capture_output=True, timeout=60,
                         check=True).stdout
    assert "MemoryKeyring" not in out, out
