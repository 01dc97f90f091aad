"""The buttons: each a small frozen type with its fields, registered under a stable prefix.

The prefixes and the order of the fields never change: an old button pressed after an
upgrade still means the same thing (ids older versions wrote differently are read by
`bot.actions.codec`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.actions.base import Action, Rule, Target, Where, register
from bot.storage.tips import VoteKind


class HoldOp(StrEnum):
    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"


class Again(StrEnum):
    YES = "yes"
    NO = "no"


class When(StrEnum):
    BEFORE = "before"
    AFTER = "after"


# The value of a check-in's Skip button (a real answer is 0..10).
SKIP = 99


class ReminderOp(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    DELETE = "delete"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REMOVE = "remove"


class RoutineOp(StrEnum):
    START = "start"
    EDIT = "edit"
    DELETE = "delete"


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


@register("hy", by={"hy": Again.YES, "hn": Again.NO})
@dataclass(frozen=True)
class HoldAgain(Action):
    """'Start anyway' / 'Not now' under "You did 3 rounds on your upper back this morning":
    it starts the presser's own hold, still within the spot's daily limit."""

    answer: Again
    technique: str
    area: str
    seconds: int = 0  # the press time asked for; 0: the hold's own


@register("kb", by={"kb": When.BEFORE, "ka": When.AFTER})
@dataclass(frozen=True)
class TenseHold(Action):
    """A 0-10 tap before or after a hold (SKIP: no answer). It only ever records the
    presser's own hold: the handler scopes every write to them, like Start hold does."""

    when: When
    hold_id: int
    value: int


@register("kr")
@dataclass(frozen=True)
class TenseReminder(Action):
    """A 0-10 tap after Done on one's own reminder (SKIP: no answer)."""

    rule = Rule.OWNER
    target = Target.DELIVERY
    target_field = "delivery_id"
    delivery_id: int
    value: int


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


@register("ra")
@dataclass(frozen=True)
class AddAnyway(Action):
    """'Add it anyway' under "You already have #2 at 22:30": one more just like #2."""

    rule = Rule.OWNER_OR_MODERATOR
    target = Target.REMINDER
    target_field = "reminder_id"
    reminder_id: int


@register("ru")
@dataclass(frozen=True)
class UndoDelete(Action):
    """Undo, for a minute after Delete."""

    rule = Rule.OWNER_OR_MODERATOR
    target = Target.REMINDER
    target_field = "reminder_id"
    reminder_id: int


@register("rb")
@dataclass(frozen=True)
class BedtimeReminder(Action):
    """A bedtime picked the first time "at bedtime" needs one: kept, and the reminder of
    `kind` set for it."""

    at: str  # "2230": the wall-clock time, digits only
    kind: str


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


@register("lang")
@dataclass(frozen=True)
class SetLanguage(Action):
    language: str  # "en", "de", "es", or "auto" (follow the platform's language)


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


@register("os", by={"os": RoutineOp.START, "oe": RoutineOp.EDIT, "od": RoutineOp.DELETE})
@dataclass(frozen=True)
class RoutineControl(Action):
    """Start, Edit and Delete on a routine's card, and Start on a reminder of it: a routine
    is private, so only its owner, wherever they press it."""

    rule = Rule.OWNER
    target = Target.ROUTINE
    target_field = "routine_id"
    op: RoutineOp
    routine_id: int


@register("op")
@dataclass(frozen=True)
class RoutinePresses(Action):
    """'It presses on a spot': the routine counts as a pressure hold from now on (capped)."""

    rule = Rule.OWNER
    target = Target.ROUTINE
    target_field = "routine_id"
    routine_id: int


@register("oh")
@dataclass(frozen=True)
class ShareRoutine(Action):
    """'Share as a tip' in a community: a copy goes to the tip moderation queue."""

    rule = Rule.OWNER
    where = Where.COMMUNITY
    target = Target.ROUTINE
    target_field = "routine_id"
    routine_id: int


@register("oc")
@dataclass(frozen=True)
class CopyRoutine(Action):
    """'Copy to my routines' under a shared routine: it names the tip, never a private
    routine, and only an approved tip of this community can be copied."""

    rule = Rule.MEMBER
    where = Where.COMMUNITY
    target = Target.TIP
    target_field = "tip_id"
    tip_id: int


@register("ox")
@dataclass(frozen=True)
class DraftSpot(Action):
    """A spot picked while writing a routine: it fills in the presser's own draft only."""

    area: str


@register("oy")
@dataclass(frozen=True)
class DraftSkip(Action):
    """'Skip' (no steps) or 'Keep' (the same as before) on the presser's own draft."""


@register("oq")
@dataclass(frozen=True)
class DraftCancel(Action):
    """'Cancel' while writing a routine: the presser's own draft goes."""
