"""The participant fields every back end shares, and which of them a provider's own join options replace."""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Collection, Sequence

from meetdesk.backends.base import PROVIDER_MODULES
from meetdesk.domain.fields import FieldKind, FieldSpec

log = logging.getLogger("meetdesk.ui.composer")

PARTICIPANT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("display_name", "Name", required=True, placeholder="Shown to the others, e.g. Ana Lima"),
    FieldSpec("user_id", "User ID",
              help="The same person should always get the same ID: the server then replaces their earlier "
                   "session instead of showing them twice."),
    FieldSpec("moderator", "Moderator", FieldKind.BOOL, default=False,
              help="A moderator may manage the room and its participants."),
    FieldSpec("hidden", "Hidden from the participant list", FieldKind.BOOL, default=False,
              help="The others do not see this participant (e.g. an observer or a recorder)."),
    FieldSpec("language", "Language", placeholder="e.g. en, de-DE (empty: the browser's)"),
    FieldSpec("avatar_url", "Picture URL", FieldKind.HTTPS_URL, placeholder="https://…/photo.jpg",
              help="The profile picture shown for this participant; must be an https:// address."),
    FieldSpec("email", "Email", placeholder="e.g. name@example.org"),
)

#: A provider join option with one of these keys stands in for the shared field (so it is not asked twice).
ALIASES: dict[str, frozenset[str]] = {
    "language": frozenset({"language", "preferred_lang", "lang"}),
    "moderator": frozenset({"moderator", "is_admin"}),
    "hidden": frozenset({"hidden", "is_hidden"}),
    "avatar_url": frozenset({"avatar_url", "profile_pic", "profile_picture_url"}),
    "email": frozenset({"email"}),
}
#: error field names back ends use for the shared fields
WIRE_NAMES: dict[str, str] = {"name": "display_name", "profile_pic": "avatar_url", "is_admin": "moderator",
                              "is_hidden": "hidden", "preferred_lang": "language"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def participant_fields(join_fields: Sequence[FieldSpec], honoured: Collection[str] | None = None
                       ) -> tuple[FieldSpec, ...]:
    """The shared fields minus those the provider's own join options cover.

    ``honoured``: the JoinRequest fields the back end uses, when its provider says so (an optional
    ``join_request_fields`` class attribute); fields it ignores are then not offered at all.
    """
    own = {spec.key for spec in join_fields}
    return tuple(
        spec for spec in PARTICIPANT_FIELDS
        if not (ALIASES.get(spec.key, frozenset()) & own)
        and (honoured is None or spec.key in honoured or spec.key == "display_name")
    )


def honoured_fields(provider: type[object] | None) -> frozenset[str] | None:
    declared = getattr(provider, "join_request_fields", None)
    if declared is None:
        return None
    return frozenset(str(k) for k in declared)


def email_problem(text: str) -> str:
    text = text.strip()
    if text and not _EMAIL.match(text):
        return f"“{text}” is not an email address like name@example.org."
    return ""


def user_id_deriver(kind: str) -> Callable[[str], str] | None:
    """The provider module's ``derive_user_id(name)``, when it exports one."""
    target = PROVIDER_MODULES.get(kind)
    if not target:
        return None
    try:
        module = importlib.import_module(target.partition(":")[0])
    except ImportError:
        log.debug("provider module for %s not importable", kind)
        return None
    fn = getattr(module, "derive_user_id", None)
    return fn if callable(fn) else None
