"""How one reminder reads in a list or a confirmation: its name, its times, its state."""

from __future__ import annotations

from datetime import datetime

from bot.content import ContentLibrary
from bot.i18n import Translator, translator
from bot.i18n.lines import line_of
from bot.messages import Line
from bot.reminders.describe import moment, schedule_text
from bot.reminders.schedule import occurrences_between
from bot.reminders.service import ReminderView
from bot.storage.reminders import ReminderStatus


def label(content: ContentLibrary, item: ReminderView) -> str:
    """The person's own words if they gave some, else the kind's title."""
    if item.words:
        return f"\u201c{item.words}\u201d"
    found = content.reminder_kinds.get(item.kind)
    return found.title if found else item.kind


def ending_text(item: ReminderView, now: datetime, t: Translator | None = None) -> str:
    """ "3 of 10 left", "until Fri 4 Dec", or "" for a repeat that does not end."""
    t = t or translator("en")
    schedule = item.schedule
    if schedule.ends_at is None:
        return ""
    if schedule.count:
        left = len(occurrences_between(schedule, item.zone, now, schedule.ends_at))
        return t.gettext("%(left)d of %(count)d left") % {"left": left, "count": schedule.count}
    local = schedule.ends_at.astimezone(item.zone)
    if t.language == "en":
        return f"until {local:%a} {local.day} {local:%b}"
    return t.gettext("until %(day)s") % {"day": t.short_day(local.date())}


def line(content: ContentLibrary, item: ReminderView, now: datetime) -> Line:
    """One reminder on one line; its next time is a `Moment`, shown natively where it can be.
    Said in the language of `content`."""
    t = translator(content.language)
    when = schedule_text(item.schedule, item.zone, t)
    ends = ending_text(item, now, t)
    if ends:
        when = f"{when}, {ends}"
    state: str | Line
    if item.status is ReminderStatus.PAUSED:
        state = t.gettext("paused")
    elif item.status is ReminderStatus.BLOCKED:
        state = t.gettext("paused: I couldn't reach you (did you block me or close your DMs?)")
    elif item.next_due is not None:
        state = line_of(
            t.gettext("next %(moment)s"), moment=moment(item.next_due, item.zone, now, t)
        )
    else:
        state = t.gettext("done")
    return Line(f"{label(content, item)}, {when} ({item.zone.key}) \u00b7 ", state)
