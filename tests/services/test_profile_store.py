from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from meetdesk.backends.base import PROVIDER_MODULES, Provider, secret_spec
from meetdesk.domain.errors import ConfigError, NotFoundError, ValidationError
from meetdesk.domain.fields import FieldSpec
from meetdesk.domain.models import Profile
from meetdesk.services.profile_store import SCHEMA_VERSION, ProfileStore


class _FakeProvider(Provider):
    kind = "fake-store-test"
    display_name = "Fake"
    connection_fields = (FieldSpec("api_key", "API key", required=True), secret_spec("API secret", "api_secret"))


@pytest.fixture(autouse=True)
def fake_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PROVIDER_MODULES, _FakeProvider.kind, f"{__name__}:_FakeProvider")


def _profile(name: str = "Campus", **kw: object) -> Profile:
    base = {"name": name, "kind": _FakeProvider.kind, "base_url": "https://meet.example.org/",
            "fields": {"api_key": "key1"}}
    base.update(kw)
    return Profile(**base)  # type: ignore[arg-type]


def test_default_path_honours_env(isolated_config: Path) -> None:
    assert ProfileStore().path == isolated_config / "profiles.json"


def test_add_save_reload_roundtrip_without_secret(isolated_config: Path) -> None:
    store = ProfileStore()
    store.load()
    saved = store.add(_profile(fields={"api_key": "key1", "api_secret": "s3cr3t-should-vanish"}))
    assert saved.base_url == "https://meet.example.org"  # normalised
    text = store.path.read_text()
    assert "s3cr3t-should-vanish" not in text
    doc = json.loads(text)
    assert doc["schema"] == SCHEMA_VERSION
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    again = ProfileStore()
    again.load()
    assert again.get("Campus") == saved
    assert not list(isolated_config.glob(".profiles-*.tmp"))


def test_validation_errors_name_fields() -> None:
    store = ProfileStore()
    with pytest.raises(ValidationError) as info:
        store.add(_profile(name="  "))
    assert info.value.field == "name"
    with pytest.raises(ValidationError) as info:
        store.add(_profile(base_url="meet.example.org"))
    assert info.value.field == "base_url"
    with pytest.raises(ValidationError) as info:
        store.add(_profile(fields={}))
    assert info.value.field == "api_key"
    with pytest.raises(ValidationError) as info:
        store.add(_profile(ca_file="/nonexistent/ca.pem"))
    assert info.value.field == "ca_file"
    with pytest.raises(ValidationError) as info:
        store.add(_profile(kind="nope"))
    assert info.value.field == "kind"
    store.add(_profile())
    with pytest.raises(ValidationError, match="already exists"):
        store.add(_profile())


def test_update_renames_in_place_and_remove() -> None:
    store = ProfileStore()
    store.add(_profile("A"))
    store.add(_profile("B"))
    store.update("A", _profile("A2"))
    assert store.names() == ["A2", "B"]
    with pytest.raises(ValidationError):
        store.update("A2", _profile("B"))
    store.remove("B")
    assert store.names() == ["A2"]
    with pytest.raises(NotFoundError):
        store.remove("B")


def test_corrupt_file_is_left_alone_on_read_and_kept_on_write(isolated_config: Path) -> None:
    isolated_config.mkdir(parents=True)
    path = isolated_config / "profiles.json"
    broken = '{"schema": 2, "profiles": [ {"name": "trunc'
    path.write_text(broken)
    store = ProfileStore()
    report = store.load()
    assert store.names() == []
    assert report.moved_aside is None and path.read_text() == broken  # a read never moves a file
    assert "could not be read" in report.warnings[0] and "left as it is" in report.warnings[0]
    store.add(_profile())  # changing profiles keeps the unreadable file next to the new one
    assert json.loads(path.read_text())["profiles"][0]["name"] == "Campus"
    assert store.report.moved_aside is not None and store.report.moved_aside.read_text() == broken


def test_schema_upgrade_from_version_zero_list(isolated_config: Path) -> None:
    isolated_config.mkdir(parents=True)
    (isolated_config / "profiles.json").write_text(json.dumps([_profile().to_json()]))
    store = ProfileStore()
    assert store.load().warnings == []
    assert store.names() == ["Campus"]
    assert store.presets() == {}


def test_newer_schema_is_read_only_and_named(isolated_config: Path) -> None:
    isolated_config.mkdir(parents=True)
    path = isolated_config / "profiles.json"
    text = json.dumps({"schema": 99, "written_by": "meetdesk 7.0", "profiles": []})
    path.write_text(text)
    store = ProfileStore()
    report = store.load()
    assert report.moved_aside is None and path.read_text() == text
    assert "newer meetdesk (meetdesk 7.0, file format 99" in report.warnings[0]
    with pytest.raises(ConfigError) as caught:
        store.add(_profile())
    assert "meetdesk 7.0" in caught.value.message and "will not change it" in caught.value.message
    assert path.read_text() == text


def test_failed_write_keeps_previous_file(isolated_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProfileStore()
    store.add(_profile("A"))
    before = store.path.read_text()

    def boom(*_a: object, **_k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(Exception, match="Could not save"):
        store.add(_profile("B"))
    assert store.path.read_text() == before
    assert not list(isolated_config.glob(".profiles-*.tmp"))


def test_presets_crud_persisted() -> None:
    store = ProfileStore()
    store.save_preset("Brand", {"primary_color": "#004d90", "header_bg_color": ""})
    store.rename_preset("Brand", "Brand 2026")
    again = ProfileStore()
    again.load()
    assert again.presets() == {"Brand 2026": {"primary_color": "#004D90"}}
    with pytest.raises(ValidationError):
        again.save_preset("Bad", {"primary_color": "navy"})
    again.delete_preset("Brand 2026")
    with pytest.raises(NotFoundError):
        again.delete_preset("Brand 2026")
