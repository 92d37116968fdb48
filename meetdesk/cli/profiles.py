"""``providers``, ``profile …`` and ``check``: back ends, profiles with their keyring secret, a connection check."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from meetdesk.backends.base import Capability, available_kinds
from meetdesk.cli.context import KEYRING_HINT, Context, kind_class
from meetdesk.cli.input import (
    in_sentence,
    parse_pairs,
    read_secret,
)
from meetdesk.cli.output import (
    pairs,
    profile_json,
    provider_json,
    provider_text,
    server_json,
    table,
)
from meetdesk.domain.errors import MeetdeskError, SecretStoreError, ValidationError
from meetdesk.domain.models import Profile


async def cmd_providers(ctx: Context, args: argparse.Namespace) -> int:
    if args.kind:
        cls = kind_class(args.kind)
        ctx.out.result(provider_json(cls), provider_text(cls))
        return 0
    classes = [kind_class(kind) for kind in available_kinds()]
    text = "\n\n".join(provider_text(c, options=False) for c in classes)
    text += "\n\nThe options of one back end: meetdesk providers KIND"
    ctx.out.result([provider_json(c) for c in classes], text)
    return 0


def profile_text(ctx: Context, profile: Profile, secret_stored: bool | None) -> str:
    cls = kind_class(profile.kind)
    labels = {s.key: s.label for s in cls.connection_fields}
    spec = cls.secret_field()
    secret_state = None
    if spec is not None:
        secret_state = {True: "stored in the keyring", False: "not stored",
                        None: "unknown (the keyring is not available)"}[secret_stored]
    rows: list[tuple[str, Any]] = [("Profile", profile.name), ("Back end", f"{cls.display_name} ({profile.kind})"),
                                   (cls.url_label, profile.base_url)]
    rows += [(labels.get(k, k), v) for k, v in profile.fields.items()]
    rows += [("CA file", profile.ca_file), ("Plain HTTP allowed", True if profile.allow_http else None),
             ("Deadline per call", f"{profile.deadline_s:g} s" if profile.deadline_s else None)]
    if spec is not None:
        rows.append((spec.label, secret_state))
    return pairs(rows)


async def _secret_stored(ctx: Context, name: str) -> bool | None:
    stored = await ctx.secrets.get(name)
    return None if ctx.secrets.degraded else stored is not None


async def cmd_profile_add(ctx: Context, args: argparse.Namespace) -> int:
    cls = kind_class(args.provider)
    specs = {s.key: s for s in cls.connection_fields}
    fields = parse_pairs(args.field, flag="--field")
    for key in fields:
        spec = specs.get(key)
        if spec is None:
            known = ", ".join(s.key for s in cls.connection_fields if not s.is_secret) or "none"
            raise ValidationError(f"“{key}” is not a connection field of {cls.display_name}. Known fields: {known}.",
                                  field=key)
        if spec.is_secret:
            raise ValidationError(f"The {in_sentence(spec.label)} must not be given on the command line, where other "
                                  "programs and the shell history can read it.",
                                  hint="Use --secret-stdin, or leave it out to be asked for it.", field=key)
    name = args.name.strip()
    if name in ctx.store:
        raise ValidationError(f"A profile named “{name}” already exists.", field="name",
                              hint="Remove it first or choose another name.")
    ca_file = str(Path(args.ca_file).expanduser().resolve()) if args.ca_file else None
    deadline = args.deadline
    if deadline is not None and not 1 <= deadline <= 3600:
        raise ValidationError("--deadline must be from 1 to 3600 seconds.", field="deadline_s")
    profile = Profile(name=name, kind=cls.kind, base_url=args.url, fields=fields, ca_file=ca_file,
                      allow_http=bool(args.allow_http), deadline_s=deadline)
    spec = cls.secret_field()
    secret = read_secret(spec.label, from_stdin=args.secret_stdin, profile=name, stdin=ctx.stdin) if spec else None
    session = ctx.session()
    saved = await session.add_profile(profile, secret)
    if secret and ctx.secrets.degraded:
        # A secret kept in this process's memory would be gone when the command ends: keep nothing.
        await session.remove_profile(saved.name)
        raise SecretStoreError(f"meetdesk cannot store the {in_sentence(spec.label) if spec else 'secret'} of "
                               f"“{saved.name}”: the system keyring is not available, so the profile was not saved.",
                               hint=KEYRING_HINT, detail=ctx.secrets.warning)
    stored = True if secret else None
    ctx.out.result(profile_json(saved, secret_stored=stored),
                   f"Saved profile “{saved.name}”.\n" + profile_text(ctx, saved, stored))
    return 0


async def cmd_profile_list(ctx: Context, args: argparse.Namespace) -> int:
    profiles = ctx.store.profiles()
    text = (table(["NAME", "BACK END", "URL"], [[p.name, p.kind, p.base_url] for p in profiles]) if profiles
            else "No profiles yet. Add one with: meetdesk profile add NAME --provider KIND --url URL")
    ctx.out.result([p.to_json() for p in profiles], text)
    return 0


async def cmd_profile_show(ctx: Context, args: argparse.Namespace) -> int:
    profile = ctx.store.get(args.name)
    stored = await _secret_stored(ctx, profile.name) if kind_class(profile.kind).secret_field() else None
    ctx.out.result(profile_json(profile, secret_stored=stored), profile_text(ctx, profile, stored))
    return 0


async def cmd_profile_remove(ctx: Context, args: argparse.Namespace) -> int:
    ctx.store.get(args.name)
    await ctx.session().remove_profile(args.name)
    if ctx.secrets.degraded:
        ctx.out.warn("The system keyring is not available, so a saved password of this profile may still be in it.")
    ctx.out.result({"name": args.name, "removed": True}, f"Removed profile “{args.name}” and its saved password.")
    return 0


async def cmd_profile_secret(ctx: Context, args: argparse.Namespace) -> int:
    profile = ctx.store.get(args.name)
    spec = kind_class(profile.kind).secret_field()
    if spec is None:
        raise ValidationError(f"“{profile.name}” needs no secret.")
    secret = read_secret(spec.label, from_stdin=args.secret_stdin, profile=profile.name, stdin=ctx.stdin)
    await ctx.secrets.set(profile.name, secret)
    if ctx.secrets.degraded:
        raise SecretStoreError(f"meetdesk cannot store the {in_sentence(spec.label)} of “{profile.name}”: "
                               "the system keyring is not available.", hint=KEYRING_HINT)
    ctx.out.result(profile_json(profile, secret_stored=True),
                   f"Stored the {in_sentence(spec.label)} of “{profile.name}” in the keyring.")
    return 0


async def cmd_check(ctx: Context, args: argparse.Namespace) -> int:
    _session, conn, cls = await ctx.connect(args.name)
    assert conn.server is not None
    caps = cls.capabilities
    data = {
        "profile": conn.profile.name,
        "kind": conn.profile.kind,
        "base_url": conn.profile.base_url,
        "status": conn.state.value,
        "server": server_json(conn.server),
        "rooms": len(conn.rooms) if Capability.LIST_ROOMS in caps else None,
        "meetings": len(conn.meetings) if Capability.LIST_MEETINGS in caps else None,
        "refresh_error": conn.refresh_error or None,
    }
    failure = conn.refresh_failure
    if failure is not None or conn.refresh_error:
        # the sign-in worked but the server's data could not be read: a check that failed, not a warning
        if not ctx.out.json_mode:
            ctx.out.result(None, pairs([("Profile", conn.profile.name), ("Server", conn.profile.base_url),
                                        ("Status", f"connected — {conn.server.summary()}"),
                                        ("Signed in as", conn.server.user)]))
        error = MeetdeskError(f"Connected to “{conn.profile.name}”, but loading its data failed: "
                              f"{failure.message if failure else conn.refresh_error}",
                              detail=failure.detail if failure else None, hint=failure.hint if failure else None)
        error.exit_code = max(failure.exit_code, 1) if failure else 1
        raise error
    text = pairs([("Profile", conn.profile.name), ("Server", conn.profile.base_url),
                  ("Status", f"connected — {conn.server.summary()}"), ("Signed in as", conn.server.user),
                  ("Rooms", data["rooms"]), ("Meetings (next two weeks)", data["meetings"])])
    ctx.out.result(data, text)
    return 0
