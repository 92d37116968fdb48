"""What several CLI command modules need: option parsing into drafts, stamping rows with their profile."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from meetdesk.cli.context import Context
from meetdesk.cli.input import (
    check_option_keys,
    parse_pairs,
    secret_options,
)
from meetdesk.domain.fields import FieldSpec
from meetdesk.services.session import Connection


def raw_options(ctx: Context, args: argparse.Namespace, specs: Sequence[FieldSpec]) -> dict[str, str]:
    """``--option`` pairs with known keys only, secret ones read from stdin or a prompt (never argv)."""
    raw = dict(check_option_keys(specs, parse_pairs(args.option, flag="--option")))
    return secret_options(specs, raw, profile=args.name, stdin=ctx.stdin)


def stamp(items: list[Any], conn: Connection) -> list[Any]:
    return [replace(i, profile=conn.profile.name, kind=conn.profile.kind) for i in items]
