"""What the UI thread does when a refresh swaps a server's rows in (``RowTableModel._set_blocks``): at 100,000
rows it was 60 ms of CPU — sorting every row from scratch, ranking every row to find the selected one, and
freeing the rows it replaced. Each is checked on the mechanism, not on a clock: a loaded machine stretches
time, not the number of comparisons or the thread an object dies on."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC

import pytest
from PySide6.QtCore import QPersistentModelIndex
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Room
from meetdesk.ui import row_model
from meetdesk.ui.row_blocks import TableColumn
from meetdesk.ui.row_model import RowTableModel
from meetdesk.ui.table_models import ROW_ROLE, RoomsModel
from tests.ui.conftest import until
from tests.ui.fake_backend import qt_hygiene  # noqa: F401 - autouse fixture

ROWS = 5_000


class _Counted:
    """A sort key that counts the comparisons made with it."""

    compared = 0

    def __init__(self, value: str) -> None:
        self.value = value

    def __lt__(self, other: _Counted) -> bool:
        _Counted.compared += 1
        return self.value < other.value


@dataclass(frozen=True)
class _Row:
    id: str
    name: str
    profile: str = "a"


def _model() -> tuple[RowTableModel[_Row], list[TableColumn[_Row]]]:
    return RowTableModel(), [TableColumn("name", "Name", lambda r: r.name, sort=lambda r: _Counted(r.name))]


def _rows(tag: str = "") -> list[_Row]:
    return [_Row(f"r{i}", f"room {(i * 7919) % ROWS:05d}{tag}") for i in range(ROWS)]


def test_a_refresh_that_brings_the_rows_back_in_place_sorts_in_one_pass(qtbot: QtBot) -> None:
    model, columns = _model()
    model._set_blocks({"a": _rows()}, columns, replace_all=True)
    model.sort(0)
    _Counted.compared = 0
    model._set_blocks({"a": _rows(" (renamed)")}, columns, replace_all=True)  # F5: new objects, same places
    assert _Counted.compared < 2 * ROWS, f"{_Counted.compared} comparisons to sort {ROWS} rows sorted already"
    names = [model.index(r, 0).data() for r in range(ROWS)]
    assert names == sorted(names)


def test_the_selection_follows_its_row_without_ranking_every_row(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    model, columns = _model()
    model._set_blocks({"a": _rows()}, columns, replace_all=True)
    model.sort(0)
    chosen = QPersistentModelIndex(model.index(1234, 0))
    name = chosen.data()
    ranked = 0
    ranks = row_model.ranks

    def counted(*args: object) -> object:
        nonlocal ranked
        ranked += 1
        return ranks(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(row_model, "ranks", counted)
    reversed_rows = _rows()[::-1]  # the server lists them the other way round: every row moves
    model._set_blocks({"a": reversed_rows}, columns, replace_all=True)
    assert chosen.data() == name, "the persistent index lost its row"
    assert ranked == 0, "every row was ranked to find one selected row"


@pytest.mark.asyncio
async def test_the_rows_a_refresh_replaced_are_freed_on_the_offload_worker(qtbot: QtBot) -> None:
    freed_on: list[str] = []

    class Marker:
        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)

    def rooms(tag: str) -> list[Room]:
        return [Room(id=f"r{i}", name=f"Room {i} {tag}", profile="a", extra={"marker": Marker()})
                for i in range(ROWS)]

    model = RoomsModel(tz=UTC)
    model.set_room_blocks({"a": rooms("before")}, columns=[])
    first = model.index(0, 0).data(ROW_ROLE)
    job = model.prepare_job({"a": rooms("after")}, kinds=())
    model.set_prepared_blocks(job(), {"a"}, kinds=())
    del first, job
    await until(lambda: len(freed_on) == ROWS, what="the replaced rooms freed")
    on_the_loop = sum(name == threading.main_thread().name for name in freed_on)
    assert on_the_loop == 0, f"{on_the_loop} of the {ROWS} replaced rooms were freed on the event loop's thread"
