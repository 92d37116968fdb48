"""The pieces that keep the important columns in view: widths shared out in a narrow window, the compact Profile
column and the Meetings tab's short Status words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from meetdesk.domain.models import Meeting
from meetdesk.ui.profile_delegate import shared_words
from meetdesk.ui.table_header import fitted_widths
from meetdesk.ui.table_models import meeting_status

PREFERRED = {"title": 170, "start": 125, "status": 70}
MINIMUM = {"title": 72, "start": 122, "status": 58}


def test_preferred_widths_when_they_fit() -> None:
    assert fitted_widths(PREFERRED, MINIMUM, 400) == PREFERRED


def test_a_narrow_room_takes_from_what_each_can_spare() -> None:
    widths = fitted_widths(PREFERRED, MINIMUM, 300)
    assert sum(widths.values()) <= 300
    assert all(MINIMUM[k] <= w <= PREFERRED[k] for k, w in widths.items())
    # the title can spare 98 pixels, the start 3: the title gives up most
    assert PREFERRED["title"] - widths["title"] > 10 * (PREFERRED["start"] - widths["start"])


def test_never_below_the_minimum() -> None:
    assert fitted_widths(PREFERRED, MINIMUM, 100) == MINIMUM


def test_shared_leading_words_of_profile_names() -> None:
    assert shared_words(["Demo plugNmeet", "Demo Huawei Cloud", "Demo Jitsi Meet (JWT)"]) == "Demo "
    assert shared_words(["ACME BBB east", "ACME BBB west"]) == "ACME BBB "
    assert shared_words(["Demo", "Demo plugNmeet"]) == ""  # a name would be left empty
    assert shared_words(["Demo plugNmeet"]) == ""  # one server: its full name
    assert shared_words(["Office", "Demo plugNmeet"]) == ""
    assert shared_words(["Demox a", "Demo b"]) == ""  # whole words only


def _meeting(start: datetime, hours: float = 1, **extra: object) -> Meeting:
    return Meeting(id="1", title="T", start=start, end=start + timedelta(hours=hours), extra=dict(extra))


def test_meeting_status_from_the_server_else_from_its_times() -> None:
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert meeting_status(_meeting(now + timedelta(hours=1)), now) == "planned"
    assert meeting_status(_meeting(now - timedelta(minutes=30)), now) == "now"
    assert meeting_status(_meeting(now - timedelta(hours=3)), now) == "over"
    assert meeting_status(_meeting(now - timedelta(hours=3), recurring=True), now) == "repeats"
    assert meeting_status(_meeting(now - timedelta(hours=3), state="running"), now) == "running"
    assert meeting_status(_meeting(now + timedelta(hours=1), state="scheduled"), now) == "planned"
