"""Greeting, areas and safety: the commands that need no database."""

from __future__ import annotations

from bot.context import Context
from bot.messages import ReplyBuilder, heading, note, text
from bot.presenters import area_buttons, areas_list, safety_reply


async def start(ctx: Context) -> None:
    name = ctx.user.display_name or "there"
    builder = ReplyBuilder().add(
        heading(f"Hi {name}, I'm knotbot"),
        text(
            "I help with the knots stress ties in your upper back, shoulders, neck, jaw and "
            "lower back: simple techniques people swap, guided timed holds, and gentle "
            "reminders to let your shoulders drop.",
            "Pick a spot to start, or type /help to see everything I can do.",
        ),
        note(ctx.content.safety.notice),
    )
    buttons = area_buttons(ctx.content)
    for i in range(0, len(buttons), 3):
        builder.row(*buttons[i : i + 3])
    await ctx.answer(builder.build())


async def areas(ctx: Context) -> None:
    await ctx.answer(areas_list(ctx.content))


async def safety(ctx: Context) -> None:
    await ctx.answer(safety_reply(ctx.content))
