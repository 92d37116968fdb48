"""A faithful local model of a Veeting Rooms white-label instance (API v6). Never imports the client side."""

from meetdesk.backends.veeting.simulator.app import build

__all__ = ["build"]
