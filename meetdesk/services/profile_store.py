"""Profiles (and design presets) in one JSON file, written atomically, with a schema version.

The file never holds a secret: secrets live in the keyring (see ``secret_store``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from meetdesk.domain.design import validate_design
from meetdesk.domain.errors import ConfigError, NotFoundError, ValidationError
from meetdesk.domain.models import Profile
from meetdesk.domain.values import validate_url
from meetdesk.services.paths import config_dir

log = logging.getLogger("meetdesk.services.profiles")

SCHEMA_VERSION = 2
FILE_NAME = "profiles.json"


def _upgrade_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    # schema 0 was a bare list of profiles
    return {"schema": 1, "profiles": doc.get("profiles", [])}


def _upgrade_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    # schema 2 added named custom_design presets
    return {**doc, "schema": 2, "presets": doc.get("presets", {})}


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _upgrade_0_to_1, 1: _upgrade_1_to_2}


@dataclass
class LoadReport:
    """What happened while loading; ``warnings`` are sentences for the user."""

    warnings: list[str] = field(default_factory=list)
    moved_aside: Path | None = None


def validate_profile_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("Give the profile a name.", field="name")
    if len(name) > 80:
        raise ValidationError("A profile name can be at most 80 characters long.", field="name")
    if any(ord(c) < 32 for c in name):
        raise ValidationError("A profile name cannot contain control characters.", field="name")
    return name


class ProfileStore:
    """Profiles and design presets, loaded from and saved to ``<config dir>/profiles.json``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / FILE_NAME
        self._profiles: dict[str, Profile] = {}
        self._presets: dict[str, dict[str, str]] = {}
        self.report = LoadReport()

    # loading -----------------------------------------------------------------------------------
    def load(self) -> LoadReport:
        self._profiles, self._presets = {}, {}
        self.report = LoadReport()
        if not self.path.exists():
            return self.report
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(doc, list):
                doc = {"schema": 0, "profiles": doc}
            if not isinstance(doc, dict):
                raise ValueError("top level is not an object")
            doc = self._upgrade(doc)
            for obj in doc.get("profiles", []):
                profile = Profile.from_json(obj)
                self._profiles[profile.name] = profile
            self._presets = {str(k): {str(a): str(b) for a, b in dict(v).items()}
                             for k, v in dict(doc.get("presets") or {}).items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(self.path, aside)
            except OSError:
                aside = self.path
            self._profiles, self._presets = {}, {}
            self.report.moved_aside = aside
            self.report.warnings.append(
                f"Your saved profiles could not be read and were moved aside to {aside}. "
                "meetdesk started with no profiles; your passwords are still in the keyring."
            )
            log.warning("profile file unreadable (%s), moved to %s", type(exc).__name__, aside)
        return self.report

    def _upgrade(self, doc: dict[str, Any]) -> dict[str, Any]:
        version = int(doc.get("schema", 0))
        if version > SCHEMA_VERSION:
            raise ValueError(f"schema {version} is newer than this meetdesk understands")
        while version < SCHEMA_VERSION:
            doc = UPGRADES[version](doc)
            version = int(doc["schema"])
        return doc

    # saving ------------------------------------------------------------------------------------
    def save(self) -> None:
        doc = {
            "schema": SCHEMA_VERSION,
            "profiles": [p.to_json() for p in self._profiles.values()],
            "presets": self._presets,
        }
        data = json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".profiles-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            _fsync_dir(self.path.parent)
        except OSError as exc:
            raise ConfigError(f"Could not save your profiles to {self.path}.", detail=str(exc)) from None

    # profiles ----------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return list(self._profiles)

    def profiles(self) -> list[Profile]:
        return list(self._profiles.values())

    def get(self, name: str) -> Profile:
        try:
            return self._profiles[name]
        except KeyError:
            raise NotFoundError(f"There is no profile named “{name}”.") from None

    def __contains__(self, name: object) -> bool:
        return name in self._profiles

    def add(self, profile: Profile) -> Profile:
        profile = self._validated(profile)
        if profile.name in self._profiles:
            raise ValidationError(f"A profile named “{profile.name}” already exists.", field="name")
        self._profiles[profile.name] = profile
        self.save()
        return profile

    def update(self, old_name: str, profile: Profile) -> Profile:
        self.get(old_name)
        profile = self._validated(profile)
        if profile.name != old_name and profile.name in self._profiles:
            raise ValidationError(f"A profile named “{profile.name}” already exists.", field="name")
        # keep insertion order when renaming
        self._profiles = {(profile.name if k == old_name else k): (profile if k == old_name else v)
                          for k, v in self._profiles.items()}
        self.save()
        return profile

    def set_data(self, name: str, data: dict[str, Any]) -> None:
        self._profiles[name] = replace(self.get(name), data=dict(data))
        self.save()

    def remove(self, name: str) -> None:
        self.get(name)
        del self._profiles[name]
        self.save()

    def _validated(self, profile: Profile) -> Profile:
        from meetdesk.backends.base import provider_class

        name = validate_profile_name(profile.name)
        cls = provider_class(profile.kind)
        url = validate_url(profile.base_url, field="base_url", label="Server URL")
        fields = {k: v.strip() for k, v in profile.fields.items() if v is not None}
        for spec in cls.connection_fields:
            if spec.is_secret:
                fields.pop(spec.key, None)  # never persisted
                continue
            if spec.required and not fields.get(spec.key):
                raise ValidationError(f"{spec.label} is required.", field=spec.key)
            if fields.get(spec.key):
                fields[spec.key] = str(spec.parse(fields[spec.key]))
        ca_file = profile.ca_file.strip() if profile.ca_file else None
        if ca_file and not Path(ca_file).expanduser().is_file():
            raise ValidationError(f"The CA file {ca_file} does not exist.", field="ca_file")
        return replace(profile, name=name, base_url=cls.normalize_base_url(url), fields=fields, ca_file=ca_file)

    # design presets ----------------------------------------------------------------------------
    def presets(self) -> dict[str, dict[str, str]]:
        return {k: dict(v) for k, v in self._presets.items()}

    def save_preset(self, name: str, design: dict[str, str]) -> None:
        name = name.strip()
        if not name:
            raise ValidationError("Give the design a name.", field="preset")
        self._presets[name] = validate_design(design)
        self.save()

    def rename_preset(self, old: str, new: str) -> None:
        new = new.strip()
        if old not in self._presets:
            raise NotFoundError(f"There is no design named “{old}”.")
        if not new:
            raise ValidationError("Give the design a name.", field="preset")
        if new != old and new in self._presets:
            raise ValidationError(f"A design named “{new}” already exists.", field="preset")
        self._presets = {(new if k == old else k): v for k, v in self._presets.items()}
        self.save()

    def delete_preset(self, name: str) -> None:
        if self._presets.pop(name, None) is None:
            raise NotFoundError(f"There is no design named “{name}”.")
        self.save()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
