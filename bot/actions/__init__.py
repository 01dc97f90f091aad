"""Buttons as small typed values, the requests commands make, and the one codec for ids.

A button id is client input: Telegram's `callback_data` and Discord's `custom_id` come back as
whatever the client sent. So every action type declares, next to its fields, who may use it
(`rule`), where (`where`) and what it acts on (`target`, with the field holding the target's
id); `bot.access` loads that target and checks it before any handler runs.

Form of an id: `prefix` or `prefix:field[:field]` (at most 64 bytes, Telegram's limit). Ids
are stable: an old button pressed after a restart or an upgrade still means the same thing,
which is why the prefixes and field orders below never change (ids of older versions that
differ are read by `bot.actions.codec`).
"""

from bot.actions.base import Action, Request, Rule, Target, Where, prefixes, register, registered
from bot.actions.buttons import (
    SKIP,
    AddAnyway,
    Again,
    AnotherTip,
    BedtimeReminder,
    DecideTip,
    Decision,
    DeleteTip,
    Forget,
    ForgetChoice,
    HoldAgain,
    HoldControl,
    HoldOp,
    ListReminders,
    Quiet,
    ReminderControl,
    ReminderDone,
    ReminderOp,
    ReminderPreset,
    SetCommunityZone,
    SetMyZone,
    ShowArea,
    ShowTechnique,
    SnoozeReminder,
    StartHold,
    StopReminder,
    TenseHold,
    TenseReminder,
    UndoDelete,
    VoteKind,
    VoteTip,
    When,
)
from bot.actions.codec import MAX_BYTES, button, decode, describe, encode, kind_of, parse_id
from bot.actions.requests import (
    ChangeReminder,
    ReviewTips,
    SetModeration,
    SetTipOfTheDay,
    ShareReminder,
)

__all__ = [
    "MAX_BYTES", "SKIP", "Action", "AddAnyway", "Again", "AnotherTip", "BedtimeReminder",
    "ChangeReminder", "DecideTip", "Decision", "DeleteTip", "Forget", "ForgetChoice",
    "HoldAgain", "HoldControl", "HoldOp", "ListReminders", "Quiet", "ReminderControl",
    "ReminderDone", "ReminderOp", "ReminderPreset", "Request", "ReviewTips", "Rule",
    "SetCommunityZone", "SetModeration", "SetMyZone", "SetTipOfTheDay", "ShareReminder",
    "ShowArea", "ShowTechnique", "SnoozeReminder", "StartHold", "StopReminder", "Target",
    "TenseHold", "TenseReminder", "UndoDelete", "VoteKind", "VoteTip", "When", "Where",
    "button", "decode", "describe", "encode", "kind_of", "parse_id", "prefixes", "register",
    "registered",
]  # fmt: skip
