"""The join-link composer shown in the main window's "Join link" dock."""

from meetdesk.ui.composer.composer import JoinLinkComposer

__all__ = ["JoinLinkComposer"]
