"""meetdesk without a window: the same services as the GUI, driven from the command line.

Exit codes: 0 ok, 1 error, 2 usage (bad input, unsupported operation), 3 authentication, 4 not found,
5 unreachable (also: no complete answer within the profile's deadline). Errors are one sentence (+ hint) on
stderr, and with ``--json`` also a JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from meetdesk import __version__
from meetdesk.cli.actions import RECORDING_ACTION_NAMES, ROOM_ACTION_HELP, add_live_commands
from meetdesk.cli.invocation import COMMANDS
from meetdesk.cli.output import Output
from meetdesk.domain.errors import MeetdeskError, ValidationError

if TYPE_CHECKING:
    from meetdesk.cli.context import Context

log = logging.getLogger("meetdesk.cli")

Handler = Callable[["Context", argparse.Namespace], Awaitable[int]]
#: a command's handler as "module:function" under meetdesk.cli — imported only when that command runs, so a
#: command pays only for its own imports (icalendar, segno … stay unloaded for ``rooms``)
HandlerRef = str

EXIT_INTERRUPTED = 130
#: the same switch as the window's: MEETDESK_LOG=debug
LOG_ENV = "MEETDESK_LOG"


class UsageError(ValidationError):
    """The command line itself is wrong (argparse's complaint)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message[:1].upper()}{message[1:]}.", hint=f"See: {self.prog} --help")


# the parser ----------------------------------------------------------------------------------------


def _common() -> _Parser:
    common = _Parser(add_help=False)
    # SUPPRESS keeps a subcommand from resetting what was given before it (meetdesk --json rooms X)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print the result (or the error) as JSON on stdout")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="log what happens (secret-free) on stderr")
    return common


def _options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--option", action="append", metavar="KEY=VALUE",
                   help=f"a {what} option of the back end (see: meetdesk providers KIND); repeatable")


class _OneCommand:
    """The top-level subparsers when the command line names its command: only that command's parser is built
    (all sixty-odd of them took ~10 ms of every ``meetdesk rooms``)."""

    def __init__(self, sub: argparse._SubParsersAction[_Parser], command: str) -> None:
        self._sub, self._command = sub, command

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        return self._sub.add_parser(name, **kwargs) if name == self._command else _Unbuilt()


class _Unbuilt:
    """The parser of a command not being run: whatever is configured on it is dropped."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return lambda *args, **kwargs: self


def command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs (its first word; the options before it take no value), if it is one."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (``command``) the top level with only that command's parser."""
    common = _common()
    parser = _Parser(prog="meetdesk", parents=[common],
                     description="meetdesk: rooms, meetings and join links on your conferencing servers. "
                                 "Without a command it opens the window.",
                     epilog="Exit codes: 0 ok, 1 error, 2 usage, 3 authentication, 4 not found, 5 unreachable.")
    parser.add_argument("--version", action="version", version=f"meetdesk {__version__}")
    sub: Any = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    if command is not None:
        sub = _OneCommand(sub, command)

    def leaf(group: argparse._SubParsersAction[_Parser], name: str, handler: HandlerRef, help: str,
             ) -> argparse.ArgumentParser:
        p = group.add_parser(name, parents=[common], help=help, description=help[:1].upper() + help[1:] + ".")
        p.set_defaults(handler=handler)
        return p

    def nested(name: str, help: str) -> argparse._SubParsersAction[_Parser]:
        p = sub.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".")
        return p.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)

    p = leaf(sub, "providers", "profiles:cmd_providers",
             "list the back ends, their connection fields, options and abilities")
    p.add_argument("kind", nargs="?", help="show only this back end")

    profiles = nested("profile", "add, list, show or remove saved connections; store a new secret")
    p = leaf(profiles, "add", "profiles:cmd_profile_add", "save a connection; its secret goes to the keyring")
    p.add_argument("name", metavar="PROFILE", help="the new profile's name, e.g. \"Training server\"")
    p.add_argument("--provider", required=True, metavar="KIND", help="the back end kind (see: meetdesk providers)")
    p.add_argument("--url", required=True, help="the server's address")
    p.add_argument("--field", action="append", metavar="KEY=VALUE", help="a connection field; repeatable")
    p.add_argument("--secret-stdin", action="store_true", help="read the secret from one line of standard input")
    p.add_argument("--ca-file", metavar="PATH", help="a CA certificate (PEM) to trust for this server")
    p.add_argument("--allow-http", action="store_true", help="allow plain http:// to a server that is not local")
    p.add_argument("--deadline", type=float, metavar="SECONDS",
                   help="give up on a call to this server after this many seconds in all (default 60)")
    leaf(profiles, "list", "profiles:cmd_profile_list", "list the saved profiles")
    for action, handler, text in (("show", "profiles:cmd_profile_show", "show one profile (never its secret)"),
                                  ("remove", "profiles:cmd_profile_remove", "remove a profile and its saved secret")):
        leaf(profiles, action, handler, text).add_argument("name", metavar="PROFILE", help="the profile's name")
    p = leaf(profiles, "secret", "profiles:cmd_profile_secret",
             "store a new secret (password, API secret) for a profile")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("--secret-stdin", action="store_true", help="read the secret from one line of standard input")

    p = leaf(sub, "check", "profiles:cmd_check", "connect to a profile's server and report what it says")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")

    p = leaf(sub, "rooms", "rooms:cmd_rooms", "list a server's rooms")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("--past", action="store_true", help="include rooms that have ended")

    p = leaf(sub, "meetings", "meetings:cmd_meetings",
             "list scheduled meetings (default: from yesterday to two weeks ahead)")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("--from", dest="start", metavar="ISO", help="from this date or time, e.g. 2025-03-01")
    p.add_argument("--to", dest="end", metavar="ISO", help="up to this date (inclusive) or time")

    p = leaf(sub, "link", "links:cmd_link", "make a join link for a participant")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--room", metavar="ID", help="the room's id")
    target.add_argument("--meeting", metavar="ID",
                        help="the meeting's id (for back ends whose links belong to a meeting)")
    p.add_argument("--name", dest="display_name", required=True, metavar="DISPLAY_NAME",
                   help="the participant's name as others will see it")
    p.add_argument("--user-id", metavar="ID", help="a stable id for the participant")
    p.add_argument("--moderator", action="store_true", help="join as moderator")
    p.add_argument("--hidden", action="store_true", help="join hidden (where the back end allows it)")
    p.add_argument("--language", metavar="L", help="user interface language, e.g. de")
    p.add_argument("--email", metavar="E")
    p.add_argument("--avatar-url", metavar="URL")
    _options(p, "join")
    p.add_argument("--design", action="append", metavar="KEY=VALUE", help="a custom design setting; repeatable")
    p.add_argument("--preset", metavar="NAME", help="start from a saved design (--design overrides its keys)")
    p.add_argument("--qr", metavar="FILE", help="also save the link as a QR code (FILE.png or FILE.svg)")
    _invitation_commands(sub, leaf)

    rooms = nested("room", "create, edit, delete, end, open or close a room")
    p = leaf(rooms, "create", "rooms:cmd_room_create", "create a room")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("--name", dest="room_name", required=True, metavar="ROOM_NAME", help="the room's title")
    p.add_argument("--id", metavar="ID", help="the room id (some back ends derive one from the title)")
    _options(p, "room")
    p = leaf(rooms, "update", "rooms:cmd_room_update", "change a room; what is not given stays as it is")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("room_id", metavar="ROOM_ID")
    p.add_argument("--name", dest="room_name", metavar="ROOM_NAME", help="a new title")
    _options(p, "room")
    for action, what in ROOM_ACTION_HELP.items():
        p = leaf(rooms, action, "rooms:cmd_room_action", what.replace("rooms", "a room"))
        p.add_argument("name", metavar="PROFILE", help="the profile's name")
        p.add_argument("room_id", metavar="ROOM_ID")
        p.set_defaults(action=action)

    meetings = nested("meeting", "schedule, change or cancel a meeting")
    for action, handler, required in (("create", "meetings:cmd_meeting_create", True),
                                      ("update", "meetings:cmd_meeting_update", False)):
        text = "schedule a meeting" if required else "change a meeting; what is not given stays as it is"
        p = leaf(meetings, action, handler, text)
        p.add_argument("name", metavar="PROFILE", help="the profile's name")
        if not required:
            p.add_argument("meeting_id", metavar="MEETING_ID")
        p.add_argument("--title", required=required, metavar="T")
        p.add_argument("--start", required=required, metavar="ISO", help="e.g. 2025-03-07T14:00 (local time)")
        p.add_argument("--end", required=required, metavar="ISO")
        p.add_argument("--room", metavar="ID", help="the room it takes place in")
        p.add_argument("--timezone", metavar="TZ", help="e.g. Europe/Berlin; times without offset are read in it")
        p.add_argument("--description", metavar="D")
        p.add_argument("--location", metavar="L")
        _options(p, "meeting")
    p = leaf(meetings, "cancel", "meetings:cmd_meeting_cancel", "cancel a meeting")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("meeting_id", metavar="MEETING_ID")

    p = leaf(sub, "recordings", "recordings:cmd_recordings", "list recordings")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("--room", metavar="ID", help="only this room's recordings")
    p.add_argument("--state", metavar="S[,S…]", help="only recordings in these states, e.g. published,unpublished "
                                                    "or any (back ends that have states, see: meetdesk providers)")
    recording = nested("recording", "delete, publish, unpublish or change a recording; print its playback link")
    for action in RECORDING_ACTION_NAMES:
        p = leaf(recording, action, "recordings:cmd_recording_action",
                 "print the playback or download link" if action == "url" else f"{action} a recording")
        p.add_argument("name", metavar="PROFILE", help="the profile's name")
        p.add_argument("recording_id", metavar="RECORDING_ID")
        if action == "update":
            p.add_argument("--meta", action="append", metavar="NAME=VALUE",
                           help="set a metadata value (empty removes it); repeatable")
        p.set_defaults(action=action)

    accounts = nested("account", "create accounts on a multi-tenant instance and look up their administrators")
    p = leaf(accounts, "create", "accounts:cmd_account_create", "create an account and its first administrator")
    p.add_argument("name", metavar="PROFILE", help="the profile's name (an instance-level key)")
    p.add_argument("--email", required=True, metavar="E", help="the administrator's e-mail address")
    p.add_argument("--first-name", required=True, metavar="F")
    p.add_argument("--last-name", required=True, metavar="L")
    p.add_argument("--language", metavar="L", help="the administrator's language, e.g. de (default en)")
    _options(p, "account")
    p = leaf(accounts, "admin", "accounts:cmd_account_admin", "show an account's administrators and their user ids")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("account_id", metavar="ACCOUNT_ID")
    add_live_commands(sub, leaf)

    presets = nested("preset", "saved custom designs for join links")
    leaf(presets, "list", "presets:cmd_preset_list", "list saved designs")
    leaf(presets, "show", "presets:cmd_preset_show", "show a saved design").add_argument("name", metavar="DESIGN")
    leaf(presets, "remove", "presets:cmd_preset_remove", "remove a saved design").add_argument("name", metavar="DESIGN")
    p = leaf(presets, "save", "presets:cmd_preset_save", "save (or replace) a design")
    p.add_argument("name", metavar="DESIGN")
    p.add_argument("--design", action="append", required=True, metavar="KEY=VALUE", help="repeatable")
    return parser


def _invitation_commands(sub: argparse._SubParsersAction[_Parser],
                         leaf: Callable[..., argparse.ArgumentParser]) -> None:
    p = leaf(sub, "links", "invitations:cmd_links",
             "make a personal join link for everybody on a list (CSV: name, e-mail, role)")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--room", metavar="ID", help="the room's id (links to join now)")
    target.add_argument("--meeting", metavar="ID", help="the meeting's id (links that work at its time)")
    p.add_argument("--csv", required=True, metavar="FILE", help="the participant list; - reads standard input")
    p.add_argument("--out", metavar="FILE", help="write the links as CSV here (default: standard output)")
    p.add_argument("--design", action="append", metavar="KEY=VALUE", help="a custom design setting; repeatable")
    p = leaf(sub, "invitation", "invitations:cmd_invitation",
             "print a meeting's invitation text and write its calendar file")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("--meeting", metavar="ID", help="the meeting's id")
    p.add_argument("--save-template", metavar="FILE",
                   help="first save FILE as this profile's invitation template ({title} {start} {end} {zone} "
                        "{link} {password} {organiser} {dial_in})")
    p.add_argument("--ics", metavar="FILE", help="write the meeting as an iCalendar file (.ics)")
    p.add_argument("--for", dest="for_name", metavar="NAME", help="put this person's own link into the invitation")
    p.add_argument("--email", metavar="E", help="that person's e-mail address")
    p.add_argument("--organiser", metavar="NAME", help="who signs the invitation (default: the meeting's owner)")
    p.add_argument("--organiser-email", metavar="E", help="the organiser's address in the calendar file")


# running -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _logging(debug: bool, stream: TextIO) -> Iterator[None]:
    """Without --debug nothing of meetdesk's logging reaches the terminal; with it, everything does."""
    logger = logging.getLogger("meetdesk")
    handler: logging.Handler = logging.StreamHandler(stream) if debug else logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    old_level = logger.level
    logger.addHandler(handler)
    if debug:
        logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def resolve_handler(ref: HandlerRef) -> Handler:
    module, _, function = ref.partition(":")
    handler: Handler = getattr(importlib.import_module(f"meetdesk.cli.{module}"), function)
    return handler


async def _run(ref: HandlerRef, args: argparse.Namespace, out: Output, stdin: TextIO) -> int:
    from meetdesk.cli.context import Context

    handler = resolve_handler(ref)
    ctx = Context.create(out, stdin)
    try:
        return await handler(ctx, args)
    finally:
        await ctx.aclose()


def run_cli(argv: Sequence[str], *, stdin: TextIO | None = None, stdout: TextIO | None = None,
            stderr: TextIO | None = None) -> int:
    """Run one command and return its exit code; errors are reported, never raised."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    argv = list(argv)
    out = Output(json_mode="--json" in argv, stdout=stdout, stderr=stderr)
    debug = "--debug" in argv or os.environ.get(LOG_ENV, "").lower() == "debug"
    with _logging(debug, stderr):
        try:
            try:
                with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                    args = build_parser(command_of(argv)).parse_args(argv)
            except UsageError as exc:
                out.error(exc)
                return exc.exit_code
            except SystemExit as exc:  # --help and --version print and exit 0
                return exc.code if isinstance(exc.code, int) else 0
            out.json_mode = bool(getattr(args, "json", False))
            return asyncio.run(_run(args.handler, args, out, stdin))
        except MeetdeskError as exc:
            log.debug("command failed: %s", exc.detail or exc.message, exc_info=True)
            out.error(exc)
            return exc.exit_code
        except KeyboardInterrupt:
            stderr.write("Interrupted.\n")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            return 1  # the reader went away (e.g. `| head`); nothing left to tell anyone
        except Exception as exc:
            log.debug("unexpected error", exc_info=True)
            out.error(MeetdeskError(f"Something went wrong inside meetdesk ({type(exc).__name__}).",
                                    hint="Run the command again with --debug to see the details."))
            return 1


def main() -> int:
    return run_cli(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
