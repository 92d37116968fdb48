"""A faithful local model of the openmeetings server. Never imports the client side."""

from meetdesk.backends.openmeetings.simulator.app import build

__all__ = ["build"]
