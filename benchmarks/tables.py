"""100,000 rooms through the real Rooms tab (in the main window, with a view and a selected row), against a
minimal lazy table model; and the memory it all takes. Run by ``benchmarks.run`` in its own process:
``python -m benchmarks.tables ROWS RUNS`` prints one JSON object."""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView

from benchmarks.cpu_wait import GcTime, ThreadClock, between, load_average

SEARCH = "seminar – design 1"


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MinimalModel(QAbstractTableModel):
    """The baseline: rows of tuples, every cell text made when it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str, int, float]] = []

    def set_rows(self, rows: list[tuple[str, str, int, float]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def sort_by_time(self) -> None:
        self.layoutAboutToBeChanged.emit()
        self.rows = sorted(self.rows, key=lambda r: r[3], reverse=True)
        self.layoutChanged.emit()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return str(self.rows[index.row()][index.column()])


def _timed(app: QApplication, view: QTableView, action: Any) -> float:
    return _timed_detail(app, view, action)["ms"]


def _timed_detail(app: QApplication, view: QTableView, action: Any, clock: ThreadClock | None = None
                  ) -> dict[str, Any]:
    """The wall time of ``action`` until painted (``ms``, unrounded), and what it was made of (``cpu_wait.py``)."""
    clock = clock or ThreadClock()
    before = clock.mark()
    action()
    app.processEvents()
    view.viewport().repaint()  # the measure ends with the rows painted
    after = clock.mark()
    return {**between(before, after), "ms": (after.wall - before.wall) * 1000}


def rooms(count: int) -> list[Any]:
    """Rooms as the plugNmeet provider returns them (each its own extra dict; equal option sets shared)."""
    from meetdesk.backends.plugnmeet.options import options_from_metadata
    from meetdesk.backends.plugnmeet.simulator.state import DEFAULT_FEATURES
    from meetdesk.domain.models import Room
    from meetdesk.simulators.bulk import bulk_rooms

    options = options_from_metadata({"room_features": DEFAULT_FEATURES})
    now = datetime.now(UTC)

    def room(n: int, name: str) -> Room:
        room_id = f"bulk-{n}"  # one string for the id and extra["room_id"], as the client reads it once
        return Room(id=room_id, name=name, profile="Bench", kind="plugnmeet", status="running", running=True,
                    participant_count=n % 7, created=now - timedelta(minutes=n), options=options,
                    extra={"room_id": room_id, "sid": f"RM_{n:012d}", "recording": "no", "rtmp": "no",
                           "waiting_room": "", "breakout_of": "", "ended": ""})

    return [room(n, name) for n, name in bulk_rooms(count)]


def main() -> int:
    count, runs = int(sys.argv[1]), int(sys.argv[2])
    os.environ["MEETDESK_CONFIG_DIR"] = tempfile.mkdtemp(prefix="meetdesk-bench-")
    from meetdesk.domain.models import Profile
    from meetdesk.services.memory_keyring import MemoryKeyring
    from meetdesk.services.profile_store import ProfileStore
    from meetdesk.services.secret_store import SecretStore
    from meetdesk.services.session import ConnectionState, Session, SessionEvent
    from meetdesk.ui.main_window import MainWindow
    from meetdesk.ui.rooms_tab import RoomsTab

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    out: dict[str, Any] = {}
    store = ProfileStore(Path(os.environ["MEETDESK_CONFIG_DIR"]) / "profiles.json")
    store.load()
    store.add(Profile(name="Bench", kind="plugnmeet", base_url="https://bench.invalid", fields={"api_key": "k"}))
    session = Session(store, SecretStore(backend=MemoryKeyring()))
    window = MainWindow(session)
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    tab = window.rooms_tab
    assert isinstance(tab, RoomsTab)
    table = tab.table
    conn = session.connection("Bench")
    conn.state = ConnectionState.CONNECTED
    rss_before = rss_mib()
    data = rooms(count)

    load, sort, keystroke_worst, clear, index_ms = [], [], [], [], []
    worst_strokes: list[dict[str, Any]] = []
    gc_time = GcTime().install()  # for the rest of this process
    clock = ThreadClock(gc_time)
    rss_after = peak = 0.0
    for run in range(runs):
        conn.rooms = []
        session._emit(SessionEvent.DATA, "Bench")
        tab.search.setText("")
        app.processEvents()
        conn.rooms = list(data) if run else data

        def arrive() -> None:
            session._emit(SessionEvent.DATA, "Bench")
            app.processEvents()

        load.append(_timed(app, table, arrive))
        assert tab.proxy.rowCount() == count, tab.proxy.rowCount()
        started = time.perf_counter()
        while not tab.model.index_complete():  # built in idle time, slice by slice
            app.processEvents()
        index_ms.append((time.perf_counter() - started) * 1000)
        tab.select_key(("Bench", "bulk-500"))
        column = tab.model.column_of("created")
        sort.append(_timed(app, table, lambda c=column: table.sortByColumn(c, Qt.SortOrder.DescendingOrder)))
        strokes = [_timed_detail(app, table, lambda t=SEARCH[:i]: tab.search.setText(t), clock)
                   for i in range(1, len(SEARCH) + 1)]
        worst_stroke = max(strokes, key=lambda stroke: stroke["ms"])
        keystroke_worst.append(worst_stroke["ms"])
        worst_strokes.append({**worst_stroke, "ms": round(worst_stroke["ms"]), "load_average": load_average()})
        print("strokes", [round(x["ms"]) for x in strokes], file=sys.stderr)
        assert 0 < tab.proxy.rowCount() < count
        clear.append(_timed(app, table, lambda: tab.search.setText("")))
        selected = tab.selected()
        assert selected is not None and selected.id == "bulk-500", selected
        table.sortByColumn(tab.model.column_of("profile"), Qt.SortOrder.AscendingOrder)
        if not run:  # memory after the first load, sort and search (later runs only repeat them)
            window.composer.select("Bench", "bulk-99")  # type: ignore[attr-defined]  # the composer's room picker holds them too
            app.processEvents()
            rss_after, peak = rss_mib(), peak_mib()
    # baseline (after the memory figures, so its garbage is not counted): the minimal model in a bare view
    view = QTableView()
    view.resize(1280, 720)
    view.show()
    base_rows = [(f"Room {i}", f"id-{i}", i % 7, float(i)) for i in range(count)]
    minimal_load, minimal_sort = [], []
    for _ in range(runs):
        model = MinimalModel()
        view.setModel(model)
        minimal_load.append(_timed(app, view, lambda m=model: m.set_rows(list(base_rows))))
        minimal_sort.append(_timed(app, view, model.sort_by_time))
    view.setModel(None)
    view.close()

    out.update({
        "rows": count,
        "minimal_load_ms": statistics.median(minimal_load), "minimal_sort_ms": statistics.median(minimal_sort),
        "load_ms": statistics.median(load), "sort_ms": statistics.median(sort),
        "keystroke_worst_ms": statistics.median(keystroke_worst), "clear_ms": statistics.median(clear),
        "keystroke_worst_runs": worst_strokes,
        "index_idle_ms": statistics.median(index_ms),
        "rss_window_mib": rss_before, "rss_after_mib": rss_after, "peak_mib": peak,
    })
    print(json.dumps(out))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
