"""Plain text in a private chat: red flags first, then a reminder they ask for ("I forget
to relax"), then what their words mean ("I clench my teeth": the jaw, with a mouth guard
reminder offered; content/understanding.yaml), then a technique they name ("lacrosse ball"),
else a hint."""

from __future__ import annotations

from bot.commands.knot import understood_reply
from bot.commands.offers import lead
from bot.commands.reminders import reminder_need, suggestions
from bot.content.red_flags import red_flags
from bot.context import Context
from bot.i18n import N_
from bot.messages import Reply, ReplyBuilder, note, text
from bot.presenters import technique_reply, with_red_flags

# After a red flag, instead of asking for a spot (which would brush the advice off).
SAFETY_POINTER = N_("/safety lists when to see a doctor, physiotherapist or dentist.")


async def free_text_reply(ctx: Context, said: str) -> Reply:
    t = ctx.t
    flags = red_flags(ctx.content, said)
    need = reminder_need(said)
    if need is not None:
        return with_red_flags(
            flags,
            suggestions(
                need,
                t.gettext("%(offer)s Pick a time, or say it your way:") % {"offer": lead(need, t)},
                t,
            ),
            t,
        )
    reply = await understood_reply(ctx, said)
    if reply is None:
        tech = ctx.content.find_technique(said).match
        if tech is not None:
            reply = technique_reply(ctx.content, tech)
        elif any(not f.negated for f in flags):
            reply = ReplyBuilder().add(note(t.gettext(SAFETY_POINTER))).build()
        else:
            reply = (
                ReplyBuilder()
                .add(
                    text(
                        t.gettext("Tell me a spot (for example upper back, or jaw), or type /help.")
                    )
                )
                .build()
            )
    return with_red_flags(flags, reply, t)
