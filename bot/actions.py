"""Buttons as small typed values, and the one codec that turns them into ids and back.

A button id is client input: Telegram's `callback_data` and Discord's `custom_id` come back as
whatever the client sent. So every action type declares, next to its fields, who may use it
(`rule`), where (`where`) and what it acts on (`target`, with the field holding the target's
id); `bot.access` loads that target and checks it before any handler runs.

Form of an id: `prefix` or `prefix:field[:field]` (at most 64 bytes, Telegram's limit). Ids
are stable: an old button pressed after a restart or an upgrade still means the same thing,
which is why the prefixes and field orders below never change (ids of older versions that
differ are read by `_LEGACY`).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cache
from typing import Any, ClassVar, TypeVar

from bot.messages import Button, ButtonStyle
from bot.storage.tips import VoteKind

MAX_BYTES = 64


class Rule(StrEnum):
    """Who may use a command or press a button, judged against its target."""

    ANYONE = "anyone"  # nothing to protect (showing a spot, starting your own hold)
    OWNER = "owner"  # only the person the target belongs to (their hold, their tip)
    # A personal target: its owner. A community's target: a moderator of THAT community.
    OWNER_OR_MODERATOR = "owner or moderator"
    # A personal target: its owner. A community's target: anyone in that community.
    OWNER_OR_MEMBER = "owner or member"
    MEMBER = "member"  # anyone in the target's community (thanks, report)
    MODERATOR = "moderator"  # a moderator of the target's community (or of this chat's)


class Where(StrEnum):
    ANYWHERE = "anywhere"
    PRIVATE = "private"  # /export, /forget: between the person and the bot
    COMMUNITY = "community"  # things a community has: shared reminders, tips


class Target(StrEnum):
    """What an action acts on; `bot.access` knows how to load each."""

    NONE = "none"
    CHAT = "chat"  # the community of the chat it is used in (moderator-only settings)
    HOLD = "hold"  # a running hold
    REMINDER = "reminder"
    DELIVERY = "delivery"  # one sent occurrence of a reminder (Done, Snooze)
    TIP = "tip"


@dataclass(frozen=True)
class Request:
    """Something a person asks for that `bot.access` checks before a handler runs.

    Buttons are requests with an id (`Action`); commands that act on something by number
    (`/tip approve 5`, `/remind change 3 ...`) build a request of their own.
    """

    rule: ClassVar[Rule] = Rule.ANYONE
    where: ClassVar[Where] = Where.ANYWHERE
    target: ClassVar[Target] = Target.NONE
    target_field: ClassVar[str] = ""  # the field holding the target's id

    def target_id(self) -> int | None:
        return getattr(self, self.target_field) if self.target_field else None


@dataclass(frozen=True)
class Action(Request):
    """A button. Subclasses are registered with `@register(prefix)`."""

    prefix: ClassVar[str] = ""


A = TypeVar("A", bound=type[Action])
_BY_PREFIX: dict[str, type[Action]] = {}


def register(prefix: str, *, by: dict[str, Any] | None = None) -> typing.Callable[[A], A]:
    """Register an action type under `prefix`.

    `by` maps further prefixes to the value of the type's first field, for types whose ids
    name an operation in the prefix (`hs:7`, `hp:7`, `hr:7` are HoldControl(op, 7)).
    """

    def register(cls: A) -> A:
        prefixes = {prefix: None} if by is None else dict(by)
        for name in prefixes:
            if name in _BY_PREFIX or not re.fullmatch(r"[a-z]{1,5}", name):
                raise ValueError(f"action prefix {name!r} is taken or malformed")
            _BY_PREFIX[name] = cls
        cls.prefix = prefix
        cls._by = {v: k for k, v in prefixes.items()} if by is not None else {}  # type: ignore[attr-defined]
        cls._ops = prefixes if by is not None else {}  # type: ignore[attr-defined]
        return cls

    return register


def button(label: str, action: Action, style: ButtonStyle = ButtonStyle.SECONDARY) -> Button:
    """A button that comes back as `action` when pressed."""
    return Button(label, encode(action), style)


def registered() -> tuple[type[Action], ...]:
    """Every action type (for the authorization table test, and for docs)."""
    return tuple(dict.fromkeys(_BY_PREFIX.values()))


def prefixes() -> tuple[str, ...]:
    """Every prefix a button id may start with."""
    return tuple(_BY_PREFIX)


# -- the buttons ----------------------------------------------------------------------------


class HoldOp(StrEnum):
    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"


class ReminderOp(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    DELETE = "delete"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REMOVE = "remove"


class ForgetChoice(StrEnum):
    KEEP_TIPS = "keep"
    DELETE_TIPS = "delete"
    CANCEL = "cancel"


@register("a")
@dataclass(frozen=True)
class ShowArea(Action):
    area: str


@register("t")
@dataclass(frozen=True)
class ShowTechnique(Action):
    technique: str


@register("h")
@dataclass(frozen=True)
class StartHold(Action):
    technique: str
    area: str = ""


@register("hs", by={"hs": HoldOp.STOP, "hp": HoldOp.PAUSE, "hr": HoldOp.RESUME})
@dataclass(frozen=True)
class HoldControl(Action):
    rule = Rule.OWNER
    target = Target.HOLD
    target_field = "hold_id"
    op: HoldOp
    hold_id: int


@register("rl")
@dataclass(frozen=True)
class ListReminders(Action):
    page: int = 0  # 0: the list as a new message; 1, 2, ...: that page, in place


@register("rn")
@dataclass(frozen=True)
class ReminderPreset(Action):
    preset: str


@register("rp", by={"rp": ReminderOp.PAUSE, "rr": ReminderOp.RESUME, "rdel": ReminderOp.DELETE})
@dataclass(frozen=True)
class ReminderControl(Action):
    """Pause, Resume and Delete in /reminders."""

    rule = Rule.OWNER_OR_MODERATOR
    target = Target.REMINDER
    target_field = "reminder_id"
    op: ReminderOp
    reminder_id: int


@register("rx")
@dataclass(frozen=True)
class StopReminder(Action):
    """'Stop these reminders' on a reminder message: pauses the whole series."""

    rule = Rule.OWNER_OR_MODERATOR
    target = Target.REMINDER
    target_field = "reminder_id"
    reminder_id: int


@register("rd")
@dataclass(frozen=True)
class ReminderDone(Action):
    rule = Rule.OWNER_OR_MEMBER
    target = Target.DELIVERY
    target_field = "delivery_id"
    delivery_id: int


@register("rz")
@dataclass(frozen=True)
class SnoozeReminder(Action):
    rule = Rule.OWNER_OR_MODERATOR
    target = Target.DELIVERY
    target_field = "delivery_id"
    delivery_id: int


@register("tz")
@dataclass(frozen=True)
class SetMyZone(Action):
    zone: str


@register("tzh")
@dataclass(frozen=True)
class SetCommunityZone(Action):
    rule = Rule.MODERATOR
    where = Where.COMMUNITY
    target = Target.CHAT
    zone: str


@register("q")
@dataclass(frozen=True)
class Quiet(Action):
    preset: str


@register("tt", by={"tt": VoteKind.THANKS, "tr": VoteKind.REPORT})
@dataclass(frozen=True)
class VoteTip(Action):
    rule = Rule.MEMBER
    where = Where.COMMUNITY
    target = Target.TIP
    target_field = "tip_id"
    kind: VoteKind
    tip_id: int


@register("ta", by={"ta": Decision.APPROVE, "tj": Decision.REJECT, "tx": Decision.REMOVE})
@dataclass(frozen=True)
class DecideTip(Action):
    rule = Rule.MODERATOR
    where = Where.COMMUNITY
    target = Target.TIP
    target_field = "tip_id"
    decision: Decision
    tip_id: int


@register("td")
@dataclass(frozen=True)
class DeleteTip(Action):
    rule = Rule.OWNER
    where = Where.COMMUNITY
    target = Target.TIP
    target_field = "tip_id"
    tip_id: int


@register("tn")
@dataclass(frozen=True)
class AnotherTip(Action):
    pass


@register("fg")
@dataclass(frozen=True)
class Forget(Action):
    where = Where.PRIVATE
    choice: ForgetChoice


# -- requests that commands make (they have no button) ------------------------------------


@dataclass(frozen=True)
class ShareReminder(Request):
    """`/remind here ...`: a reminder for everyone in this community chat."""

    rule = Rule.MODERATOR
    where = Where.COMMUNITY
    target = Target.CHAT
    words: str


@dataclass(frozen=True)
class ChangeReminder(Request):
    """`/remind change 3 at 21:00`."""

    rule = Rule.OWNER_OR_MODERATOR
    target = Target.REMINDER
    target_field = "reminder_id"
    reminder_id: int
    words: str


@dataclass(frozen=True)
class ReviewTips(Request):
    """`/tip pending`."""

    rule = Rule.MODERATOR
    where = Where.COMMUNITY
    target = Target.CHAT


@dataclass(frozen=True)
class SetModeration(Request):
    """`/tip moderation on|off`."""

    rule = Rule.MODERATOR
    where = Where.COMMUNITY
    target = Target.CHAT
    on: bool


@dataclass(frozen=True)
class SetTipOfTheDay(Request):
    """`/tip daily 09:00` or `/tip daily off`."""

    rule = Rule.MODERATOR
    where = Where.COMMUNITY
    target = Target.CHAT
    words: str


# -- the codec ------------------------------------------------------------------------------

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
    return _BY_PREFIX.get(_legacy(data).partition(":")[0])


def _legacy(data: str) -> str:
    data = data[: MAX_BYTES * 2]
    for pattern, replacement in _LEGACY:
        data = pattern.sub(replacement, data)
    return data


def decode(data: str) -> Action | None:
    """The action a button id names, or None for an id no version of knotbot wrote."""
    prefix, _, rest = _legacy(data).partition(":")
    cls = _BY_PREFIX.get(prefix)
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
