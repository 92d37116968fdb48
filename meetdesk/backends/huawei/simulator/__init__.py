"""A faithful local model of Huawei Cloud Meeting. Never imports the client side."""

from meetdesk.backends.huawei.simulator.app import build

__all__ = ["build"]
