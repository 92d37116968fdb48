"""Only the stall half of ``benchmarks.refresh`` (the same measure: ``stall_ms`` against ``idle_stall_ms``), for
checking that row by hand without the F5 half.

``python -m benchmarks.f5_stall [RUNS]`` prints one JSON object. Each run takes a minute or two: the refresh ends
after OpenMeetings' user counts (2,000 calls at 300 ms latency, 8 at a time), and the timer watches all of it.
"""

from __future__ import annotations

import asyncio
import json
import sys

import qasync
from PySide6.QtWidgets import QApplication

from benchmarks.refresh import measure_stall


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(measure_stall(runs))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
