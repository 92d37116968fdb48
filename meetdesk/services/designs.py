"""What the composer and the CLI share about plugNmeet designs: named presets and contrast warnings."""

from __future__ import annotations

from meetdesk.domain.colors import MIN_TEXT_CONTRAST
from meetdesk.domain.design import contrast_checks
from meetdesk.domain.errors import NotFoundError
from meetdesk.services.profile_store import ProfileStore


def load_preset(store: ProfileStore, name: str) -> dict[str, str]:
    """The saved design called ``name``; :class:`NotFoundError` with a hint when there is none."""
    try:
        return store.presets()[name]
    except KeyError:
        raise NotFoundError(f"There is no design named “{name}”.",
                            hint="See the saved designs with: meetdesk preset list") from None


def contrast_warnings(design: dict[str, str]) -> list[str]:
    """One sentence for each text/background pair of ``design`` that is hard to read."""
    return [f"{check.label} has a contrast of only {check.ratio:.1f}:1; "
            f"text needs at least {MIN_TEXT_CONTRAST:.1f}:1 to be easy to read."
            for check in contrast_checks(design) if not check.ok]
