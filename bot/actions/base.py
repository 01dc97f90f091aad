"""What every request declares: who may use it (`Rule`), where (`Where`), what it acts on
(`Target`); and the registry of button types by their id prefix."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, TypeVar


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
    ROUTINE = "routine"  # a person's own routine: theirs alone, never a community's


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


def registered() -> tuple[type[Action], ...]:
    """Every action type (for the authorization table test, and for docs)."""
    return tuple(dict.fromkeys(_BY_PREFIX.values()))


def by_prefix(prefix: str) -> type[Action] | None:
    return _BY_PREFIX.get(prefix)


def prefixes() -> tuple[str, ...]:
    """Every prefix a button id may start with."""
    return tuple(_BY_PREFIX)
