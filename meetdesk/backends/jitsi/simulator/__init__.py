"""A local stand-in for a Jitsi Meet deployment with token authentication. Never imports the client side."""

from meetdesk.backends.jitsi.simulator.app import build

__all__ = ["build"]
