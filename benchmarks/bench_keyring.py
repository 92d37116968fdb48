"""A keyring backend for the CLI benchmark only: the simulator's sample secret from ``MEETDESK_BENCH_SECRET``.

Selected with ``PYTHON_KEYRING_BACKEND=benchmarks.bench_keyring.EnvKeyring`` in the benchmark's child processes,
so the measured command line runs without a desktop keyring service."""

from __future__ import annotations

import os

import keyring.backend
import keyring.errors


class EnvKeyring(keyring.backend.KeyringBackend):
    priority = 0  # never chosen by discovery

    def get_password(self, service: str, username: str) -> str | None:
        return os.environ.get("MEETDESK_BENCH_SECRET")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("read-only benchmark keyring")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("read-only benchmark keyring")
