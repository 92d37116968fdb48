"""The usual verbs for BigBlueButton and Jitsi, in-process with --json, against their simulators."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from meetdesk.services.secret_store import MemoryKeyring
from tests.cli.support import Run, Sim, run_in_process, simulator

Cli = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str, stdin: str = "") -> Run:
        return run_in_process(capsys, *args, stdin=stdin)

    return run


@pytest.fixture
def bbb() -> Iterator[Sim]:
    with simulator("bigbluebutton") as sim:
        yield sim


@pytest.fixture
def jitsi() -> Iterator[Sim]:
    with simulator("jitsi") as sim:
        yield sim


def ok(result: Run) -> Run:
    assert result.code == 0, result
    return result


def test_bigbluebutton_verbs(cli: Cli, bbb: Sim, memory_keyring: MemoryKeyring) -> None:
    ok(cli(*bbb.add_args("Campus"), stdin=bbb.secret + "\n"))
    rooms = ok(cli("rooms", "Campus", "--json")).json()
    biology = next(r for r in rooms if r["id"] == "biology-101")
    assert biology["participants"] == 4 and biology["extra"]["moderators"] == 1
    assert not any(bbb.definition.state.meetings["biology-101"].moderator_pw in str(r) for r in rooms)
    created = ok(cli("room", "create", "Campus", "--name", "Physics", "--id", "physics-1", "--option", "record=yes",
                     "--option", "metadata=course=Physics", "--json")).json()
    assert created["id"] == "physics-1" and created["status"] == "waiting"
    moderator = ok(cli("link", "Campus", "--room", "physics-1", "--name", "Ada", "--moderator", "--user-id", "ada",
                       "--design", "userdata-bbb_custom_style_url=https://cdn.example/brand.css", "--json")).json()
    viewer = ok(cli("link", "Campus", "--room", "physics-1", "--name", "Jonas", "--json")).json()
    query = parse_qs(urlsplit(moderator["url"]).query)
    assert query["role"] == ["MODERATOR"] and query["userdata-bbb_custom_style_url"] == ["https://cdn.example/brand.css"]
    assert moderator["expires_at"] is None and "exists" in moderator["note"]
    assert parse_qs(urlsplit(viewer["url"]).query)["role"] == ["VIEWER"]
    assert httpx.get(viewer["url"]).status_code == 302
    refused = cli("link", "Campus", "--room", "physics-1", "--name", "A", "--design", "primary_color=#fff", "--json")
    assert refused.code == 2 and "not a design setting of BigBlueButton" in refused.err
    ok(cli("room", "end", "Campus", "physics-1", "--json"))

    listed = ok(cli("recordings", "Campus", "--state", "published,unpublished", "--json")).json()
    assert {r["extra"]["state"] for r in listed} == {"published", "unpublished"}
    target = next(r for r in listed if r["extra"]["state"] == "unpublished")["id"]
    ok(cli("recording", "publish", "Campus", target, "--json"))
    ok(cli("recording", "update", "Campus", target, "--meta", "topic=Week 2", "--json"))
    url = ok(cli("recording", "url", "Campus", target)).out.strip()
    assert httpx.get(url).status_code == 200
    ok(cli("recording", "unpublish", "Campus", target, "--json"))
    assert ok(cli("recordings", "Campus", "--state", "unpublished", "--json")).json()[0]["id"] == target
    ok(cli("recording", "delete", "Campus", target, "--json"))
    bad_state = cli("recordings", "Campus", "--state", "lost", "--json")
    assert bad_state.code == 2 and "not a recording state" in bad_state.err
    text = ok(cli("recordings", "Campus")).out
    assert "STATE" in text and "published" in text


def test_bigbluebutton_wrong_secret_is_exit_3(cli: Cli, bbb: Sim, memory_keyring: MemoryKeyring) -> None:
    ok(cli(*bbb.add_args("Campus"), stdin="not-the-secret\n"))
    result = cli("check", "Campus", "--json")
    assert result.code == 3 and "refused the shared secret" in result.err
    assert "not-the-secret" not in result.out + result.err


def test_jitsi_verbs(cli: Cli, jitsi: Sim, memory_keyring: MemoryKeyring) -> None:
    ok(cli(*jitsi.add_args("Team"), stdin=jitsi.secret + "\n"))
    room = ok(cli("room", "create", "Team", "--name", "Board Meeting", "--json")).json()
    assert room["id"] == "board-meeting"
    assert [r["id"] for r in ok(cli("rooms", "Team", "--json")).json()] == ["board-meeting"]
    bad = cli("room", "create", "Team", "--name", "X", "--id", "Board Meeting", "--json")
    assert bad.code == 2 and "would open" in bad.err
    link = ok(cli("link", "Team", "--room", "board-meeting", "--name", "Kim", "--moderator",
                  "--option", "meeting_end=2099-01-01 10:00", "--option", "start_audio_muted=yes", "--json")).json()
    token = parse_qs(urlsplit(link["url"]).query)["jwt"][0]
    claims = jwt.decode(token, jitsi.secret, algorithms=["HS256"], audience="jitsi")
    assert claims["room"] == "board-meeting" and link["expires_at"].startswith("2099-01-01")
    verdict = httpx.get(link["url"], headers={"Accept": "application/json"}).json()
    assert verdict["accepted"] and verdict["moderator"]
    refused = cli("link", "Team", "--room", "board-meeting", "--name", "K", "--design", "a=b", "--json")
    assert refused.code == 2
    ok(cli("room", "delete", "Team", "board-meeting", "--json"))
    assert ok(cli("rooms", "Team", "--json")).json() == []


def test_links_for_a_list_on_bigbluebutton(cli: Cli, bbb: Sim, memory_keyring: MemoryKeyring,
                                           tmp_path: Path) -> None:
    ok(cli(*bbb.add_args("Campus"), stdin=bbb.secret + "\n"))
    people = tmp_path / "people.csv"
    people.write_text("name,email,role\nAda,ada@example.org,moderator\nJonas,jonas@example.org,\n", encoding="utf-8")
    out = tmp_path / "links.csv"
    ok(cli("links", "Campus", "--room", "biology-101", "--csv", str(people), "--out", str(out),
           "--design", "userdata-bbb_custom_style_url=https://cdn.example.org/brand.css"))
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    link_column = next(k for k in rows[0] if "link" in k.lower() or "url" in k.lower())
    roles = [parse_qs(urlsplit(r[link_column]).query)["role"] for r in rows]
    assert roles == [["MODERATOR"], ["VIEWER"]]
    assert all("userdata-bbb_custom_style_url" in r[link_column] for r in rows)


def test_providers_lists_design_keys_and_recording_states(cli: Cli) -> None:
    described = ok(cli("providers", "bigbluebutton", "--json")).json()
    entry = described[0] if isinstance(described, list) else described
    assert [k["key"] for k in entry["design_keys"]] == ["userdata-bbb_custom_style_url", "userdata-bbb_custom_style"]
    assert "unpublished" in entry["recording_states"]
    assert "design (--design KEY=VALUE)" in ok(cli("providers", "bigbluebutton")).out
