"""profiles.json under concurrent writers and odd contents: locked, re-read under the lock, written atomically;
a read never moves or rewrites the file; BOMs, deep nesting and bad entries get a message, not a crash."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import Profile
from meetdesk.services.profile_store import ProfileStore, validate_profile_name

PER_PROCESS = 60


def _writer(config: str, prefix: str, start: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    os.environ["MEETDESK_CONFIG_DIR"] = config
    store = ProfileStore()
    store.load()  # an old view of the file: every add must still keep what the other process wrote meanwhile
    start.wait()
    for i in range(PER_PROCESS):
        store.add(Profile(name=f"{prefix}{i}", kind="plugnmeet", base_url="https://meet.example.org",
                          fields={"api_key": "k"}))


def test_two_processes_adding_profiles_lose_none(isolated_config: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(str(isolated_config), p, start)) for p in ("a", "b")]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = ProfileStore()
    assert store.load().warnings == []
    assert sorted(store.names()) == sorted(f"{p}{i}" for p in "ab" for i in range(PER_PROCESS))


def _write(config: Path, data: bytes) -> Path:
    config.mkdir(parents=True, exist_ok=True)
    path = config / "profiles.json"
    path.write_bytes(data)
    return path


GOOD = {"name": "Campus", "kind": "plugnmeet", "base_url": "https://meet.example.org", "fields": {"api_key": "k"}}


def test_a_utf8_bom_is_accepted(isolated_config: Path) -> None:
    _write(isolated_config, b"\xef\xbb\xbf" + json.dumps({"schema": 2, "profiles": [GOOD]}).encode())
    store = ProfileStore()
    assert store.load().warnings == [] and store.names() == ["Campus"]


def test_a_deeply_nested_file_is_reported_not_fatal(isolated_config: Path) -> None:
    data = b'{"schema": 2, "profiles": [' + b"[" * 200_000 + b"]" * 200_000 + b"]}"
    path = _write(isolated_config, data)
    store = ProfileStore()
    report = store.load()
    assert store.names() == [] and "nested too deeply" in report.warnings[0]
    assert path.read_bytes() == data


def test_bad_entries_are_named_skipped_and_kept(isolated_config: Path) -> None:
    entries = [GOOD, dict(GOOD), {"name": 5, "kind": "plugnmeet", "base_url": "x"},
               dict(GOOD, name="Leaky", base_url="https://user:pw@meet.example.org"), "junk"]
    path = _write(isolated_config, json.dumps({"schema": 2, "profiles": entries}).encode())
    store = ProfileStore()
    warnings = store.load().warnings
    assert store.names() == ["Campus"]
    text = " ".join(warnings)
    assert "appears twice" in text and "“Leaky” was skipped" in text and "number 3" in text and "number 5" in text
    store.add(Profile(name="New", kind="plugnmeet", base_url="https://meet.example.org", fields={"api_key": "k"}))
    kept = json.loads(path.read_text())["profiles"]
    assert len(kept) == len(entries) + 1  # nothing the user had is dropped by a write


@pytest.mark.parametrize("name, says", [("a\x00b", "control"), ("evil\u202etxt.exe", "text-direction"),
                                        ("tab\there", "control"), ("zero\u200bwidth", "invisible")])
def test_profile_names_refuse_control_and_bidi_characters(name: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_profile_name(name)
    assert says in caught.value.message


def test_profile_names_are_nfc_so_lookalikes_cannot_coexist(isolated_config: Path) -> None:
    store = ProfileStore()
    store.load()
    store.add(Profile(name="Caf\u00e9", kind="plugnmeet", base_url="https://meet.example.org",
                      fields={"api_key": "k"}))
    with pytest.raises(ValidationError, match="already exists"):
        store.add(Profile(name="Cafe\u0301", kind="plugnmeet", base_url="https://meet.example.org",
                          fields={"api_key": "k"}))
    assert store.get("Cafe\u0301").name == "Caf\u00e9"
