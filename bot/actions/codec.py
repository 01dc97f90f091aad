"""The one codec: an action to its button id (at most 64 bytes, Telegram's limit) and back.

Form of an id: `prefix` or `prefix:field[:field]`. Ids are client input: decoding never
trusts them (ids are plain ASCII digits of a sane size, enums must be known values).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from enum import Enum
from functools import cache
from typing import Any

from bot.actions.base import Action, by_prefix
from bot.messages import Button, ButtonStyle

MAX_BYTES = 64

# Ids are database keys: plain ASCII digits (not "²", which str.isdigit() accepts), and small
# enough for a 64-bit column. Surrounding spaces are forgiven, as a client may add them.
_ID = re.compile(r"#?([0-9]{1,15})")
# Ids written by older versions, rewritten before decoding.
_LEGACY: tuple[tuple[re.Pattern[str], str], ...] = ((re.compile(r"^tz:here (.+)$"), r"tzh:\1"),)


def parse_id(text: str) -> int | None:
    match = _ID.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def encode(action: Action) -> str:
    """The button id of `action`; ValueError if it cannot be one (too long, a ':' in a field)."""
    cls = type(action)
    values = [getattr(action, f.name) for f in dataclasses.fields(action)]
    prefix = cls.prefix
    if cls._by:  # type: ignore[attr-defined]
        prefix = cls._by[values.pop(0)]  # type: ignore[attr-defined]
    parts = [prefix]
    for value in values:
        text = value.value if isinstance(value, Enum) else str(value)
        if ":" in text:
            raise ValueError(f"a button field cannot hold ':': {text!r}")
        parts.append(text)
    while len(parts) > 1 and parts[-1] == "":  # optional fields left empty
        parts.pop()
    encoded = ":".join(parts)
    if len(encoded.encode()) > MAX_BYTES:
        raise ValueError(f"button id too long for Telegram: {encoded!r}")
    return encoded


def kind_of(data: str) -> type[Action] | None:
    """The action type a button id is for, even if its fields are broken (forged)."""
    return by_prefix(_legacy(data).partition(":")[0])


def _legacy(data: str) -> str:
    data = data[: MAX_BYTES * 2]
    for pattern, replacement in _LEGACY:
        data = pattern.sub(replacement, data)
    return data


def decode(data: str) -> Action | None:
    """The action a button id names, or None for an id no version of knotbot wrote."""
    prefix, _, rest = _legacy(data).partition(":")
    cls = by_prefix(prefix)
    if cls is None:
        return None
    fields = dataclasses.fields(cls)
    parts = rest.split(":") if rest else []
    values: list[Any] = []
    if cls._ops:  # type: ignore[attr-defined]
        values.append(cls._ops[prefix])  # type: ignore[attr-defined]
        fields = fields[1:]
    if len(parts) > len(fields):
        return None
    hints = _hints(cls)
    for index, field in enumerate(fields):
        if index >= len(parts) or parts[index] == "":
            if field.default is dataclasses.MISSING:
                return None
            values.append(field.default)
            continue
        value = _read(hints[field.name], parts[index])
        if value is None:
            return None
        values.append(value)
    return cls(*values)


@cache
def _hints(cls: type[Action]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _read(kind: Any, text: str) -> Any:
    if kind is int:
        return parse_id(text)
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(text)
        except ValueError:
            return None
    return text


def describe(data: str) -> str:
    """A short, safe name of what a button id is, for logs (never its fields)."""
    action = decode(data)
    return type(action).__name__ if action else "unknown"


def button(label: str, action: Action, style: ButtonStyle = ButtonStyle.SECONDARY) -> Button:
    """A button that comes back as `action` when pressed."""
    return Button(label, encode(action), style)
