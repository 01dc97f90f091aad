"""/timezone: a person's zone (or, for moderators, a community's), by name, city or local time."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from bot.actions import SetCommunityZone, SetMyZone, button
from bot.context import Context
from bot.messages import ReplyBuilder, say, text
from bot.reminders.service import ReminderRefused
from bot.reminders.zones import find_zone, is_zone
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
                "or your local time (/timezone 14:35) and I'll suggest zones.",
            )
        )
        return
    search = find_zone(args, now)
    if search.zone is not None:
        await ctx.perform(SetCommunityZone(search.zone) if here else SetMyZone(search.zone))
        return
    said = shorten(args, 40)
    if not search.candidates:
        await ctx.answer(
            say(
                f"I don't know the time zone \u201c{said}\u201d.",
                "Try a zone like Europe/Berlin or America/New_York, a big city near you, "
                "or your local time like /timezone 14:35.",
            )
        )
        return
    builder = ReplyBuilder().add(text(f"Which one is yours? (for \u201c{said}\u201d)"))
    for zone in search.candidates[:6]:
        local = now.astimezone(ZoneInfo(zone))
        choice = SetCommunityZone(zone) if here else SetMyZone(zone)
        builder.row(button(f"{zone} ({local:%H:%M})", choice))
    await ctx.answer(builder.build())


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
