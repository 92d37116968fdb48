"""What meetdesk remembers about invitations in ``<config dir>/invitations.json``: a template per profile, the
meetings whose links are made at join time (with their invitees), and the reminder settings.

Never a secret: meeting passwords are not stored, and links are not either (they are made again when due).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from meetdesk.domain.errors import ConfigError
from meetdesk.services.invitations import DEFAULT_TEMPLATE, check_template
from meetdesk.services.paths import config_dir

log = logging.getLogger("meetdesk.services.invitations")

FILE_NAME = "invitations.json"
DEFAULT_REMINDER_MINUTES = 15


@dataclass(frozen=True)
class Invitee:
    name: str
    email: str = ""
    moderator: bool = False
    user_id: str = ""


@dataclass(frozen=True)
class PlannedMeeting:
    """A meeting meetdesk keeps itself, for a back end whose links are made at join time (plugNmeet):
    at the reminder, fresh personal links are made for ``invitees``."""

    profile: str
    room_id: str
    title: str
    start: datetime
    end: datetime
    invitees: tuple[Invitee, ...] = ()
    #: the back end's meeting this list belongs to, when it has scheduled meetings
    meeting_id: str = ""

    @property
    def key(self) -> str:
        if self.meeting_id:
            return f"{self.profile}\x1fmeeting\x1f{self.meeting_id}"
        return f"{self.profile}\x1f{self.room_id}\x1f{self.start.isoformat()}"

    def to_json(self) -> dict[str, Any]:
        return {"profile": self.profile, "room_id": self.room_id, "title": self.title,
                "start": self.start.isoformat(), "end": self.end.isoformat(), "meeting_id": self.meeting_id,
                "invitees": [asdict(i) for i in self.invitees]}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> PlannedMeeting:
        start, end = datetime.fromisoformat(str(obj["start"])), datetime.fromisoformat(str(obj["end"]))
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("planned meeting without a time zone")
        return cls(profile=str(obj["profile"]), room_id=str(obj["room_id"]), title=str(obj.get("title") or ""),
                   start=start, end=end, meeting_id=str(obj.get("meeting_id") or ""),
                   invitees=tuple(Invitee(name=str(i["name"]), email=str(i.get("email") or ""),
                                          moderator=bool(i.get("moderator")), user_id=str(i.get("user_id") or ""))
                                  for i in obj.get("invitees") or []))


@dataclass
class TraySettings:
    reminder_minutes: int = DEFAULT_REMINDER_MINUTES
    #: closing the window keeps meetdesk running in the tray (off by default)
    keep_in_tray: bool = False


@dataclass
class _Document:
    templates: dict[str, str] = field(default_factory=dict)
    #: profile → the organiser's e-mail address for calendar files
    organisers: dict[str, str] = field(default_factory=dict)
    planned: list[PlannedMeeting] = field(default_factory=list)
    tray: TraySettings = field(default_factory=TraySettings)


class InvitationStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / FILE_NAME
        self._doc: _Document | None = None
        #: the file exists but could not be read: it is kept as it is (never overwritten) until fixed
        self._unreadable = False
        self._loaded_stamp: tuple[int, int] | None = None
        #: sentences about entries that could not be read (each bad entry is skipped, not the file)
        self.warnings: list[str] = []

    @property
    def doc(self) -> _Document:
        """The settings, read again when the file changed (another window or the CLI wrote it)."""
        stamp = self._stamp()
        if self._doc is None or stamp != self._loaded_stamp:
            self.warnings.clear()
            self._doc, self._loaded_stamp = self._load(), stamp
        return self._doc

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def _load(self) -> _Document:
        doc = _Document()
        self._unreadable = False
        if not self.path.exists():
            return doc
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("top level is not an object")
        except (OSError, ValueError) as exc:
            log.warning("unreadable %s: %s", self.path, type(exc).__name__)
            self._unreadable = True
            self.warnings.append(f"The invitation settings in {self.path} could not be read; meetdesk uses the "
                                 "default template and keeps the file as it is.")
            return doc
        doc.templates = {str(k): str(v) for k, v in dict(raw.get("templates") or {}).items()}
        doc.organisers = {str(k): str(v) for k, v in dict(raw.get("organisers") or {}).items()}
        for obj in raw.get("planned") or []:
            try:
                doc.planned.append(PlannedMeeting.from_json(dict(obj)))
            except (KeyError, ValueError, TypeError) as exc:
                self.warnings.append(f"A remembered meeting in {self.path.name} could not be read and was skipped.")
                log.warning("skipping a planned meeting: %s", type(exc).__name__)
        tray = dict(raw.get("tray") or {})
        minutes = tray.get("reminder_minutes", DEFAULT_REMINDER_MINUTES)
        doc.tray = TraySettings(reminder_minutes=int(minutes) if isinstance(minutes, int) and minutes >= 0
                                else DEFAULT_REMINDER_MINUTES, keep_in_tray=tray.get("keep_in_tray") is True)
        return doc

    def save(self) -> None:
        doc = self.doc
        if self._unreadable:
            raise ConfigError(f"meetdesk does not overwrite the unreadable invitation settings in {self.path}.",
                              hint="Move the file aside (or fix it) and try again.")
        data = {"schema": 1, "templates": doc.templates, "organisers": doc.organisers,
                "planned": [p.to_json() for p in doc.planned], "tray": asdict(doc.tray)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".invitations-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(data, fh, indent=2, ensure_ascii=False)
                os.replace(tmp, self.path)
                self._loaded_stamp = self._stamp()
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise ConfigError(f"The invitation settings could not be saved to {self.path}.",
                              detail=str(exc)) from None

    # templates -------------------------------------------------------------------------------
    def template(self, profile: str) -> str:
        return self.doc.templates.get(profile, DEFAULT_TEMPLATE)

    def set_template(self, profile: str, template: str) -> None:
        if template.strip() == DEFAULT_TEMPLATE.strip():
            self.doc.templates.pop(profile, None)
        else:
            self.doc.templates[profile] = check_template(template)
        self.save()

    def organiser_email(self, profile: str) -> str:
        return self.doc.organisers.get(profile, "")

    def set_organiser_email(self, profile: str, email: str) -> None:
        if self.doc.organisers.get(profile, "") != email.strip():
            self.doc.organisers[profile] = email.strip()
            self.save()

    def invitees_of(self, profile: str, meeting_id: str) -> tuple[Invitee, ...]:
        plan = next((p for p in self.doc.planned if p.profile == profile and p.meeting_id == meeting_id), None)
        return plan.invitees if plan else ()

    # planned meetings ------------------------------------------------------------------------
    def planned(self) -> list[PlannedMeeting]:
        return sorted(self.doc.planned, key=lambda p: p.start)

    def plan(self, meeting: PlannedMeeting) -> None:
        """Remember ``meeting`` (replacing one of the same profile, room and start)."""
        self.doc.planned = [p for p in self.doc.planned if p.key != meeting.key] + [meeting]
        self.save()

    def forget_before(self, moment: datetime) -> None:
        kept = [p for p in self.doc.planned if p.end >= moment]
        if len(kept) != len(self.doc.planned):
            self.doc.planned = kept
            self.save()

    # tray ------------------------------------------------------------------------------------
    @property
    def tray(self) -> TraySettings:
        return self.doc.tray

    def set_tray(self, *, reminder_minutes: int | None = None, keep_in_tray: bool | None = None) -> None:
        if reminder_minutes is not None:
            self.doc.tray.reminder_minutes = max(0, int(reminder_minutes))
        if keep_in_tray is not None:
            self.doc.tray.keep_in_tray = keep_in_tray
        self.save()
