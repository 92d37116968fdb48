"""Personal links for a whole list: participants from CSV or a paste, one link each, a CSV of the results.

A bad row (no name, an unknown role) is reported with its line number and the rest go on; a row the server
refuses is reported the same way. Progress is reported after every row and a cancel stops before the next.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from meetdesk.backends.base import Provider
from meetdesk.domain.errors import MeetdeskError, ValidationError
from meetdesk.domain.models import JoinLink, JoinRequest, Meeting, Role
from meetdesk.services.invitation_store import Invitee

#: the spellings of roles a coordinator's list may use
ROLE_WORDS = {
    "": Role.ATTENDEE, "attendee": Role.ATTENDEE, "participant": Role.ATTENDEE, "guest": Role.ATTENDEE,
    "viewer": Role.ATTENDEE, "teilnehmer": Role.ATTENDEE,
    "moderator": Role.MODERATOR, "host": Role.MODERATOR, "chair": Role.MODERATOR, "admin": Role.MODERATOR,
    "presenter": Role.MODERATOR,
}
_HEADERS = {"name": "name", "display name": "name", "full name": "name", "email": "email", "e-mail": "email",
            "mail": "email", "e-mail address": "email", "email address": "email", "role": "role",
            "user id": "user_id", "user_id": "user_id", "userid": "user_id", "id": "user_id"}
_ORDER = ("name", "email", "role", "user_id")
#: an invitation opens this long before the meeting and stays open this long after its end
OPENS_EARLY = timedelta(minutes=10)
STAYS_OPEN = timedelta(minutes=30)
EXPORT_COLUMNS = ("name", "email", "role", "link", "valid_until", "error")


@dataclass(frozen=True)
class ParticipantRow:
    line: int
    name: str
    email: str = ""
    role: Role = Role.ATTENDEE
    user_id: str = ""

    def invitee(self) -> Invitee:
        return Invitee(name=self.name, email=self.email, moderator=self.role is Role.MODERATOR, user_id=self.user_id)


@dataclass(frozen=True)
class RowProblem:
    line: int
    text: str

    def sentence(self) -> str:
        return f"Line {self.line}: {self.text}"


@dataclass(frozen=True)
class LinkResult:
    row: ParticipantRow
    link: JoinLink | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.link is not None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel_tab if "\t" in sample else csv.excel


def parse_participants(text: str) -> tuple[list[ParticipantRow], list[RowProblem]]:
    """Rows of name, e-mail, role, user id — with a header line in any order, or without one in that order.
    Commas, semicolons or tabs (a paste from a spreadsheet) all work."""
    text = text.lstrip("\ufeff")
    records = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text), _dialect(text)), start=1)
               if any(cell.strip() for cell in r)]
    if not records:
        return [], []
    first = [cell.strip().lower() for cell in records[0][1]]
    columns: list[str | None]
    if "name" in first or any(_HEADERS.get(c) == "name" for c in first):
        columns = [_HEADERS.get(c) for c in first]
        records = records[1:]
    else:
        columns = list(_ORDER)
    rows: list[ParticipantRow] = []
    problems: list[RowProblem] = []
    for line, record in records:
        values: dict[str, str] = {}
        for column, cell in zip(columns, record, strict=False):
            if column is not None:
                values[column] = cell.strip()
        name, role_word = values.get("name", ""), values.get("role", "").lower()
        if not name:
            problems.append(RowProblem(line, "the participant has no name."))
            continue
        if role_word not in ROLE_WORDS:
            problems.append(RowProblem(line, f"“{values.get('role')}” is not a role meetdesk knows "
                                             "(use attendee or moderator)."))
            continue
        email = values.get("email", "")
        if email and "@" not in email:
            problems.append(RowProblem(line, f"“{email}” is not an e-mail address."))
            continue
        rows.append(ParticipantRow(line, name, email, ROLE_WORDS[role_word], values.get("user_id", "")))
    return rows, problems


class BulkLinks:
    """Makes one personal link per row with ``provider``: for a meeting on a back end whose links can be made
    for a time window, a link valid from shortly before the start to shortly after the end; else a join link."""

    def __init__(self, provider: Provider, *, room_id: str, meeting: Meeting | None = None,
                 design: dict[str, str] | None = None, options: dict[str, Any] | None = None) -> None:
        self.provider = provider
        self.room_id = room_id
        self.meeting = meeting
        self.design = dict(design or {})
        self.options = dict(options or {})
        self._cancelled = asyncio.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _request(self, row: ParticipantRow) -> JoinRequest:
        honoured = type(self.provider).join_request_fields
        email = row.email if honoured is None or "email" in honoured else ""
        return JoinRequest(room_id=self.room_id, meeting_id=self.meeting.id if self.meeting else "",
                           display_name=row.name, user_id=row.user_id, moderator=row.role is Role.MODERATOR,
                           email=email, options=self.options, design=self.design)

    async def link_for(self, row: ParticipantRow) -> JoinLink:
        request = self._request(row)
        policy = type(self.provider).link_policy
        if self.meeting is not None and policy.valid_window:
            return await self.provider.invitation_link(request, *meeting_window(self.meeting))
        return await self.provider.join_link(request)

    async def run(self, rows: Sequence[ParticipantRow],
                  progress: Callable[[int, int, LinkResult], None] | None = None) -> list[LinkResult]:
        """One result per row, in order; stops early (with the results so far) after :meth:`cancel`."""
        results: list[LinkResult] = []
        for index, row in enumerate(rows, start=1):
            if self.cancelled:
                break
            try:
                result = LinkResult(row, link=await self.link_for(row))
            except MeetdeskError as exc:
                result = LinkResult(row, error=exc.user_text())
            results.append(result)
            if progress is not None:
                progress(index, len(rows), result)
        return results


def problem_results(problems: Sequence[RowProblem]) -> list[LinkResult]:
    """Bad input rows as failed results, so an export lists them with their reason."""
    return [LinkResult(ParticipantRow(p.line, ""), error=p.sentence()) for p in problems]


def _valid_until(link: JoinLink | None) -> str:
    if link is None or link.expires_at is None:
        return ""
    return link.expires_at.isoformat(timespec="minutes")


def export_csv(results: Sequence[LinkResult]) -> str:
    """name, email, role, link, valid_until, error — one line per row, in the order of the input."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for result in sorted(results, key=lambda r: r.row.line):
        row = result.row
        writer.writerow([row.name, row.email, row.role.value if row.name else "",
                         result.link.url if result.link else "", _valid_until(result.link), result.error])
    return buffer.getvalue()


def links_text(results: Sequence[LinkResult]) -> str:
    """"Name: link" lines for the clipboard."""
    return "".join(f"{r.row.name}: {r.link.url}\n" for r in results if r.link is not None)


def check_rows(rows: Sequence[ParticipantRow], problems: Sequence[RowProblem]) -> None:
    if not rows and not problems:
        raise ValidationError("The participant list is empty.", field="csv",
                              hint="Give one participant a line: name, e-mail, role (attendee or moderator).")


def meeting_window(meeting: Meeting) -> tuple[datetime, datetime]:
    return meeting.start - OPENS_EARLY, meeting.end + STAYS_OPEN
