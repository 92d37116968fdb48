"""A faithful local model of a BigBlueButton server's API. Never imports the client side."""

from meetdesk.backends.bigbluebutton.simulator.app import build

__all__ = ["build"]
