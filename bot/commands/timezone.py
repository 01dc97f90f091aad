"""/timezone: a person's zone (or, for moderators, a community's), by zone, city, country,
abbreviation or local time (what each means: bot.reminders.zones)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actions import SetCommunityZone, SetMyZone, button
from bot.context import Context
from bot.messages import ReplyBuilder, say, text
from bot.reminders.service import ReminderRefused
from bot.reminders.zones import Choice, find_zone, is_zone
from bot.text import shorten

_HERE = re.compile(r"(?:here|community|group|server)\s+(.+)", re.IGNORECASE)


async def timezone(ctx: Context) -> None:
    args = ctx.args.strip()
    here = _HERE.fullmatch(args)
    if here:  # in a private chat, "here" is the person's own chat: their own zone
        args = here.group(1)
        here = here if ctx.chat.is_community else None
    now = ctx.services.clock.now()
    if not args:
        zone, _ = await ctx.services.reminders.user_zone(ctx.user)
        await ctx.answer(
            say(
                f"Your time zone is {zone.key} (it is {now.astimezone(zone):%H:%M} there now).",
                "Change it with /timezone Europe/Berlin, a city (/timezone Lisbon), "
                "an abbreviation (/timezone EST), or your local time (/timezone 14:35) "
                "and I'll suggest zones.",
            )
        )
        return
    # In a thread: the first lookup of a process loads the city data (about half a second),
    # which must not stall every other chat.
    search = await asyncio.to_thread(find_zone, args, now)
    said = shorten(args, 40)
    if search.zone is not None:
        chosen = await ctx.perform(
            SetCommunityZone(search.zone) if here else SetMyZone(search.zone)
        )
        if chosen and search.others:  # Portland, Oregon set: offer Portland, Maine too
            city = search.place.partition(",")[0]
            builder = ReplyBuilder().add(text(f"That's {search.place}. Another {city}?"))
            await ctx.answer(_choices(builder, search.others, now, here=bool(here)).build())
        return
    if not search.candidates:
        await ctx.answer(
            say(
                f"I don't know the time zone \u201c{said}\u201d.",
                "Try a zone like Europe/Berlin or America/New_York, a big city near you, "
                "or your local time like /timezone 14:35.",
            )
        )
        return
    if search.unseen_time:
        lines = (
            f"No time zone shows {search.unseen_time} right now.",
            "These are the nearest; is one of them yours?",
        )
    else:
        lines = (f"Which one is yours? (for \u201c{said}\u201d)",)
    builder = ReplyBuilder().add(text(*lines))
    await ctx.answer(_choices(builder, search.candidates, now, here=bool(here)).build())


def _choices(
    builder: ReplyBuilder, choices: tuple[Choice, ...], now: datetime, *, here: bool
) -> ReplyBuilder:
    """One button per zone, with its time now: the time is what people recognise."""
    for choice in choices[:6]:
        local = now.astimezone(ZoneInfo(choice.zone))
        label = f"{choice.zone} ({local:%H:%M})"
        if choice.place:
            label = f"{shorten(choice.place, 40)}: {label}"
        action = SetCommunityZone(choice.zone) if here else SetMyZone(choice.zone)
        builder.row(button(label, action))
    return builder


async def on_my_zone(ctx: Context, action: SetMyZone) -> None:
    await _set_zone(ctx, action.zone, for_community=False)


async def on_community_zone(ctx: Context, action: SetCommunityZone) -> None:
    await _set_zone(ctx, action.zone, for_community=True)


async def _set_zone(ctx: Context, zone: str, *, for_community: bool) -> None:
    if not is_zone(zone):
        await ctx.refuse("That time zone is not known.")
        return
    service = ctx.services.reminders
    local = ctx.services.clock.now().astimezone(ZoneInfo(zone))
    try:
        if for_community:
            moved = await service.set_community_timezone(ctx.chat, zone)
            who = "this community's"
        else:
            moved = await service.set_timezone(ctx.user, zone)
            who = "your"
    except ReminderRefused as exc:
        await ctx.answer(say(str(exc)))
        return
    lines = [f"Set {who} time zone to {zone} (it is {local:%H:%M} there now)."]
    if moved:
        lines.append(f"{moved} reminder{'s' if moved > 1 else ''} moved with it.")
    await ctx.answer_in_place(say(*lines))
