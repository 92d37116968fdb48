"""Take the AppStream screenshot: the main window at 1280x800 on the demo servers, once their data has loaded.

    QT_QPA_PLATFORM=offscreen python packaging/take_screenshot.py [resources/screenshots/main-window.png]

Run it again when the window changes; the metainfo points at the committed file.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "resources" / "screenshots" / "main-window.png"
SIZE = (1280, 800)
SETTLE_SECONDS = 6.0  # the demo servers answer in well under a second; leave time for every tab to fill


async def capture(output: Path) -> None:
    from meetdesk.services.demo import DemoEnvironment
    from meetdesk.ui.app import build_main_window

    env = DemoEnvironment().start()
    try:
        session = await env.open_session()
        window = build_main_window(session, demo=True)
        window.resize(*SIZE)
        window.show()
        window.connections.connect_all()
        await asyncio.sleep(SETTLE_SECONDS)
        output.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(output)):
            raise SystemExit(f"could not write {output}")
        await window.shutdown()
    finally:
        env.stop()


def main() -> int:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    os.environ["QT_API"] = "pyside6"
    os.environ.setdefault("MEETDESK_LOG_FILE", "")
    import qasync

    from meetdesk.ui.app import create_application

    app = create_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(capture(output))
    print(f"saved {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
