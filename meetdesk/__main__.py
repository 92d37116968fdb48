"""Entry point: ``meetdesk`` / ``python -m meetdesk``.

With a subcommand it runs the CLI (no window); without one it opens the window.
"""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered before anything heavy is imported
        from meetdesk import APP_NAME, __version__

        print(f"{APP_NAME} {__version__}")
        return 0
    window = args in ([], ["--demo"])  # the usual calls: the window, without importing the CLI's rules
    if not window:
        from meetdesk.cli.invocation import is_cli_invocation

        window = not is_cli_invocation(args)
    if not window:
        # A command is mostly its imports, which allocate much and free next to nothing: the collector's ~90
        # passes over the young objects of a `meetdesk rooms` (10–40 ms) found ~700 objects to free in all, and
        # that garbage does not grow with the work (the same for 30 or 300 bulk links). So, as for the window's
        # start-up, it stays off; the process ends after this one command. (A large answer decoded off the loop
        # turns it back on: backends/offload.py.)
        gc.disable()
        from meetdesk.cli.main import run_cli

        code = run_cli(args)
        # Interpreter shutdown would still run the collector over every object (~33,000; 25–45 ms) only to find
        # what the OS frees anyway: frozen objects are skipped. atexit, flushing stdout/stderr and refcount
        # finalizers still run.
        gc.freeze()
        return code

    # start-up allocates much and frees little: until the first paint a collection would only cost time
    # (ui/startup.py's paint_first freezes what was loaded and turns the collector back on)
    gc.disable()
    try:
        from meetdesk.ui.font_config import start_fontconfig

        start_fontconfig()  # on the other core while PySide6 is imported
        from meetdesk.ui.pyside_imports import answer_from_names

        answer_from_names()  # before the window's modules are imported: PySide would read each one's source
        from meetdesk.ui.app import run_gui

        return run_gui(args)
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
