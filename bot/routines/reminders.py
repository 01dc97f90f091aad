"""A reminder of a routine ("/remind chin tucks every day at 11:00"): its message offers to
start the routine. Registered as the composer of the "routine" kind (`bot.reminders.kinds`).

The same message, without the Start button, is what Done leaves in place (`shown_again`), so
the reply names the routine rather than a generic relax prompt.
"""

from __future__ import annotations

from bot.actions import RoutineControl, RoutineOp, button
from bot.content import ContentLibrary
from bot.i18n import translator
from bot.messages import ButtonStyle, Reply, heading, text
from bot.reminders.kinds import Composer, Occurrence
from bot.reminders.messages import reminder_reply
from bot.routines.messages import start_label, timing_line
from bot.routines.model import Routine
from bot.routines.service import RoutineService

ROUTINE_KIND = "routine"


def routine_reminder(content: ContentLibrary, occurrence: Occurrence, routine: Routine) -> Reply:
    """The reminder's message for `routine`: its name, its timing, Start, then the reminder's
    own buttons (Done, Snooze, Stop), in `content`'s language."""
    t = translator(content.language)
    reply = reminder_reply(content, occurrence)
    start = button(
        start_label(routine, t),
        RoutineControl(RoutineOp.START, routine.id),
        ButtonStyle.PRIMARY,
    )
    blocks = (
        heading(routine.name),
        text(
            t.gettext("Time for your routine: %(timing)s.")
            % {"timing": timing_line(content, routine)}
        ),
        *reply.blocks[2:],
    )
    return Reply(blocks, ((start,), *reply.buttons), private=reply.private)


def routine_composer(routines: RoutineService) -> Composer:
    async def compose(occurrence: Occurrence) -> Reply | None:
        content = routines.content.in_language(occurrence.language)
        routine = await routines.for_reminder(occurrence.reminder_id)
        if routine is None:  # deleted since: a plain reminder in their words
            return reminder_reply(content, occurrence)
        return routine_reminder(content, occurrence, routine)

    return compose


async def shown_again(
    routines: RoutineService, content: ContentLibrary, occurrence: Occurrence
) -> Reply:
    """A delivered reminder as it read (without buttons): a routine's names the routine."""
    routine = (
        await routines.for_reminder(occurrence.reminder_id)
        if occurrence.kind == ROUTINE_KIND
        else None
    )
    shown = (
        routine_reminder(content, occurrence, routine)
        if routine is not None
        else reminder_reply(content, occurrence)
    )
    return Reply(shown.blocks, private=shown.private)
