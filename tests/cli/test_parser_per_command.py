"""``meetdesk COMMAND …`` builds only COMMAND's parser (issue 12): it must be the very parser the full one has."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from meetdesk.cli import main
from meetdesk.cli.invocation import COMMANDS
from meetdesk.cli.main import build_parser, command_of, run_cli


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix] if prefix else []
    for name, child in _subcommands(parser).items():
        out += _paths(child, (*prefix, name))
    return out


def _help(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser(command_of(argv)).parse_args(argv)
    return out.getvalue()


def test_the_commands_are_the_parsers_commands() -> None:
    assert set(_subcommands(build_parser())) == COMMANDS


def test_every_commands_own_parser_is_the_full_parsers() -> None:
    full = build_parser()
    for path in _paths(full):
        only = build_parser(path[0])
        assert set(_subcommands(only)) == {path[0]}
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            full.parse_args([*path, "--help"])
        assert _help([*path, "--help"]) == out.getvalue(), path


@pytest.mark.parametrize("argv", [["rooms"], ["--json", "room", "frob", "X"], ["roms", "X"], ["rooms", "X", "--bogus"],
                                  ["recording", "url"]])
def test_usage_errors_read_as_with_the_full_parser(argv: list[str], capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli(argv) == 2
    partial = capsys.readouterr()
    monkeypatch.setattr(main, "command_of", lambda argv: None)
    assert run_cli(argv) == 2
    assert capsys.readouterr() == partial


def test_the_command_is_the_first_word() -> None:
    assert command_of(["--json", "rooms", "P"]) == "rooms"
    assert command_of(["--debug", "room", "end", "P", "rooms"]) == "room"
    assert command_of(["--help"]) is None and command_of(["roms", "P"]) is None
