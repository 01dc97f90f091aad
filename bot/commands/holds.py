"""/hold and /stop, and the hold buttons (start, another round, pause, resume, stop)."""

from __future__ import annotations

import re

from bot.actions import Again, HoldAgain, HoldControl, HoldOp, StartHold
from bot.content.models import Area, Technique
from bot.context import Context
from bot.holds import answers
from bot.holds.manager import AskFirst, Resting, TooMany
from bot.i18n import N_
from bot.routines.model import Routine, routine_number, technique_of
from bot.text import shorten

_WHICH = N_("Which hold? Pick one:")
_GONE = N_("That hold is no longer in my notes. Pick one:")

# "for 60 seconds", "60s", "for 2 min", "a minute" at the end of /hold's words; in German and
# Spanish too ("für 30 Sekunden", "eine Minute", "durante 30 segundos", "un minuto").
_DURATION = re.compile(
    r"\s*(?:(?:for|f\u00fcr|durante)\s+)?(?:(\d{1,5})\s*|(an?|one|eine?|una?)\s+)"
    r"(s|secs?|seconds?|sek|sekunden?|seg|segundos?|m|mins?|minutes?|minuten?|minutos?)\.?\s*$",
    re.IGNORECASE,
)


def split_duration(query: str) -> tuple[str, int | None]:
    """The words without a press time at their end, and that time in seconds (if given)."""
    found = _DURATION.search(query)
    if found is None or not query[: found.start()].strip():
        return query, None
    amount = int(found.group(1)) if found.group(1) else 1
    unit = found.group(3).lower()
    seconds = amount * 60 if unit.startswith("m") else amount
    return query[: found.start()].strip(), max(1, seconds)


async def hold(ctx: Context) -> None:
    """`/hold upper-back` or `/hold ball-wall for 20 seconds`: a technique by name, or the
    first for an area, with the press time if asked (never above the hold's cap)."""
    query, seconds = split_duration(ctx.args.strip())
    if not query:
        await _choose(ctx, ctx.t.gettext(_WHICH))
        return
    routines = ctx.services.routines
    own = await routines.find(ctx.user, query, exact=True)  # their own name comes first
    if own is not None:
        await start_routine(ctx, own, seconds)
        return
    chosen = _resolve(ctx, query)
    if chosen is None:
        own = await routines.find(ctx.user, query)  # a forgiving match of their own names
        if own is not None:
            await start_routine(ctx, own, seconds)
            return
        unknown = ctx.t.gettext("I don't know a hold for \u201c%(query)s\u201d. Pick one:")
        await _choose(ctx, unknown % {"query": shorten(query, 40)})
        return
    technique, area = chosen
    if technique.hold is None:
        await ctx.answer(answers.no_timed_hold(technique, ctx.t))
        return
    await start_hold(ctx, technique, area, seconds)


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
    await ctx.answer(answers.choose_hold(holdable, lead))


async def start_hold(
    ctx: Context,
    technique: Technique,
    area: Area,
    seconds: int | None = None,
    *,
    confirmed: bool = False,
    own: bool = False,
) -> None:
    """Start a hold; `own`: a person's own routine, whose caution stands on every hold."""
    outcome = await ctx.services.holds.start(
        chat=ctx.chat,
        user=ctx.user,
        technique=technique,
        area=area,
        send=ctx.answer,
        press_seconds=seconds,
        confirmed=confirmed,
        always_caution=own,
        t=ctx.t,
    )
    match outcome:
        case Resting(area=rested, rounds_done=done, gentle=gentle):
            await ctx.answer(answers.rest_advice(rested, done, gentle, ctx.t))
        case AskFirst(area=spot, rounds_done=done, last_at=last):
            now = ctx.services.clock.now()
            zone, _ = await ctx.services.reminders.user_zone(ctx.user)
            when = answers.when_word(last, now, zone, ctx.t)
            await ctx.answer(answers.ask_again(technique, spot, done, when, seconds, ctx.t))
        case TooMany(limit=limit):
            await ctx.answer(answers.too_many_running(limit, ctx.t))


async def start_routine(
    ctx: Context, routine: Routine, seconds: int | None = None, *, confirmed: bool = False
) -> None:
    """A person's own routine, run by the same machinery, caps and daily limits as a shipped
    hold, its standing caution on every frame."""
    area = ctx.content.area(routine.area)
    if area is None:
        await ctx.answer(answers.say_routine_spot_gone(routine.name, ctx.t))
        return
    technique = technique_of(routine, ctx.content, ctx.t)
    await start_hold(ctx, technique, area, seconds, confirmed=confirmed, own=True)


def _chosen(ctx: Context, technique_id: str, area_id: str) -> tuple[Technique, Area] | None:
    """A button's technique and spot as the content has them now (the spot may have moved)."""
    technique = ctx.content.technique(technique_id)
    if technique is None or technique.hold is None:
        return None
    area = ctx.content.area(area_id)
    if area is None or area.id not in technique.areas:
        area = ctx.content.area(technique.areas[0])
        assert area is not None
    return technique, area


async def on_start_button(ctx: Context, action: StartHold) -> None:
    chosen = _chosen(ctx, action.technique, action.area)
    if chosen is None:
        await _choose(ctx, ctx.t.gettext(_GONE))
        return
    await start_hold(ctx, *chosen)


async def on_again_button(ctx: Context, action: HoldAgain) -> None:
    """'Start anyway' or 'Not now' after "You did 3 rounds ... Another round?"."""
    number = routine_number(action.technique)
    if number is not None:  # their own routine: looked up as the presser's, never anyone's
        routine = await ctx.services.routines.own(ctx.user, number)
        if routine is None:
            await _choose(ctx, ctx.t.gettext(_GONE))
        elif action.answer is Again.NO:
            await ctx.answer_in_place(answers.not_now_routine(routine.name, ctx.t))
        else:
            await start_routine(ctx, routine, action.seconds or None, confirmed=True)
        return
    chosen = _chosen(ctx, action.technique, action.area)
    if chosen is None:
        await _choose(ctx, ctx.t.gettext(_GONE))
        return
    technique, area = chosen
    if action.answer is Again.NO:
        await ctx.answer_in_place(answers.not_now(area, ctx.t))
        return
    await start_hold(ctx, technique, area, action.seconds or None, confirmed=True)


async def stop(ctx: Context) -> None:
    running = ctx.services.holds.find(ctx.chat, ctx.user)
    if running is None:
        await ctx.answer(answers.no_hold_running(ctx.t))
        return
    await ctx.services.holds.stop(running)  # its message says "Stopped" first
    await ctx.replier.notice(ctx.t.gettext(answers.STOPPED_NOTICE))


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
