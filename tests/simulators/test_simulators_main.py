"""``python -m meetdesk.simulators``: one JSON line, a working server, a clean stop on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import json
import selectors
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from meetdesk.backends.base import create_provider
from meetdesk.backends.registry import BACKENDS
from meetdesk.domain.models import Profile
from tests.cli.support import REPO, require_kind


def read_line(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            raise AssertionError("the simulator printed nothing")
    return proc.stdout.readline()


@contextmanager
def running(*args: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    proc = subprocess.Popen([sys.executable, "-m", "meetdesk.simulators", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        line = read_line(proc)
        assert line.endswith("\n"), line
        yield proc, json.loads(line)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def stop(proc: subprocess.Popen[str], signum: int) -> int:
    proc.send_signal(signum)
    _out, err = proc.communicate(timeout=20)
    assert "Traceback" not in err, err
    return proc.returncode


def connect(info: dict[str, Any]) -> Any:
    profile = Profile("sim", info["provider"], info["base_url"], dict(info["fields"]), ca_file=info["ca_file"])

    async def go() -> Any:
        provider = create_provider(profile, info["secret"])
        try:
            server = await provider.connect()
            return server, await provider.list_rooms()
        finally:
            await provider.aclose()

    return asyncio.run(go())


def test_serves_until_sigint_and_exits_0() -> None:
    require_kind("plugnmeet")
    with running("--provider", "plugnmeet") as (proc, info):
        assert set(info) == {"provider", "base_url", "fields", "secret", "ca_file"}
        assert info["provider"] == "plugnmeet" and info["base_url"].startswith("http://127.0.0.1:")
        assert info["ca_file"] is None and info["secret"]
        server, rooms = connect(info)  # a real signed request with the printed credentials
        assert server.product == "plugNmeet" and rooms, "seeded by default"
        assert stop(proc, signal.SIGINT) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(info["base_url"], timeout=2)


def test_tls_no_seed_latency_and_sigterm() -> None:
    require_kind("plugnmeet")
    with running("--provider", "plugnmeet", "--tls", "--no-seed", "--latency-ms", "200") as (proc, info):
        assert info["base_url"].startswith("https://127.0.0.1:")
        ca_file = Path(info["ca_file"])
        assert ca_file.is_file()
        started = time.monotonic()
        response = httpx.get(info["base_url"] + "/", verify=ssl.create_default_context(cafile=str(ca_file)),
                             timeout=10)
        assert time.monotonic() - started >= 0.2
        assert response.status_code < 500
        _server, rooms = connect(info)
        assert rooms == []
        assert stop(proc, signal.SIGTERM) == 0
    assert not ca_file.exists(), "the throwaway CA is removed on stop"


def test_fixed_port() -> None:
    require_kind("plugnmeet")
    from tests.cli.support import closed_port

    port = closed_port()
    with running("--provider", "plugnmeet", "--port", str(port)) as (proc, info):
        assert info["base_url"] == f"http://127.0.0.1:{port}"
        assert stop(proc, signal.SIGINT) == 0


def test_list_and_bad_arguments() -> None:
    listed = subprocess.run([sys.executable, "-m", "meetdesk.simulators", "--list"], cwd=REPO, text=True,
                            capture_output=True, timeout=60, check=False)
    assert listed.returncode == 0
    kinds = listed.stdout.split()
    assert "plugnmeet" in kinds and set(kinds) == set(BACKENDS)
    for args in (["--provider", "zoomish"], [], ["--provider", "plugnmeet", "--latency-ms", "-1"]):
        bad = subprocess.run([sys.executable, "-m", "meetdesk.simulators", *args], cwd=REPO, text=True,
                             capture_output=True, timeout=60, check=False)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
