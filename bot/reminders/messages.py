"""What a reminder says when it arrives: wording lives here, not in adapters."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.actions import ReminderDone, SnoozeReminder, StopReminder, button
from bot.content import ContentLibrary
from bot.i18n import translator
from bot.messages import Block, ButtonStyle, Reply, ReplyBuilder, heading, note, text
from bot.reminders.describe import schedule_text
from bot.reminders.schedule import Schedule, ScheduleKind

if TYPE_CHECKING:
    from bot.reminders.kinds import Occurrence

# How long Snooze puts a reminder off (the button says so, the service does it).
SNOOZE_MINUTES = 15


def reminder_reply(content: ContentLibrary, occurrence: Occurrence) -> Reply:
    """The person's own words for it (else the kind's title), a prompt rotating through the
    kind's texts, and Done, Snooze and Stop; its Stop stops the whole series, also when this
    is a snoozed copy. Said in the language of `content`."""
    t = translator(content.language)
    kind = content.reminder_kinds.get(occurrence.kind) or content.reminder_kinds["relax"]
    prompt = kind.texts[occurrence.text_index % len(kind.texts)]
    done = button(t.gettext("Done"), ReminderDone(occurrence.delivery_id), ButtonStyle.PRIMARY)
    stop = button(
        t.gettext("Stop these reminders"),
        StopReminder(occurrence.reminder_id),
        ButtonStyle.DANGER,
    )
    title = occurrence.words[:1].upper() + occurrence.words[1:] if occurrence.words else kind.title
    builder = ReplyBuilder().add(heading(title), text(prompt))
    schedule = occurrence.schedule
    if schedule.kind is not ScheduleKind.ONCE:
        builder.add(schedule_note(schedule, occurrence.zone, content.language))
    if occurrence.shared:
        builder.row(done, stop)
    else:
        snooze = button(
            t.gettext("Snooze %(minutes)d min") % {"minutes": SNOOZE_MINUTES},
            SnoozeReminder(occurrence.delivery_id),
        )
        builder.row(done, snooze, stop)
    return builder.build(private=not occurrence.shared)


@lru_cache(maxsize=16_384)
def schedule_note(schedule: Schedule, zone: ZoneInfo, language: str = "en") -> Block:
    """When a reminder comes, in words: worked out once for everyone with the same schedule."""
    t = translator(language)
    return note(
        t.gettext("%(when)s \u00b7 /reminders to change")
        % {"when": schedule_text(schedule, zone, t)}
    )
