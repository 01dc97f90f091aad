"""/hold and /stop, and the hold buttons (start, pause, resume, stop)."""

from __future__ import annotations

import asyncio

from bot import actions
from bot.content.models import Area, Technique
from bot.context import Context
from bot.messages import Button, ReplyBuilder, bullets, text
from bot.text import shorten


async def hold(ctx: Context) -> None:
    """`/hold upper-back` or `/hold ball-wall`: a technique by name, or the first for an area."""
    query = ctx.args.strip()
    if not query:
        await _choose(ctx, "Which hold? Pick one:")
        return
    chosen = _resolve(ctx, query)
    if chosen is None:
        await _choose(ctx, f"I don't know a hold for \u201c{shorten(query, 40)}\u201d. Pick one:")
        return
    technique, area = chosen
    if technique.hold is None:
        await ctx.answer(
            ReplyBuilder()
            .add(text(f"{technique.title} has no timed hold; /technique {technique.id} shows how."))
            .build()
        )
        return
    await _start(ctx, technique, area)


def _resolve(ctx: Context, query: str) -> tuple[Technique, Area] | None:
    content = ctx.content
    found = content.find_technique(query)
    if found.match is not None:
        area = content.area(found.match.areas[0])
        return (found.match, area) if area else None
    spot = content.find_area(query)
    if spot.match is not None:
        holdable = content.holdable_for(spot.match.id)
        return (holdable[0], spot.match) if holdable else None
    return None


async def _choose(ctx: Context, lead: str) -> None:
    holdable = [t for t in ctx.content.techniques if t.hold is not None]
    builder = ReplyBuilder().add(
        text(lead),
        bullets([f"{t.id}: {t.title}" for t in holdable]),
    )
    for i in range(0, len(holdable), 2):
        builder.row(
            *(
                Button(t.title, actions.make(actions.HOLD, t.id, t.areas[0]))
                for t in holdable[i : i + 2]
            )
        )
    await ctx.answer(builder.build())


async def _start(ctx: Context, technique: Technique, area: Area) -> None:
    await ctx.services.holds.start(
        chat=ctx.chat, user=ctx.user, replier=ctx.replier, technique=technique, area=area
    )


async def on_start_button(ctx: Context, action: actions.Action) -> None:
    technique = ctx.content.technique(action.arg(0))
    area = ctx.content.area(action.arg(1))
    if technique is None or technique.hold is None:
        await _choose(ctx, "That hold is no longer in my notes. Pick one:")
        return
    if area is None or area.id not in technique.areas:
        area = ctx.content.area(technique.areas[0])
        assert area is not None
    await _start(ctx, technique, area)


async def stop(ctx: Context) -> None:
    running = ctx.services.holds.find(ctx.chat, ctx.user)
    if running is None:
        await ctx.answer(ReplyBuilder().add(text("You have no hold running here.")).build())
        return
    running.runner.stop()
    await asyncio.wait({running.task}, timeout=15)  # its message says "Stopped" first
    await ctx.replier.notice("Your hold is stopped.")


async def on_control_button(ctx: Context, action: actions.Action) -> None:
    """Stop, Pause, Resume on a live hold message; only the person holding may use them."""
    hold_id = action.number(0)
    running = ctx.services.holds.get(hold_id) if hold_id is not None else None
    if running is None:
        await ctx.replier.notice("This hold has already ended.")
        return
    if running.user.user_id != ctx.user.user_id or running.chat.chat_id != ctx.chat.chat_id:
        await ctx.replier.notice("This is someone else's hold; start your own with /hold.")
        return
    if action.verb == actions.HOLD_STOP:
        running.runner.stop()
        await asyncio.wait({running.task}, timeout=15)
    elif action.verb == actions.HOLD_PAUSE:
        running.runner.pause()
    else:
        running.runner.resume()
