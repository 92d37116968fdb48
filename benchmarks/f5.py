"""Only the F5 half of ``benchmarks.refresh`` (the same measure: ``f5_ms``, ``f5_details_ms``, ``round_trip_ms``),
for checking that row by hand without waiting for the 20,000-room stall half.

``python -m benchmarks.f5 [RUNS]`` prints one JSON object, with ``ratio`` = ``f5_ms`` / ``round_trip_ms``.
"""

from __future__ import annotations

import sys
from typing import Any

from benchmarks.refresh import LATENCY_MS, measure_f5, run_on_qt_loop


async def measure(runs: int) -> dict[str, Any]:
    out = {"latency_ms": LATENCY_MS, **await measure_f5(runs)}
    out["ratio"] = out["f5_ms"] / out["round_trip_ms"]
    return out


if __name__ == "__main__":
    sys.exit(run_on_qt_loop(measure, 5))
