"""What a reminder says when it arrives: wording lives here, not in adapters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import ReminderDone, SnoozeReminder, StopReminder, button
from bot.content import ContentLibrary
from bot.messages import ButtonStyle, Reply, ReplyBuilder, heading, note, text
from bot.reminders.describe import schedule_text
from bot.reminders.schedule import ScheduleKind

if TYPE_CHECKING:
    from bot.reminders.kinds import Occurrence

# How long Snooze puts a reminder off (the button says so, the service does it).
SNOOZE_MINUTES = 15


def reminder_reply(content: ContentLibrary, occurrence: Occurrence) -> Reply:
    """A relax prompt (rotating through the kind's texts) with Done, Snooze and Stop; its Stop
    stops the whole series, also when this is a snoozed copy."""
    kind = content.reminder_kinds.get(occurrence.kind) or content.reminder_kinds["relax"]
    prompt = kind.texts[occurrence.text_index % len(kind.texts)]
    done = button("Done", ReminderDone(occurrence.delivery_id), ButtonStyle.PRIMARY)
    stop = button("Stop these reminders", StopReminder(occurrence.reminder_id), ButtonStyle.DANGER)
    builder = ReplyBuilder().add(heading(kind.title), text(prompt))
    schedule = occurrence.schedule
    if schedule.kind is not ScheduleKind.ONCE:
        builder.add(note(f"{schedule_text(schedule, occurrence.zone)} \u00b7 /reminders to change"))
    if occurrence.shared:
        builder.row(done, stop)
    else:
        snooze = button(f"Snooze {SNOOZE_MINUTES} min", SnoozeReminder(occurrence.delivery_id))
        builder.row(done, snooze, stop)
    return builder.build(private=not occurrence.shared)
