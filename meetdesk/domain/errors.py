"""The project's own error types.

Every error carries ``message``: one sentence a coordinator understands, safe to show in the UI and
to log (it never contains a secret). ``detail`` is optional technical context for logs and the CLI's
``--json`` output; it must be secret-free as well.
"""

from __future__ import annotations

from meetdesk.domain.redaction import redact_urls_in


class MeetdeskError(Exception):
    """Base of every error meetdesk reports to a user."""

    #: exit code used by the CLI for this kind of error
    exit_code = 1

    def __init__(self, message: str, *, detail: str | None = None, hint: str | None = None) -> None:
        message = redact_urls_in(message)
        super().__init__(message)
        self.message = message
        # details quote URLs (a redirect's Location, the request); none of them may carry a secret out
        self.detail = redact_urls_in(detail) if detail else detail
        self.hint = redact_urls_in(hint) if hint else hint

    def user_text(self) -> str:
        """The message, followed by the hint when there is one."""
        return f"{self.message} {self.hint}" if self.hint else self.message

    def __str__(self) -> str:
        return self.user_text()


class ValidationError(MeetdeskError):
    """Input the user gave is invalid. ``field`` names the input (a field key) when known."""

    exit_code = 2

    def __init__(
        self, message: str, *, field: str | None = None, detail: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, detail=detail, hint=hint)
        self.field = field


class AuthenticationError(MeetdeskError):
    """Credentials were refused by the server."""

    exit_code = 3


class PermissionDeniedError(AuthenticationError):
    """The account is known but lacks a right the operation needs."""


class NotFoundError(MeetdeskError):
    """The room, meeting, recording or profile does not exist (or is not active)."""

    exit_code = 4


class UnreachableError(MeetdeskError):
    """The server could not be reached: DNS, refused connection, timeout, TLS failure."""

    exit_code = 5


class AnswerLostError(UnreachableError):
    """The request went out, but the connection broke before the whole answer came back."""


class TLSError(UnreachableError):
    """The server's certificate could not be verified."""


class ProtocolError(MeetdeskError):
    """The server answered something meetdesk does not understand."""


class ServerError(MeetdeskError):
    """The server reported a failure of its own (not the user's input)."""


class UnsupportedOperationError(MeetdeskError):
    """The back end does not offer this operation."""

    exit_code = 2


class ConflictError(MeetdeskError):
    """The operation conflicts with the current state (e.g. a room id already in use)."""


class SecretStoreError(MeetdeskError):
    """The OS keyring could not be used."""


class ConfigError(MeetdeskError):
    """The configuration file could not be read or written."""
