"""Session-wide test setup: offscreen Qt, an isolated config dir, no real keyring unless asked for."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
# keep Qt quiet about the missing runtime dir under CI containers
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/meetdesk-test-runtime")
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own MEETDESK_CONFIG_DIR; the user's config is never touched."""
    path = tmp_path / "config"
    monkeypatch.setenv("MEETDESK_CONFIG_DIR", str(path))
    yield path


@pytest.fixture
def memory_keyring() -> Iterator[object]:
    """Make the in-memory keyring the process-wide keyring for the test."""
    import keyring

    from meetdesk.services.secret_store import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
