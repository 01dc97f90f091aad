"""A reminder of a routine ("/remind chin tucks every day at 11:00"): its message offers to
start the routine. Registered as the composer of the "routine" kind (`bot.reminders.kinds`)."""

from __future__ import annotations

from bot.actions import RoutineControl, RoutineOp, button
from bot.messages import ButtonStyle, Reply, heading, text
from bot.reminders.kinds import Composer, Occurrence
from bot.reminders.messages import reminder_reply
from bot.routines.messages import timing_line
from bot.routines.service import RoutineService

ROUTINE_KIND = "routine"


def routine_composer(routines: RoutineService) -> Composer:
    async def compose(occurrence: Occurrence) -> Reply | None:
        content = routines.content
        reply = reminder_reply(content, occurrence)
        routine = await routines.for_reminder(occurrence.reminder_id)
        if routine is None:  # deleted since: a plain reminder in their words
            return reply
        start = button(
            f"Start {routine.name}"[:60],
            RoutineControl(RoutineOp.START, routine.id),
            ButtonStyle.PRIMARY,
        )
        blocks = (
            heading(routine.name),
            text(f"Time for your routine: {timing_line(content, routine)}."),
            *reply.blocks[2:],
        )
        return Reply(blocks, ((start,), *reply.buttons), private=reply.private)

    return compose
