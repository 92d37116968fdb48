"""Entry point: ``meetdesk`` / ``python -m meetdesk``.

With a subcommand it runs the CLI (no window); without one it opens the window.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered before anything heavy is imported
        from meetdesk import APP_NAME, __version__

        print(f"{APP_NAME} {__version__}")
        return 0
    from meetdesk.cli.invocation import is_cli_invocation

    if is_cli_invocation(args):
        from meetdesk.cli.main import run_cli

        return run_cli(args)
    import gc

    # start-up allocates much and frees little: until the first paint a collection would only cost time
    # (ui/startup.py's paint_first freezes what was loaded and turns the collector back on)
    gc.disable()
    try:
        from meetdesk.ui.app import run_gui

        return run_gui(args)
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
