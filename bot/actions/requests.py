"""Requests that commands make: they act on something (a reminder by number, a community's
settings) and are checked like buttons, but have no button."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.base import Request, Rule, Target, Where


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
