"""Only the command-line rows of ``benchmarks.run``: ``python -m benchmarks.cli_rooms [RUNS]``.

The same measurement (``bench_cli``: interleaved runs, medians, meetdesk byte-compiled first), for checking a
change to the CLI's start-up without the minutes the whole benchmark takes.
"""

from __future__ import annotations

import compileall
import sys

from benchmarks.run import ROOT, WHAT, _absolute, _ratio, bench_cli, render


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    compileall.compile_dir(ROOT / "meetdesk", quiet=1)
    cli = bench_cli(runs)
    results = {"cli_rooms_json": _ratio(cli["rooms_json_ms"], cli["bare_request_ms"], 1.5),
               "cli_version": _absolute(cli["version_ms"], "ms", 60, cli["pass_ms"])}
    assert set(results) <= set(WHAT)
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
