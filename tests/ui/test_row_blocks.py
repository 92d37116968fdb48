"""A block made ready again after a refresh keeps what its unchanged rows had: the search texts and sort keys of a
row that is still the very object at its place, and the index when the keys are the same in the same order. A
refresh that changed one of 100,000 rooms made 100,000 new search texts before (``ui/row_blocks.py``)."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Room
from meetdesk.ui.row_blocks import find_place, prepare_block
from meetdesk.ui.table_models import RoomsModel

ROOMS = [Room(id=f"r{i}", name=f"Room {i}", profile="Office", kind="openmeetings", status="open",
              participant_count=i) for i in range(6)]


def test_unchanged_rows_keep_their_texts_keys_and_index(qtbot: QtBot) -> None:
    model = RoomsModel()
    columns, key = model._columns, model.row_key
    first = prepare_block(ROOMS, key, columns, ["name", "participants"])
    renamed = replace(ROOMS[2], name="Board room", participant_count=9)
    again = prepare_block([*ROOMS[:2], renamed, *ROOMS[3:]], key, columns, ["name", "participants"], first)

    assert again.places is first.places
    assert first.hay is not None and again.hay is not None
    assert all(again.hay[i] is first.hay[i] for i in range(6) if i != 2)
    assert again.hay[2] is not None and "board room" in again.hay[2] and "room 2" not in again.hay[2]
    for column in (c for c in columns if c.key in ("name", "participants")):
        old, new = first.keys_for(column), again.keys_for(column)
        assert old is not None and new is not None
        assert all(new[i] is old[i] for i in range(6) if i != 2)
    assert again.keys_for(columns[1]) == ["room 0", "room 1", "board room", "room 3", "room 4", "room 5"]
    assert again == prepare_block(again.rows, key, columns, ["name", "participants"])  # what it would be anew


def test_moved_or_new_rows_are_made_again(qtbot: QtBot) -> None:
    model = RoomsModel()
    columns, key = model._columns, model.row_key
    first = prepare_block(ROOMS, key, columns, ["name"])
    moved = [ROOMS[1], ROOMS[0], *ROOMS[2:], replace(ROOMS[0], id="r9", name="Room 9")]
    again = prepare_block(moved, key, columns, ["name"], first)
    assert again.places is not first.places
    assert [find_place(again.places, key(r)) for r in moved] == list(range(7))
    assert again == prepare_block(moved, key, columns, ["name"])
    # an index the model had not made yet is made, not taken as empty
    unindexed = replace(first, places={})
    assert find_place(prepare_block(ROOMS, key, columns, ["name"], unindexed).places, key(ROOMS[3])) == 3


def test_the_model_finds_a_changed_room_after_a_prepared_refresh(qtbot: QtBot) -> None:
    model = RoomsModel()
    model.set_room_blocks({"Office": ROOMS}, kinds=["openmeetings"])
    model.set_search("room")
    assert model.rowCount() == 6
    renamed = [*ROOMS[:3], replace(ROOMS[3], name="Atrium"), *ROOMS[4:]]
    done = model.prepare_job({"Office": renamed}, kinds=["openmeetings"])()
    model.set_prepared_blocks(done, ["Office"], kinds=["openmeetings"])
    assert [model.row(i).id for i in range(model.rowCount())] == ["r0", "r1", "r2", "r4", "r5"]
    model.set_search("atrium")
    assert [model.row(i).id for i in range(model.rowCount())] == ["r3"]
