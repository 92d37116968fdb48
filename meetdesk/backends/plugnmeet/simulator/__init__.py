"""A faithful local model of the plugnmeet server. Never imports the client side."""

from meetdesk.backends.plugnmeet.simulator.app import build

__all__ = ["build"]
