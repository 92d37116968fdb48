"""Write the Debian changelog of the .deb from the releases in the AppStream metainfo (one source of truth).

    python packaging/linux/deb_changelog.py resources/org.meetdesk.MeetDesk.metainfo.xml "Name <mail>" > changelog
"""

from __future__ import annotations

import sys
import textwrap
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

PACKAGE = "meetdesk"
DISTRIBUTION = "stable"


def release_notes(release: ET.Element) -> list[str]:
    """The release's description as a list of change lines (paragraphs and list items)."""
    description = release.find("description")
    if description is None:
        return [f"Release {release.get('version')}."]
    notes = []
    for element in description.iter():
        if element.tag in {"p", "li"} and element.text:
            notes.append(" ".join("".join(element.itertext()).split()))
    return notes or [f"Release {release.get('version')}."]


def changelog(metainfo: Path, maintainer: str) -> str:
    root = ET.parse(metainfo).getroot()
    entries = []
    for release in root.iterfind("releases/release"):
        version, date = release.get("version"), release.get("date")
        if not version or not date:
            raise ValueError(f"{metainfo}: every <release> needs a version and a date")
        when = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC)
        lines = [f"{PACKAGE} ({version}) {DISTRIBUTION}; urgency=medium", ""]
        for note in release_notes(release):
            lines.extend(textwrap.wrap(note, width=78, initial_indent="  * ", subsequent_indent="    "))
        lines += ["", f" -- {maintainer}  {format_datetime(when)}", ""]
        entries.append("\n".join(lines))
    if not entries:
        raise ValueError(f"{metainfo}: no <release> entries")
    return "\n".join(entries)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.write(changelog(Path(argv[0]), argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
