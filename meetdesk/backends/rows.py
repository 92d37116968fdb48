"""Turning the rows of a list answer into domain objects without ever reporting a broken answer as success.

Every back end's list methods go through :func:`parse_rows`:

- a row that cannot be read (any exception while converting it) is skipped, logged and *named* in a warning
  collected for the caller (the session shows it, the CLI prints it);
- when the answer had rows and not one of them could be read, the answer itself is broken: ``ProtocolError``;
- an unexpected exception outside the rows (the envelope) is turned into ``ProtocolError`` by :func:`reading`,
  never into an empty list.

Large lists are converted on a worker thread (pure Python bytecode, so the event loop keeps getting the GIL).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, TypeVar

from meetdesk.backends.offload import off_loop, sliced
from meetdesk.domain.errors import MeetdeskError, ProtocolError

log = logging.getLogger("meetdesk.backends.rows")

In = TypeVar("In")
Out = TypeVar("Out")

#: lists longer than this are converted off the event loop's thread
OFFLOAD_ROWS = 2000
#: at most this many skipped rows are named one by one; the rest are counted
NAMED_SKIPS = 5

_skipped: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("meetdesk_skipped_rows", default=None)


@contextlib.contextmanager
def collect_skipped() -> Iterator[list[str]]:
    """Collect the warnings of every row skipped inside the block (also in tasks it starts)."""
    warnings: list[str] = []
    token = _skipped.set(warnings)
    try:
        yield warnings
    finally:
        _skipped.reset(token)


def row_label(item: object, keys: Sequence[str] = ("id", "room_id", "record_id", "meetingID", "name")) -> str:
    """A short name for a row in a warning: its id when it has one, else its position."""
    if not isinstance(item, dict):
        return ""
    for key in keys:
        value = item.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return f"“{str(value).strip()[:60]}”"
    nested = item.get("room_info")  # plugNmeet wraps an active room's fields
    return row_label(nested, keys) if isinstance(nested, dict) else ""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, MeetdeskError):
        return exc.detail or exc.message
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, OverflowError):
        return "a date or number in it is out of range"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


def _convert(items: Sequence[In], parse: Callable[[In], Out], what: str,
             label: Callable[[In], object] | None) -> tuple[list[Out], list[str]]:
    out: list[Out] = []
    skipped: list[str] = []
    for index, item in enumerate(sliced(items)):
        try:
            out.append(parse(item))
        except Exception as exc:  # one unreadable row must not hide the others — nor pass silently
            name = row_label(label(item) if label else item) or f"number {index + 1}"
            skipped.append(f"{what} {name}: {_reason(exc)}")
    return out, skipped


async def parse_rows(items: Sequence[In], parse: Callable[[In], Out], *, server: str, call: str,
                     what: str = "row", label: Callable[[In], object] | None = None) -> list[Out]:
    """``[parse(item) for item in items]``, skipping unreadable rows with a warning that names them.

    ``label`` picks the part of an item whose id names it in the warning (default: the item).

    Raises:
        ProtocolError: every row of a non-empty answer was unreadable.
    """
    if len(items) > OFFLOAD_ROWS:
        out, skipped = await off_loop(lambda: _convert(items, parse, what, label))
    else:
        out, skipped = _convert(items, parse, what, label)
    if skipped and not out:
        raise ProtocolError(f"meetdesk could not read any {what} in {server}'s answer to {call}.",
                            detail="; ".join(skipped[:NAMED_SKIPS]))
    if skipped:
        report_skipped(skipped, server=server, call=call, what=what)
    return out


def report_skipped(skipped: Sequence[str], *, server: str, call: str, what: str) -> None:
    """Log and collect one warning naming the rows of an answer that could not be read."""
    shown = "; ".join(skipped[:NAMED_SKIPS])
    more = f" and {len(skipped) - NAMED_SKIPS} more" if len(skipped) > NAMED_SKIPS else ""
    report_warning(f"{server}: skipped {len(skipped)} unreadable {what}{'s' if len(skipped) != 1 else ''} "
                   f"in the answer to {call} ({shown}{more}).")


def report_warning(warning: str) -> None:
    """Log a sentence for the user and collect it for the caller (the session shows it, the CLI prints it): what
    a list answer lacks although the list itself was read (a skipped row, details that could not be fetched)."""
    log.warning("%s", warning)
    collected = _skipped.get()
    if collected is not None:
        collected.append(warning)


@contextlib.contextmanager
def reading(server: str, call: str) -> Iterator[None]:
    """Turn any unexpected exception while reading an answer into a ProtocolError naming the call."""
    try:
        yield
    except MeetdeskError:
        raise
    except Exception as exc:
        raise ProtocolError(f"meetdesk could not read {server}'s answer to {call}.",
                            detail=f"{call}: {_reason(exc)}") from None


def as_protocol_error(exc: BaseException, server: str, what: str) -> MeetdeskError:
    """The project error for ``exc``: itself when it is one, else a ProtocolError (never swallowed)."""
    if isinstance(exc, MeetdeskError):
        return exc
    return ProtocolError(f"meetdesk could not read {server}'s answer while loading {what}.",
                         detail=_reason(exc))


#: at most this many different dicts are remembered (then the memory starts over)
MAX_SHARED_DICTS = 4096

_SHARED_DICTS: dict[Hashable, dict[str, Any]] = {}


def _frozen(value: Any) -> Hashable:
    # the type is part of the key: True == 1 and 1 == 1.0, but a bool column must not become a number
    if isinstance(value, list | tuple):
        return type(value), tuple(_frozen(v) for v in value)
    hash(value)  # TypeError for what cannot be shared (dicts, sets): the caller keeps its own
    return type(value), value


def shared(values: dict[str, Any]) -> dict[str, Any]:
    """Equal small dicts shared between rows: most rooms of a server have the same settings (its defaults) and
    the same few column values, and 100,000 copies of a 10-key dict are ~40 MiB. Rows are frozen and nothing
    changes their ``options`` or ``extra`` in place (a change makes a new dict), so sharing is safe.

    Returns an equal dict given before (same keys in the same order, equal values of the same types), else
    ``values`` itself, remembered for the next rows."""
    try:
        key = tuple((k, _frozen(v)) for k, v in values.items())
    except TypeError:
        return values
    found = _SHARED_DICTS.get(key)
    if found is None:
        if len(_SHARED_DICTS) >= MAX_SHARED_DICTS:
            _SHARED_DICTS.clear()
        found = _SHARED_DICTS[key] = values
    return found
