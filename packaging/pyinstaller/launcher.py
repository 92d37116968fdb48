"""Entry script of the frozen application (PyInstaller needs a file; the real entry point is meetdesk.__main__)."""

import sys

from meetdesk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
