"""Only the stall half of ``benchmarks.refresh`` (the same measure: ``stall_ms`` against ``idle_stall_ms``), for
checking that row by hand without the F5 half.

``python -m benchmarks.f5_stall [RUNS]`` prints one JSON object. Each run takes a minute or two: the refresh ends
after OpenMeetings' user counts (2,000 calls at 300 ms latency, 8 at a time), and the timer watches all of it.
"""

from __future__ import annotations

import sys

from benchmarks.refresh import measure_stall, run_on_qt_loop

if __name__ == "__main__":
    sys.exit(run_on_qt_loop(measure_stall, 3))
