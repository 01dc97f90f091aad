"""Greeting, areas and safety: the commands that need no database."""

from __future__ import annotations

import re

from bot.commands.knot import show_area
from bot.commands.reminders import suggestions
from bot.context import Context
from bot.messages import Reply, ReplyBuilder, heading, note, text
from bot.presenters import area_buttons, areas_list, safety_reply

# What a deep link can carry (t.me/<bot>?start=jaw arrives as "/start jaw"): Telegram allows
# 1-64 of these characters, so "upper-back" may come as "upper_back" too.
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REMIND = frozenset({"remind", "reminder", "reminders"})


async def start(ctx: Context) -> None:
    """The greeting; `/start jaw` opens that spot and `/start remind` the reminder offers, so
    a link can lead straight there. Anything else after /start is greeted like /start."""
    opened = await _deep_link(ctx, ctx.args.strip())
    if opened is not None:
        await ctx.answer(opened)
        return
    t = ctx.t
    name = ctx.user.display_name
    builder = ReplyBuilder().add(
        heading(
            t.gettext("Hi %(name)s, I'm knotbot") % {"name": name}
            if name
            else t.gettext("Hi there, I'm knotbot")
        ),
        text(
            t.gettext(
                "I help with the knots stress ties in your upper back, shoulders, neck, jaw and "
                "lower back: simple techniques people swap, guided timed holds, and gentle "
                "reminders to let your shoulders drop."
            ),
            t.gettext("Pick a spot to start, or type /help to see everything I can do."),
        ),
        note(ctx.content.safety.notice),
    )
    buttons = area_buttons(ctx.content)
    for i in range(0, len(buttons), 3):
        builder.row(*buttons[i : i + 3])
    await ctx.answer(builder.build())


async def _deep_link(ctx: Context, payload: str) -> Reply | None:
    """What a link's payload opens: a spot, or the reminder offers; None for anything else."""
    if not _PAYLOAD.fullmatch(payload):
        return None
    if payload.lower() in _REMIND:
        return suggestions(None, t=ctx.t)
    found = ctx.content.find_area(payload.replace("_", "-"))
    return await show_area(ctx, found.match) if found.match is not None else None


async def areas(ctx: Context) -> None:
    await ctx.answer(areas_list(ctx.content))


async def safety(ctx: Context) -> None:
    await ctx.answer(safety_reply(ctx.content))
