"""Where meetdesk keeps its configuration."""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_DIR_ENV = "MEETDESK_CONFIG_DIR"


def config_dir() -> Path:
    """The configuration directory: ``$MEETDESK_CONFIG_DIR`` or the platform's user config dir."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # not needed (nor its import time) when the directory is given

    return Path(platformdirs.user_config_dir("meetdesk", appauthor=False))
