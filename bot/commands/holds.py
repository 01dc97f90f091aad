"""/hold and /stop, and the hold buttons (start, pause, resume, stop)."""

from __future__ import annotations

from bot.actions import HoldControl, HoldOp, StartHold
from bot.content.models import Area, Technique
from bot.context import Context
from bot.holds import messages
from bot.holds.manager import Resting, TooMany
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
        await ctx.answer(messages.no_timed_hold(technique))
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
    holdable = tuple(t for t in ctx.content.techniques if t.hold is not None)
    await ctx.answer(messages.choose_hold(holdable, lead))


async def _start(ctx: Context, technique: Technique, area: Area) -> None:
    outcome = await ctx.services.holds.start(
        chat=ctx.chat, user=ctx.user, technique=technique, area=area, send=ctx.answer
    )
    match outcome:
        case Resting(area=rested, rounds_done=done, gentle=gentle):
            await ctx.answer(messages.rest_advice(rested, done, gentle))
        case TooMany(limit=limit):
            await ctx.answer(messages.too_many_running(limit))


async def on_start_button(ctx: Context, action: StartHold) -> None:
    technique = ctx.content.technique(action.technique)
    if technique is None or technique.hold is None:
        await _choose(ctx, "That hold is no longer in my notes. Pick one:")
        return
    area = ctx.content.area(action.area)
    if area is None or area.id not in technique.areas:
        area = ctx.content.area(technique.areas[0])
        assert area is not None
    await _start(ctx, technique, area)


async def stop(ctx: Context) -> None:
    running = ctx.services.holds.find(ctx.chat, ctx.user)
    if running is None:
        await ctx.answer(messages.no_hold_running())
        return
    await ctx.services.holds.stop(running)  # its message says "Stopped" first
    await ctx.replier.notice(messages.STOPPED_NOTICE)


async def on_control_button(ctx: Context, action: HoldControl) -> None:
    """Stop, Pause, Resume on a live hold message (bot.access: only the person holding)."""
    holds = ctx.services.holds
    running = holds.get(action.hold_id)
    if running is None:  # ended between the check and now
        return
    match action.op:
        case HoldOp.STOP:
            await holds.stop(running)
        case HoldOp.PAUSE:
            holds.pause(running)
        case HoldOp.RESUME:
            holds.resume(running)
