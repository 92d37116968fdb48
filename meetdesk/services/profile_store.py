"""Profiles (and design presets) in one JSON file, written atomically, with a schema version.

The file never holds a secret: secrets live in the keyring (see ``secret_store``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meetdesk import __version__
from meetdesk.domain.errors import ConfigError, NotFoundError, ValidationError
from meetdesk.domain.models import Profile
from meetdesk.domain.values import validate_url
from meetdesk.services.paths import config_dir

if TYPE_CHECKING:  # filelock and tempfile are imported when the file is first changed: reading needs neither
    import filelock

log = logging.getLogger("meetdesk.services.profiles")

SCHEMA_VERSION = 2
LOCK_TIMEOUT_S = 10.0
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
    """The name stripped and in Unicode NFC (two lookalike spellings are one name); refuses control, invisible
    and bidi-override characters, which would make the name read differently from what it is."""
    name = unicodedata.normalize("NFC", str(name)).strip()
    if not name:
        raise ValidationError("Give the profile a name.", field="name")
    if len(name) > 80:
        raise ValidationError("A profile name can be at most 80 characters long.", field="name")
    bad = [c for c in name if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")]
    if bad:
        what = "control characters" if any(unicodedata.category(c) == "Cc" for c in bad) else \
            "invisible or text-direction characters"
        raise ValidationError(f"A profile name cannot contain {what} (found U+{ord(bad[0]):04X}).", field="name")
    return name


class _NewerFile(Exception):
    def __init__(self, version: int, writer: str) -> None:
        super().__init__(f"schema {version}")
        self.version, self.writer = version, writer


class ProfileStore:
    """Profiles and design presets, loaded from and saved to ``<config dir>/profiles.json``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / FILE_NAME
        self._profiles: dict[str, Profile] = {}
        self._presets: dict[str, dict[str, str]] = {}
        #: entries that could not be read: written back unchanged, never dropped
        self._kept_raw: list[Any] = []
        self._unreadable: str | None = None
        self._newer: _NewerFile | None = None
        self._lock: filelock.FileLock | None = None
        self.report = LoadReport()

    # loading -----------------------------------------------------------------------------------
    def load(self) -> LoadReport:
        """Read the file. A read never changes, moves or rewrites it — whatever is in it."""
        self.report = LoadReport()
        self._read(self.report)
        return self.report

    def _read(self, report: LoadReport) -> None:
        self._profiles, self._presets, self._kept_raw = {}, {}, []
        self._unreadable, self._newer = None, None
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self._unreadable = f"it could not be opened ({exc.strerror or type(exc).__name__})"
        else:
            try:
                self._parse(raw.decode("utf-8-sig"), report)  # a BOM from a Windows editor is fine
            except _NewerFile as newer:
                self._newer = newer
                self._profiles, self._presets, self._kept_raw = {}, {}, []
            except (ValueError, RecursionError, TypeError, AttributeError, KeyError) as exc:
                reason = "it is nested too deeply" if isinstance(exc, RecursionError) else f"{exc}"[:200]
                self._unreadable = f"it is not valid ({reason})"
                self._profiles, self._presets, self._kept_raw = {}, {}, []
        if self._newer is not None:
            report.warnings.append(f"{self.path} was written by a newer meetdesk ({self._newer.writer}, file format "
                                   f"{self._newer.version}; this one understands {SCHEMA_VERSION}). It was left "
                                   "unchanged; meetdesk will not change it. Update meetdesk to use these profiles.")
            log.warning("profile file has schema %s (newer than %s)", self._newer.version, SCHEMA_VERSION)
        elif self._unreadable is not None:
            report.warnings.append(f"Your saved profiles in {self.path} could not be read: {self._unreadable}. The "
                                   "file was left as it is; meetdesk started without them and your passwords are "
                                   "still in the keyring.")
            log.warning("profile file unreadable: %s", self._unreadable)

    def _parse(self, text: str, report: LoadReport) -> None:
        doc = json.loads(text)
        if isinstance(doc, list):
            doc = {"schema": 0, "profiles": doc}
        if not isinstance(doc, dict):
            raise ValueError("its top level is not an object")
        version = doc.get("schema", 0)
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise ValueError(f"its schema {version!r} is not a version number")
        if version > SCHEMA_VERSION:
            raise _NewerFile(version, str(doc.get("written_by") or "version unknown"))
        doc = self._upgrade(doc)
        entries = doc.get("profiles") or []
        if not isinstance(entries, list):
            raise ValueError("“profiles” is not a list")
        for index, obj in enumerate(entries):
            try:
                profile = self._checked_on_load(obj)
            except (ValueError, TypeError, KeyError, AttributeError, ValidationError) as exc:
                name = obj.get("name") if isinstance(obj, dict) else None
                what = f"“{name}”" if isinstance(name, str) else f"number {index + 1}"
                reason = exc.message if isinstance(exc, ValidationError) else str(exc)
                report.warnings.append(f"The saved profile {what} was skipped: {reason}. It stays in the file.")
                self._kept_raw.append(obj)
                continue
            if profile.name in self._profiles:
                report.warnings.append(f"The profile name “{profile.name}” appears twice in {self.path}; "
                                       "the first one is used, the other stays in the file.")
                self._kept_raw.append(obj)
                continue
            self._profiles[profile.name] = profile
        presets = doc.get("presets") or {}
        if not isinstance(presets, dict):
            raise ValueError("“presets” is not an object")
        self._presets = {str(k): {str(a): str(b) for a, b in dict(v).items()} for k, v in presets.items()}

    @staticmethod
    def _checked_on_load(obj: object) -> Profile:
        if not isinstance(obj, dict):
            raise ValueError(f"it is a {type(obj).__name__}, not an object")
        for key in ("name", "kind", "base_url"):
            if not isinstance(obj.get(key), str):
                raise ValueError(f"its {key} is missing or not text")
        if not isinstance(obj.get("fields") or {}, dict) or not isinstance(obj.get("data") or {}, dict):
            raise ValueError("its fields or data are not objects")
        profile = Profile.from_json(obj)
        name = validate_profile_name(profile.name)
        validate_url(profile.base_url, field="base_url", label="Its server URL")
        return replace(profile, name=name)

    def _upgrade(self, doc: dict[str, Any]) -> dict[str, Any]:
        version = int(doc.get("schema", 0))
        while version < SCHEMA_VERSION:
            doc = UPGRADES[version](doc)
            version = int(doc["schema"])
        return doc

    # saving ------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the lock every meetdesk process takes to change the file, with the file's current content
        re-read under it: two processes adding profiles at once both keep theirs."""
        import filelock

        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._lock is None:
            self._lock = filelock.FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)
        lock = self._lock
        first = not lock.is_locked
        try:
            with lock:
                if first:
                    self._read(LoadReport())
                    if self._newer is not None:
                        raise ConfigError(
                            f"{self.path} was written by a newer meetdesk ({self._newer.writer}, file format "
                            f"{self._newer.version}); this meetdesk (format {SCHEMA_VERSION}) will not change it.",
                            hint="Update meetdesk, or use the newer version to make this change.")
                yield
        except filelock.Timeout:
            raise ConfigError(f"Another meetdesk is still writing {self.path}.",
                              hint="Try again in a moment.") from None

    def save(self) -> None:
        with self._locked():
            self._write()

    def _write(self) -> None:
        if self._unreadable is not None and self.path.exists():
            # the user is changing profiles: keep the unreadable file next to the new one instead of losing it
            aside = self.path.with_name(f"{self.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
                self.report.moved_aside = aside
                log.warning("unreadable profile file kept as %s", aside)
            self._unreadable = None
        doc = {
            "schema": SCHEMA_VERSION,
            "written_by": f"meetdesk {__version__}",
            "profiles": [p.to_json() for p in self._profiles.values()] + list(self._kept_raw),
            "presets": self._presets,
        }
        data = json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            import tempfile

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
            return self._profiles[unicodedata.normalize("NFC", name)]
        except KeyError:
            raise NotFoundError(f"There is no profile named “{name}”.") from None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and unicodedata.normalize("NFC", name) in self._profiles

    def add(self, profile: Profile) -> Profile:
        profile = self._validated(profile)
        with self._locked():
            if profile.name in self._profiles:
                raise ValidationError(f"A profile named “{profile.name}” already exists.", field="name")
            self._profiles[profile.name] = profile
            self._write()
        return profile

    def update(self, old_name: str, profile: Profile) -> Profile:
        profile = self._validated(profile)
        with self._locked():
            old_name = self.get(old_name).name
            if profile.name != old_name and profile.name in self._profiles:
                raise ValidationError(f"A profile named “{profile.name}” already exists.", field="name")
            # keep insertion order when renaming
            self._profiles = {(profile.name if k == old_name else k): (profile if k == old_name else v)
                              for k, v in self._profiles.items()}
            self._write()
        return profile

    def set_data(self, name: str, data: dict[str, Any]) -> None:
        with self._locked():
            self._profiles[name] = replace(self.get(name), data=dict(data))
            self._write()

    def remove(self, name: str) -> None:
        with self._locked():
            del self._profiles[self.get(name).name]
            self._write()

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
        from meetdesk.domain.design import validate_design  # its colour rules: not for reading the file

        design = validate_design(design)
        with self._locked():
            self._presets[name] = design
            self._write()

    def rename_preset(self, old: str, new: str) -> None:
        new = new.strip()
        if not new:
            raise ValidationError("Give the design a name.", field="preset")
        with self._locked():
            if old not in self._presets:
                raise NotFoundError(f"There is no design named “{old}”.")
            if new != old and new in self._presets:
                raise ValidationError(f"A design named “{new}” already exists.", field="preset")
            self._presets = {(new if k == old else k): v for k, v in self._presets.items()}
            self._write()

    def delete_preset(self, name: str) -> None:
        with self._locked():
            if self._presets.pop(name, None) is None:
                raise NotFoundError(f"There is no design named “{name}”.")
            self._write()


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
