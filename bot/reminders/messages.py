"""What a reminder says, and how reminders are listed: wording lives here, not in adapters."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from bot import actions
from bot.content import ContentLibrary
from bot.messages import Button, ButtonStyle, Reply, ReplyBuilder, heading, note, text
from bot.reminders.describe import schedule_text
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.storage.schema import Reminder

SNOOZE_MINUTES = 15


def reminder_reply(
    content: ContentLibrary,
    *,
    kind_id: str,
    text_index: int,
    delivery_id: int,
    reminder_id: int,
    schedule: Schedule,
    zone: ZoneInfo,
    shared: bool,
) -> Reply:
    kind = content.reminder_kinds.get(kind_id) or content.reminder_kinds["relax"]
    prompt = kind.texts[text_index % len(kind.texts)]
    done = Button("Done", actions.make(actions.REMINDER_DONE, delivery_id), ButtonStyle.PRIMARY)
    stop = Button(
        "Stop these reminders", actions.make(actions.REMINDER_STOP, reminder_id), ButtonStyle.DANGER
    )
    builder = ReplyBuilder().add(heading(kind.title), text(prompt))
    if schedule.kind is not ScheduleKind.ONCE:
        builder.add(note(f"{schedule_text(schedule, zone)} \u00b7 /reminders to change"))
    if shared:
        builder.row(done, stop)
    else:
        snooze = Button(
            f"Snooze {SNOOZE_MINUTES} min", actions.make(actions.REMINDER_SNOOZE, delivery_id)
        )
        builder.row(done, snooze, stop)
    return builder.build(private=not shared)


def reminder_reply_for(
    content: ContentLibrary,
    row: Reminder,
    *,
    delivery_id: int,
    text_index: int,
    schedule: Schedule | None = None,
    zone: ZoneInfo | None = None,
) -> Reply:
    """The message for one occurrence of a stored reminder (its Stop stops the whole series,
    also when this is a snoozed copy)."""
    return reminder_reply(
        content,
        kind_id=row.kind,
        text_index=text_index,
        delivery_id=delivery_id,
        reminder_id=row.snooze_of or row.id,
        schedule=schedule or Schedule.from_json(json.loads(row.schedule)),
        zone=zone or ZoneInfo(row.timezone),
        shared=row.community_id is not None,
    )
