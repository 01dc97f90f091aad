"""The one-tap reminder plain words may offer ("I clench my teeth at night": the mouth guard at
bedtime), built from /remind's own presets so the button does what /remind would do."""

from __future__ import annotations

from bot.actions import ReminderPreset, button
from bot.commands.reminders import FOR_NEED, PRESETS
from bot.messages import Button

# What a reminder of each kind is for, after "I can remind you".
WHAT = {
    "mouth-guard": "to put your mouth guard in",
    "legs-up": "to rest with your legs up",
    "jaw": "to unclench your jaw",
    "shoulders": "to let your shoulders drop",
    "breathe": "to breathe",
    "stretch-break": "to take a stretch break",
}
_GENERAL = "work"  # the preset a kind without presets of its own is offered with


def lead(kind: str) -> str:
    """'I can remind you to put your mouth guard in.'"""
    return f"I can remind you {WHAT.get(kind, 'to relax')}."


def reminder_button(kind: str) -> Button:
    """The first preset for `kind` (a bedtime mouth guard), or every 2 hours on workdays."""
    keys = FOR_NEED.get(kind)
    if keys:
        return button(PRESETS[keys[0]][0], ReminderPreset(keys[0]))
    key = _GENERAL if kind == "relax" else f"{_GENERAL}+{kind}"
    return button(PRESETS[_GENERAL][0], ReminderPreset(key))
