"""Whether a command line asks for the CLI or the window — decided without importing either."""

from __future__ import annotations

from collections.abc import Sequence

COMMANDS = frozenset({"providers", "profile", "check", "rooms", "meetings", "link", "room", "meeting",
                      "recordings", "recording", "preset", "links", "invitation", "account", "live", "invite"})
__all__ = ["COMMANDS", "is_cli_invocation"]


def is_cli_invocation(args: Sequence[str]) -> bool:
    """True when ``args`` ask for the CLI; no arguments or only window options (``--demo``) open the window."""
    if any(a in ("--version", "-h", "--help", "--json") for a in args):
        return True
    # the first word that is not an option decides: a subcommand, or a typo that deserves a usage error
    return any(not a.startswith("-") for a in args[:1]) or any(a in COMMANDS for a in args)
