"""What the rooms table itself keeps per row at scale (the rooms are the session's): row numbers in arrays, the
search texts one byte a character even when a name holds an en dash. Before: ~340 bytes a row."""

from __future__ import annotations

import dataclasses
import gc
import tracemalloc
from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Meeting, Participant, Room
from meetdesk.simulators.bulk import bulk_rooms
from meetdesk.ui.table_models import RoomsModel
from tests.ui.fake_backend import qt_hygiene  # noqa: F401 - autouse fixture

ROWS = 20_000
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _rooms() -> list[Room]:
    return [Room(id=f"bulk-{n}", name=name, profile="Campus", kind="fake", status="running", running=True,
                 participant_count=n % 7, created=T0 - timedelta(minutes=n), extra={"recording": "no"})
            for n, name in bulk_rooms(ROWS)]


def test_the_table_keeps_under_260_bytes_a_row_with_its_search_index(qtbot: QtBot) -> None:
    rooms = _rooms()
    model = RoomsModel(tz=UTC)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        model.set_rooms(rooms)
        while not model.index_complete():
            model._index_slice()
        gc.collect()
        per_row = (tracemalloc.get_traced_memory()[0] - before) / ROWS
    finally:
        tracemalloc.stop()
    print(f"{per_row:.0f} bytes a row")
    assert per_row < 260, per_row
    # and it still finds what it did: a word with the en dash, any case, and the texts read back unchanged
    model.set_search("Seminar – DESIGN")
    found = model.rows()
    assert found and all("seminar – design" in r.name.casefold() for r in found)
    assert "seminar – design" in model.haystack(0)
    assert model.text(0, "name") == found[0].name


def test_the_domain_rows_have_no_dict_of_their_own() -> None:
    for cls in (Room, Meeting, Participant):
        assert "__slots__" in vars(cls), cls
    room = _rooms()[0]
    assert not hasattr(room, "__dict__")
    assert dataclasses.replace(room, profile="Other").profile == "Other"  # replace still works on slots


def test_the_table_gives_the_garbage_collector_next_to_nothing_to_walk_per_row(qtbot: QtBot) -> None:
    """A full collection walks every object the collector tracks (lists, instances; tuples and dicts only while
    they hold such objects); the table's own storage is strings, floats, arrays and dicts of them, so 100,000 rows
    add no collection time beyond the rows' own. A list or an object per row would add 20,000 here."""
    rooms = _rooms()
    model = RoomsModel(tz=UTC)
    gc.collect()
    before = len(gc.get_objects())
    model.set_rooms(rooms)
    while not model.index_complete():
        model._index_slice()
    model.sort(model.column_of("created"))
    model.set_search("seminar")
    for row in range(0, model.rowCount(), 50):  # cells shown and cached
        model.index(row, model.column_of("name")).data()
    assert model.view_row_of(model.row_key(model.row(3))) == 3  # the row-key index built
    gc.collect()
    added = len(gc.get_objects()) - before
    assert added < 200, f"{added} tracked objects for {ROWS} rows"
