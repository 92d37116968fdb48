"""Declarative field specifications.

Providers describe their connection fields, room options, meeting options and join options with
:class:`FieldSpec`. The UI builds its forms from these and the CLI parses ``--field``/``--option``
values with them, so a new back end needs no UI change.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from meetdesk.domain.errors import ValidationError


class FieldKind(enum.Enum):
    TEXT = "text"
    MULTILINE = "multiline"
    SECRET = "secret"
    URL = "url"
    HTTPS_URL = "https_url"
    INT = "int"
    BOOL = "bool"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    COLOR = "color"
    PATH = "path"
    #: a list of people, each ``{"name": …, "email": …}`` (invited participants)
    PARTICIPANTS = "participants"


@dataclass(frozen=True)
class FieldSpec:
    """One input a form shows.

    Attributes:
        key: the machine name (profile field key, option key).
        label: what the form shows, a short noun phrase.
        kind: the widget and parser to use.
        required: whether a value must be given.
        default: value used when none is given (already of the parsed type).
        help: one sentence shown as tooltip / help text.
        placeholder: hint text for an empty input.
        choices: (value, label) pairs for CHOICE and MULTI_CHOICE.
        minimum, maximum: bounds for INT.
        group: forms group fields with the same group under one heading.
    """

    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    default: Any = None
    help: str = ""
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    group: str = ""
    #: for SECRET connection fields: this field is the profile's keyring secret
    is_secret: bool = field(default=False)

    def parse(self, raw: Any) -> Any:
        """Turn user input (a string from the CLI or a widget value) into the typed value.

        Raises:
            ValidationError: with ``field`` set to this spec's key.
        """
        from meetdesk.domain.values import parse_field_value

        return parse_field_value(self, raw)


def parse_options(specs: Sequence[FieldSpec], raw: Mapping[str, Any], *, strict: bool = True) -> dict[str, Any]:
    """Parse a mapping of raw values against specs.

    Unknown keys raise ValidationError when ``strict``. Missing required keys raise ValidationError.
    Keys not given are left out (providers apply server defaults), unless the spec is required.
    """
    from meetdesk.domain.values import parse_field_value  # once per call, not per field (see domain/values.py)

    by_key = {s.key: s for s in specs}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = by_key.get(key)
        if spec is None:
            if strict:
                known = ", ".join(sorted(by_key)) or "none"
                raise ValidationError(f"Unknown option “{key}”. Known options: {known}.", field=key)
            continue
        out[key] = parse_field_value(spec, value)
    for spec in specs:
        if spec.required and (spec.key not in out or out[spec.key] in (None, "")):
            raise ValidationError(f"{spec.label} is required.", field=spec.key)
    return out
