"""Entry script of the frozen application (PyInstaller needs a file; the real entry point is meetdesk.__main__).

The window's demo starts each simulator as ``sys.executable -m meetdesk.simulators …`` (services/demo.py). In a
frozen bundle ``sys.executable`` is this launcher, which has no ``-m``: it dispatches that form itself."""

import sys

SIMULATORS = ["-m", "meetdesk.simulators"]


def run() -> int:
    if sys.argv[1:3] == SIMULATORS:
        from meetdesk.simulators.__main__ import main as simulators

        return simulators(sys.argv[3:])
    from meetdesk.__main__ import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
