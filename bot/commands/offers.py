"""The one-tap reminder plain words may offer ("I clench my teeth at night": the mouth guard at
bedtime), built from /remind's own presets so the button does what /remind would do."""

from __future__ import annotations

from bot.actions import ReminderPreset, button
from bot.commands.reminders import FOR_NEED, PRESETS
from bot.i18n import N_, Translator, translator
from bot.messages import Button

# What a reminder of each kind is for: the whole sentence, so each language words it its way.
WHAT = {
    "mouth-guard": N_("I can remind you to put your mouth guard in."),
    "legs-up": N_("I can remind you to rest with your legs up."),
    "jaw": N_("I can remind you to unclench your jaw."),
    "shoulders": N_("I can remind you to let your shoulders drop."),
    "breathe": N_("I can remind you to breathe."),
    "stretch-break": N_("I can remind you to take a stretch break."),
}
_RELAX = N_("I can remind you to relax.")
_GENERAL = "work"  # the preset a kind without presets of its own is offered with


def lead(kind: str, t: Translator | None = None) -> str:
    """'I can remind you to put your mouth guard in.'"""
    return (t or translator("en")).gettext(WHAT.get(kind, _RELAX))


def reminder_button(kind: str, t: Translator | None = None) -> Button:
    """The first preset for `kind` (a bedtime mouth guard), or every 2 hours on workdays."""
    t = t or translator("en")
    keys = FOR_NEED.get(kind)
    if keys:
        return button(t.gettext(PRESETS[keys[0]][0]), ReminderPreset(keys[0]))
    key = _GENERAL if kind == "relax" else f"{_GENERAL}+{kind}"
    return button(t.gettext(PRESETS[_GENERAL][0]), ReminderPreset(key))
