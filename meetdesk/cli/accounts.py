"""``account create | admin``: accounts on a multi-tenant instance (Veeting white-label instance keys)."""

from __future__ import annotations

import argparse
from typing import Any

from meetdesk.backends.base import Capability
from meetdesk.cli.common import raw_options
from meetdesk.cli.context import Context
from meetdesk.cli.input import parse_cli_options
from meetdesk.cli.output import jsonable, option_rows, pairs, table
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import Account, AccountDraft, AccountUser
from meetdesk.domain.people import parse_email


def account_json(account: Account) -> dict[str, Any]:
    return {"id": account.id, "name": account.name, "account_type": account.account_type,
            "paid_until": jsonable(account.paid_until), "profile": account.profile, "extra": jsonable(account.extra)}


def user_json(user: AccountUser) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
            "language": user.language, "timezone": user.timezone}


async def cmd_account_create(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.ACCOUNTS, "creating accounts")
    options = parse_cli_options(cls.account_fields, raw_options(ctx, args, cls.account_fields))
    email = parse_email(args.email, field="email", label="--email")
    first, last = args.first_name.strip(), args.last_name.strip()
    if not first or not last:
        raise ValidationError("Give the administrator's --first-name and --last-name.", field="first_name")
    draft = AccountDraft(admin_email=email, admin_first_name=first, admin_last_name=last,
                         language=(args.language or "en").strip(), options=options)
    session, _conn, cls = await ctx.connect(args.name, Capability.ACCOUNTS, "creating accounts")
    account = await session.create_account(args.name, draft)
    rows: list[tuple[str, Any]] = [("Account", account.name), ("ID", account.id), ("Type", account.account_type),
                                   ("Paid until", account.paid_until), ("Administrator", f"{first} {last} <{email}>")]
    rows += option_rows({k: v for k, v in options.items() if k not in ("account_type",)}, cls.account_fields)
    text = (f"Created the account “{account.name}”.\n{pairs(rows)}\n"
            f"Its administrator's user id: meetdesk account admin {args.name!r} {account.id}")
    ctx.out.result(account_json(account), text)
    return 0


async def cmd_account_admin(ctx: Context, args: argparse.Namespace) -> int:
    session, _conn, _cls = await ctx.connect(args.name, Capability.ACCOUNTS, "looking up account administrators")
    users = await session.account_admins(args.name, args.account_id)
    if not users:
        text = f"The account {args.account_id} has no administrator on “{args.name}”."
    else:
        text = table(["USER ID", "NAME", "E-MAIL", "LANGUAGE", "TIME ZONE"],
                     [[u.id, u.display_name, u.email, u.language, u.timezone] for u in users])
        text += "\n(To schedule meetings for one of them, enter the user id as the profile's organiser user id.)"
    ctx.out.result([user_json(u) for u in users], text)
    return 0
