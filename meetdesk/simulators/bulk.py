"""Many rooms for load tests and the large demo (``--seed-rooms N``): names a coordinator might see, repeatable."""

from __future__ import annotations

from collections.abc import Iterator

_WHAT = ("Board", "Seminar", "Lecture", "Stand-up", "Review", "Workshop", "Clinic", "Office hours", "Interview",
         "Onboarding", "Planning", "Retro", "Tutorial", "Webinar", "Exam", "Consultation")
_WHO = ("sales", "physics 101", "design", "support", "HR", "finance", "chemistry lab", "marketing", "legal",
        "alumni", "research group", "operations")

#: the largest number of extra rooms a simulator accepts (memory stays in the hundreds of MiB)
MAX_SEED_ROOMS = 500_000


def bulk_rooms(count: int) -> Iterator[tuple[int, str]]:
    """``count`` (number, name) pairs, numbered from 1: "Seminar – design 17", "Lecture – HR 18", …"""
    if not 0 <= count <= MAX_SEED_ROOMS:
        raise ValueError(f"seed_rooms must be 0–{MAX_SEED_ROOMS:,}, not {count}")
    for n in range(1, count + 1):
        yield n, f"{_WHAT[n % len(_WHAT)]} – {_WHO[(n // len(_WHAT)) % len(_WHO)]} {n}"
