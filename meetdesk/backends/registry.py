"""The back ends meetdesk knows, one line each.

A back end is one package ``meetdesk.backends.<package>`` with ``client.py`` (its :class:`Provider` subclass)
and ``simulator/`` (a faithful local server exporting ``build()``). This table imports nothing, so both the
provider registry in :mod:`meetdesk.backends.base` and the generic simulator host can read it without
importing a single client or simulator.
"""

from __future__ import annotations

#: kind → (package under meetdesk.backends, Provider class name in its client module)
BACKENDS: dict[str, tuple[str, str]] = {
    "plugnmeet": ("plugnmeet", "PlugNmeetProvider"),
    "openmeetings": ("openmeetings", "OpenMeetingsProvider"),
    "openmeetings-axis": ("openmeetings_axis", "OpenMeetingsAxisProvider"),
    "bigbluebutton": ("bigbluebutton", "BigBlueButtonProvider"),
    "jitsi": ("jitsi", "JitsiProvider"),
    "veeting": ("veeting", "VeetingProvider"),
    "huawei": ("huawei", "HuaweiProvider"),
}


def client_target(kind: str) -> str:
    """``"module:ClassName"`` of the kind's provider."""
    package, class_name = BACKENDS[kind]
    return f"meetdesk.backends.{package}.client:{class_name}"


def simulator_module(kind: str) -> str:
    """The module whose ``build()`` makes the kind's simulator."""
    return f"meetdesk.backends.{BACKENDS[kind][0]}.simulator"
