"""Faithful local servers, one per back end, for tests and demo mode. No Qt, no meetdesk.providers.

Each simulator module (same name as its provider module) defines::

    def build(*, seed: bool = True, **options: Any) -> SimulatorDefinition

and is listed in :data:`SIMULATOR_MODULES`. :class:`meetdesk.simulators.host.SimulatorHost` serves it.
"""

#: kind → module, the same kinds as meetdesk.providers.base.PROVIDER_MODULES
SIMULATOR_MODULES: dict[str, str] = {
    "plugnmeet": "meetdesk.simulators.plugnmeet",
    "openmeetings": "meetdesk.simulators.openmeetings",
    "openmeetings-axis": "meetdesk.simulators.openmeetings_axis",
}
