"""The generic simulator host: free port, TLS with a generated CA, fault injection, ``python -m meetdesk.simulators``.

Each back end's own simulator lives in ``meetdesk/backends/<package>/simulator/`` and exports::

    def build(*, seed: bool = True, **options: Any) -> SimulatorDefinition

:class:`meetdesk.simulators.host.SimulatorHost` serves it. No Qt here, and no back end's client.
"""

from meetdesk.backends.registry import BACKENDS, simulator_module

#: kind → module of its simulator, the same kinds as the provider registry
SIMULATOR_MODULES: dict[str, str] = {kind: simulator_module(kind) for kind in BACKENDS}
