"""What several CLI command modules need: option parsing into drafts, stamping rows with their profile."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from meetdesk.cli.context import Context
from meetdesk.cli.input import (
    check_option_keys,
    parse_pairs,
    secret_options,
)
from meetdesk.domain.errors import NotFoundError
from meetdesk.domain.fields import FieldSpec
from meetdesk.domain.models import Meeting
from meetdesk.services.session import Connection, Session


def raw_options(ctx: Context, args: argparse.Namespace, specs: Sequence[FieldSpec]) -> dict[str, str]:
    """``--option`` pairs with known keys only, secret ones read from stdin or a prompt (never argv)."""
    raw = dict(check_option_keys(specs, parse_pairs(args.option, flag="--option")))
    return secret_options(specs, raw, profile=args.name, stdin=ctx.stdin)


def stamp(items: list[Any], conn: Connection) -> list[Any]:
    return [replace(i, profile=conn.profile.name, kind=conn.profile.kind) for i in items]


#: how far ``meeting update`` and ``link --meeting`` looks for a meeting outside the session's usual window
SEARCH_PAST = timedelta(days=5 * 366)
SEARCH_AHEAD = timedelta(days=10 * 366)


async def find_meeting(session: Session, conn: Connection, meeting_id: str) -> Meeting:
    """The meeting with ``meeting_id``: from the session's window, else from a search ten years wide."""
    found = next((m for m in conn.meetings if m.id == meeting_id), None)
    if found is None:
        now = datetime.now(UTC)
        wide = await session.provider(conn.profile.name).list_meetings(now - SEARCH_PAST, now + SEARCH_AHEAD)
        found = next((m for m in stamp(wide, conn) if m.id == meeting_id), None)
    if found is None:
        name = shlex.quote(conn.profile.name)
        raise NotFoundError(f"There is no meeting “{meeting_id}” on “{conn.profile.name}”.",
                            hint=f"List the meetings with: meetdesk meetings {name} --from YYYY-MM-DD --to YYYY-MM-DD")
    return found
