"""A faithful local model of the openmeetings_axis server. Never imports the client side."""

from meetdesk.backends.openmeetings_axis.simulator.app import build

__all__ = ["build"]
