"""Demo data: two running meetings with people in them, one waiting, and recordings in several states."""

from __future__ import annotations

import hashlib

from meetdesk.backends.bigbluebutton.simulator.state import BBBState, SimAttendee, SimRecording

HOUR_MS = 3_600_000


def seed_state(state: BBBState) -> None:
    now = state.now_ms()
    people = {
        "biology-101": ("Biology 101 — Cell division", [("Dr. Ada Brenner", "MODERATOR"), ("Jonas Keller", "VIEWER"),
                                                         ("Mia Novak", "VIEWER"), ("Lea Haas", "VIEWER")]),
        "staff-weekly": ("Staff meeting (weekly)", [("Ravi Patel", "MODERATOR"), ("Eva Lund", "MODERATOR"),
                                                     ("Tom Berg", "VIEWER")]),
    }
    for index, (meeting_id, (name, members)) in enumerate(people.items()):
        meeting, _dup = state.create({"meetingID": meeting_id, "name": name, "record": "true",
                                      "meta_course": name.split(" —")[0], "meta_bbb-origin": "meetdesk"})
        meeting.create_time = now - (index + 1) * 1_800_000
        for number, (full_name, role) in enumerate(members):
            state.add_attendee(meeting, SimAttendee(internal_id=f"w_seed{index}{number}",
                                                    user_id=f"u-{meeting_id}-{number}", full_name=full_name,
                                                    role=role))
        meeting.start_time = meeting.create_time + 60_000
        meeting.params["autoStartRecording"] = "true"
    waiting, _dup = state.create({"meetingID": "open-office-hours", "name": "Open office hours",
                                  "meetingExpireIfNoUserJoinedInMinutes": "0"})
    waiting.create_time = now - 300_000
    for days, (meeting_id, name, published) in enumerate((
            ("biology-101", "Biology 101 — Mitosis", True), ("biology-101", "Biology 101 — Meiosis", False),
            ("staff-weekly", "Staff meeting (weekly)", True)), start=1):
        start = now - days * 24 * HOUR_MS
        record_id = f"{hashlib.sha1(meeting_id.encode()).hexdigest()}-{start}"
        state.recordings[record_id] = SimRecording(
            record_id=record_id,
            meeting_id=meeting_id, name=name, start_time=start, end_time=start + (40 + 5 * days) * 60_000,
            participants=5 + days, metadata={"course": name.split(" —")[0]}, published=published)
