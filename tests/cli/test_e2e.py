"""The CLI as a user runs it: separate processes, the real keyring (gnome-keyring on a private D-Bus),
real simulators over loopback HTTP."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import (
    REPO,
    Run,
    Sim,
    closed_port,
    files_containing,
    keyring_get,
    run_subprocess,
    secret_service,
    secret_service_available,
    simulator,
)


def plain_env(config: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON_KEYRING")}
    env.update(MEETDESK_CONFIG_DIR=str(config), PYTHONPATH=str(REPO), **extra)
    return env


def assert_clean_error(run: Run, code: int, says: str) -> None:
    assert run.code == code, run
    assert "Traceback" not in run.err + run.out, run
    assert run.err.startswith("Error: ") and says.lower() in run.err.lower(), run


def test_python_m_meetdesk_version(isolated_config: Path) -> None:
    run = run_subprocess("--version", env=plain_env(isolated_config))
    assert run.code == 0 and run.out.strip() == "meetdesk 0.1.0", run


def test_meetdesk_help_via_console_script(isolated_config: Path) -> None:
    import subprocess

    script = Path(sys.executable).with_name("meetdesk")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "meetdesk"]
    proc = subprocess.run([*command, "--help"], env=plain_env(isolated_config), text=True, capture_output=True,
                          timeout=60, check=False, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: meetdesk")
    assert "profile" in proc.stdout and "rooms" in proc.stdout and "Exit codes" in proc.stdout


def test_without_a_secret_service_profile_add_refuses_instead_of_forgetting(isolated_config: Path,
                                                                           tmp_path: Path) -> None:
    """No D-Bus, no keyring override: keyring's own discovery must not pick meetdesk's memory store."""
    with simulator("plugnmeet") as sim:
        env = {k: v for k, v in plain_env(isolated_config).items() if not k.startswith("DBUS_")}
        env["XDG_RUNTIME_DIR"] = str(tmp_path)
        run = run_subprocess(*sim.add_args("Campus"), env=env, stdin=sim.secret + "\n")
        assert_clean_error(run, 1, "keyring is not available")
        assert "stored in the keyring" not in run.out
        listed = run_subprocess("profile", "list", "--json", env=env)
        assert listed.code == 0 and listed.json() == [], listed


def test_no_keyring_profile_add_fails_cleanly(isolated_config: Path) -> None:
    with simulator("plugnmeet") as sim:
        env = plain_env(isolated_config, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
        run = run_subprocess(*sim.add_args("Campus"), env=env, stdin=sim.secret + "\n")
        assert_clean_error(run, 1, "keyring is not available")
        assert run_subprocess("profile", "list", "--json", env=env).out.strip() == "[]"
        assert files_containing(isolated_config, sim.secret) == []


def test_no_terminal_and_no_secret_stdin_is_a_usage_error(isolated_config: Path) -> None:
    env = plain_env(isolated_config, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    run = run_subprocess("profile", "add", "Campus", "--provider", "plugnmeet", "--url", "https://meet.example.org",
                         "--field", "api_key=k", env=env)  # stdin is /dev/null, not a terminal
    assert_clean_error(run, 2, "--secret-stdin")


# with the real Secret Service ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyring_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not secret_service_available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide dbus-daemon and gnome-keyring-daemon for the real keyring tests")
        pytest.skip("no dbus-daemon / gnome-keyring-daemon here")
    with secret_service(tmp_path_factory.mktemp("keyring-home")) as env:
        yield env


@pytest.fixture
def env(keyring_env: dict[str, str], isolated_config: Path) -> dict[str, str]:
    return {**keyring_env, "MEETDESK_CONFIG_DIR": str(isolated_config)}


@pytest.fixture
def plugnmeet() -> Iterator[Sim]:
    with simulator("plugnmeet") as sim:
        yield sim


@pytest.mark.keyring_real
def test_end_to_end_with_real_keyring(env: dict[str, str], plugnmeet: Sim, isolated_config: Path) -> None:
    added = run_subprocess(*plugnmeet.add_args("Campus E2E"), "--json", env=env, stdin=plugnmeet.secret + "\n")
    assert added.code == 0, added
    assert added.json()["secret_stored"] is True
    assert keyring_get(env, "Campus E2E") == plugnmeet.secret
    assert files_containing(isolated_config, plugnmeet.secret) == []

    checked = run_subprocess("check", "Campus E2E", "--json", env=env)
    assert checked.code == 0 and checked.json()["server"]["product"] == "plugNmeet", checked

    rooms = run_subprocess("rooms", "Campus E2E", "--json", env=env)
    assert rooms.code == 0, rooms
    assert rooms.json() and all(r["profile"] == "Campus E2E" for r in rooms.json())

    created = run_subprocess("room", "create", "Campus E2E", "--name", "Sprechstunde", "--json", env=env)
    assert created.code == 0, created
    room_id = created.json()["id"]
    link = run_subprocess("link", "Campus E2E", "--room", room_id, "--name", "Eva", "--json", env=env)
    assert link.code == 0 and "access_token=" in link.json()["url"], link
    assert run_subprocess("room", "end", "Campus E2E", room_id, env=env).code == 0

    for run in (added, checked, rooms, created, link):
        assert plugnmeet.secret not in run.out + run.err

    removed = run_subprocess("profile", "remove", "Campus E2E", env=env)
    assert removed.code == 0, removed
    assert keyring_get(env, "Campus E2E") is None


@pytest.mark.keyring_real
def test_wrong_secret_and_unreachable_exit_codes(env: dict[str, str], plugnmeet: Sim) -> None:
    wrong = run_subprocess(*plugnmeet.add_args("Wrong"), env=env, stdin="not-the-secret\n")
    assert wrong.code == 0, wrong
    assert_clean_error(run_subprocess("check", "Wrong", env=env), 3, "")
    fixed = run_subprocess("profile", "secret", "Wrong", "--secret-stdin", env=env, stdin=plugnmeet.secret + "\n")
    assert fixed.code == 0, fixed
    assert run_subprocess("check", "Wrong", env=env).code == 0

    port = closed_port()
    gone = run_subprocess("profile", "add", "Gone", "--provider", "plugnmeet", "--url", f"http://127.0.0.1:{port}",
                          "--field", "api_key=k", "--secret-stdin", env=env, stdin="s\n")
    assert gone.code == 0, gone
    unreachable = run_subprocess("check", "Gone", "--json", env=env)
    assert_clean_error(unreachable, 5, "")
    assert unreachable.json()["error"]["type"] == "UnreachableError"
    for name in ("Wrong", "Gone"):
        assert run_subprocess("profile", "remove", name, env=env).code == 0
        assert keyring_get(env, name) is None
