"""``preset …``: named plugNmeet custom_design presets kept with the profiles."""

from __future__ import annotations

import argparse

from meetdesk.cli.context import Context
from meetdesk.cli.input import (
    parse_pairs,
)
from meetdesk.cli.output import (
    pairs,
    table,
)
from meetdesk.domain.design import validate_design
from meetdesk.domain.errors import ValidationError
from meetdesk.services.designs import contrast_warnings, load_preset


def design_text(design: dict[str, str]) -> str:
    return pairs(sorted(design.items())) if design else "(no settings)"


async def cmd_preset_list(ctx: Context, args: argparse.Namespace) -> int:
    presets = ctx.store.presets()
    text = (table(["NAME", "SETTINGS"], [[n, ", ".join(sorted(d))] for n, d in presets.items()]) if presets
            else "No saved designs. Save one with: meetdesk preset save NAME --design KEY=VALUE …")
    ctx.out.result([{"name": n, "design": d} for n, d in presets.items()], text)
    return 0


async def cmd_preset_show(ctx: Context, args: argparse.Namespace) -> int:
    design = load_preset(ctx.store, args.name)
    ctx.out.result({"name": args.name, "design": design}, f"Design “{args.name}”\n{design_text(design)}")
    return 0


async def cmd_preset_save(ctx: Context, args: argparse.Namespace) -> int:
    design = validate_design(parse_pairs(args.design, flag="--design"))
    if not design:
        raise ValidationError("Give at least one --design KEY=VALUE setting.", field="design")
    ctx.store.save_preset(args.name, design)
    name = args.name.strip()
    saved = ctx.store.presets()[name]
    for warning in contrast_warnings(saved):
        ctx.out.warn(warning)
    ctx.out.result({"name": name, "design": saved}, f"Saved design “{name}”\n{design_text(saved)}")
    return 0


async def cmd_preset_remove(ctx: Context, args: argparse.Namespace) -> int:
    ctx.store.delete_preset(args.name)
    ctx.out.result({"name": args.name, "removed": True}, f"Removed design “{args.name}”.")
    return 0
