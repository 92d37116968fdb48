"""The README's "Command line" section runs as written, in order, against the demo servers it starts itself.

The block is run by bash with ``set -e``: the first command that fails (or prints "Error:") fails the test and
names itself. ``source .venv/bin/activate`` is honoured by a stand-in that puts the test's own interpreter
directory (the venv meetdesk is installed in) first on PATH; the secrets go to a real gnome-keyring on a private
D-Bus, the profiles to a throwaway config directory (the block sets ``MEETDESK_CONFIG_DIR`` itself).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import REPO, secret_service, secret_service_available


def readme_block(heading: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert section is not None, f"README has no “{heading}” section"
    block = re.search(r"```sh\n(.*?)```", section.group(1), re.S)
    assert block is not None, f"the “{heading}” section has no sh code block"
    return block.group(1)


def test_readme_names_system_packages_for_debian_and_fedora() -> None:
    from meetdesk.ui.platform_check import XCB_LIBRARIES

    text = (REPO / "README.md").read_text(encoding="utf-8")
    apt = re.search(r"sudo apt install ((?:[^\n`]*\\\n)*[^\n`]*)", text)
    dnf = re.search(r"sudo dnf install ((?:[^\n`]*\\\n)*[^\n`]*)", text)
    assert apt and dnf
    assert {lib.debian for lib in XCB_LIBRARIES} <= set(apt.group(1).replace("\\", " ").split())
    assert {lib.fedora for lib in XCB_LIBRARIES} <= set(dnf.group(1).replace("\\", " ").split())


def test_command_line_section_says_where_meetdesk_is() -> None:
    block = readme_block("Command line")
    assert block.index("source .venv/bin/activate") < block.index("meetdesk providers")


@pytest.fixture(scope="module")
def keyring_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not secret_service_available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide dbus-daemon and gnome-keyring-daemon for the README test")
        pytest.skip("no dbus-daemon / gnome-keyring-daemon here")
    with secret_service(tmp_path_factory.mktemp("keyring-home")) as env:
        yield env


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.keyring_real
def test_command_line_section_runs_as_written(keyring_env: dict[str, str], tmp_path: Path) -> None:
    block = readme_block("Command line")
    ports = [int(p) for p in re.findall(r"--port (\d+)", block)]
    busy = [p for p in ports if not _port_free(p)]
    assert not busy, f"the README's demo ports {busy} are taken on this machine"
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "meetdesk").exists(), f"meetdesk is not installed next to {sys.executable}"
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "activate").write_text(f'export PATH="{bin_dir}:$PATH"\n', encoding="utf-8")
    script = ("set -euo pipefail\n"
              "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
              "export PS4='+ README: '\n"
              "set -x\n" + block)
    env = {k: v for k, v in keyring_env.items() if k != "MEETDESK_CONFIG_DIR"}
    env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
    env.pop("PYTHONPATH", None)  # the installed meetdesk, as a user has it
    bash = shutil.which("bash")
    assert bash is not None
    result = subprocess.run([bash, "-c", script], cwd=tmp_path, env=env, text=True, capture_output=True,
                            timeout=240, check=False)
    report = f"exit {result.returncode}\n--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    assert result.returncode == 0, report
    assert "Error:" not in result.stdout + result.stderr, report
    assert "Traceback" not in result.stderr, report
    # every meetdesk line of the block ran
    ran = result.stderr.count("+ README: meetdesk ")
    written = len(re.findall(r"^(?:printf [^|]*\| )?meetdesk ", block, re.M))
    assert ran >= written, report
