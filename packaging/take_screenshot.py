"""Take the README / AppStream screenshots on the demo servers, once their data has loaded:

* ``main-window.png``: the window at 1280x800, the Rooms tab (what software centres show first);
* ``join-link-composer.png``: 1280x720, a plugNmeet room selected, the composer filled in with a design and its
  preview;
* ``meetings-dark.png``: 1280x720, the Meetings tab in the dark colour scheme.

    QT_QPA_PLATFORM=offscreen python packaging/take_screenshot.py [OUTPUT_DIR]   (default resources/screenshots)

Run it again when the window changes; the metainfo and the README point at the committed files.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "resources" / "screenshots"
SETTLE_SECONDS = 4.0  # the demo servers answer in well under a second; leave time for every tab to fill
DESIGN = {"primary_color": "#0B5394", "secondary_color": "#FFFFFF"}


async def _window(session: Any, size: tuple[int, int], scheme: str) -> Any:
    from meetdesk.ui.app import build_main_window

    window = build_main_window(session, demo=True)
    window.resize(*size)
    window.show()
    window.set_color_scheme(scheme)
    await asyncio.sleep(0.3)
    await asyncio.sleep(SETTLE_SECONDS if window.connections.connect_all() is not None else 0.5)
    return window


async def _close(window: Any) -> None:
    window.save_ui_state = lambda: True  # the screenshots leave no layout behind
    window.tray.keeps_running = lambda: False
    window.close()
    await asyncio.sleep(0.2)


def _save(widget: Any, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"saved {path}")


async def capture(output: Path) -> None:
    from meetdesk.services.demo import DemoEnvironment

    output.mkdir(parents=True, exist_ok=True)
    env = DemoEnvironment().start()
    try:
        session = await env.open_session()
        window = await _window(session, (1280, 800), "light")
        _save(window, output / "main-window.png")
        await _close(window)

        window = await _window(session, (1280, 720), "light")
        tab = window.rooms_tab
        room = next(r for r in session.connection("Demo plugNmeet").rooms if r.running)
        window.connections.select("Demo plugNmeet")
        tab.select_key(("Demo plugNmeet", room.id))
        tab.table.scrollTo(tab.table.currentIndex(), tab.table.ScrollHint.PositionAtCenter)
        composer = window.composer
        composer.select("Demo plugNmeet", room.id)
        composer.set_participant(display_name="Ana Lima")
        composer.design.set_design(DESIGN)
        composer.design_section.set_expanded(True)
        await asyncio.sleep(0.5)
        _save(window, output / "join-link-composer.png")
        await _close(window)

        window = await _window(session, (1280, 720), "dark")
        window.tabs.setCurrentWidget(window.meetings_tab)
        await asyncio.sleep(0.5)
        _save(window, output / "meetings-dark.png")
        await _close(window)
        await window.shutdown()
    finally:
        env.stop()


def main() -> int:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    os.environ["QT_API"] = "pyside6"
    os.environ.setdefault("MEETDESK_LOG_FILE", "")
    # a throwaway config: the user's window layout must neither shape the screenshots nor be changed by them
    os.environ.setdefault("MEETDESK_CONFIG_DIR", tempfile.mkdtemp(prefix="meetdesk-screenshots-"))
    import qasync

    from meetdesk.ui.app import create_application

    app = create_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(capture(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
