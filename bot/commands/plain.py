"""Plain text in a private chat: red flags first, then a reminder they ask for ("I forget
to relax"), then a spot's techniques, else a hint."""

from __future__ import annotations

from bot.commands.knot import show_area
from bot.commands.reminders import reminder_need, suggestions
from bot.content.red_flags import red_flags
from bot.context import Context
from bot.messages import Reply, ReplyBuilder, note, text
from bot.presenters import with_red_flags

# After a red flag, instead of asking for a spot (which would brush the advice off).
SAFETY_POINTER = "/safety lists when to see a doctor, physiotherapist or dentist."


async def free_text_reply(ctx: Context, said: str) -> Reply:
    flags = red_flags(ctx.content, said)
    need = reminder_need(said)
    found = ctx.content.find_area(said)
    if need is not None:
        reply = suggestions(need, _lead(need))
    elif found.match is not None:
        reply = await show_area(ctx, found.match)
    elif any(not f.negated for f in flags):
        reply = ReplyBuilder().add(note(SAFETY_POINTER)).build()
    else:
        reply = (
            ReplyBuilder()
            .add(text("Tell me a spot (for example upper back, or jaw), or type /help."))
            .build()
        )
    return with_red_flags(flags, reply)


def _lead(need: str) -> str:
    what = {
        "mouth-guard": "your mouth guard",
        "legs-up": "your legs-up rest",
        "jaw": "to unclench your jaw",
        "shoulders": "to let your shoulders drop",
        "breathe": "to breathe",
        "stretch-break": "to take a stretch break",
    }.get(need, "to relax")
    return f"I can remind you {what}. Pick a time, or say it your way:"
