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

# "here" (for the community), also as German and Spanish speakers say it.
_HERE = re.compile(
    r"(?:here|community|group|server|hier|gruppe|aqu\u00ed|aqui|grupo|comunidad)\s+(.+)",
    re.IGNORECASE,
)


async def timezone(ctx: Context) -> None:
    args = ctx.args.strip()
    here = _HERE.fullmatch(args)
    if here:  # in a private chat, "here" is the person's own chat: their own zone
        args = here.group(1)
        here = here if ctx.chat.is_community else None
    now = ctx.services.clock.now()
    t = ctx.t
    if not args:
        zone, _ = await ctx.services.reminders.user_zone(ctx.user)
        await ctx.answer(
            say(
                t.gettext("Your time zone is %(zone)s (it is %(time)s there now).")
                % {"zone": zone.key, "time": f"{now.astimezone(zone):%H:%M}"},
                t.gettext(
                    "Change it with /timezone Europe/Berlin, a city (/timezone Lisbon), "
                    "an abbreviation (/timezone EST), or your local time (/timezone 14:35) "
                    "and I'll suggest zones."
                ),
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
            builder = ReplyBuilder().add(
                text(
                    t.gettext("That's %(place)s. Another %(city)s?")
                    % {"place": search.place, "city": city}
                )
            )
            await ctx.answer(_choices(builder, search.others, now, here=bool(here)).build())
        return
    if not search.candidates:
        await ctx.answer(
            say(
                t.gettext("I don't know the time zone \u201c%(said)s\u201d.") % {"said": said},
                t.gettext(
                    "Try a zone like Europe/Berlin or America/New_York, a big city near you, "
                    "or your local time like /timezone 14:35."
                ),
            )
        )
        return
    if search.unseen_time:
        lines = (
            t.gettext("No time zone shows %(time)s right now.") % {"time": search.unseen_time},
            t.gettext("These are the nearest; is one of them yours?"),
        )
    else:
        lines = (t.gettext("Which one is yours? (for \u201c%(said)s\u201d)") % {"said": said},)
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
    t = ctx.t
    if not is_zone(zone):
        await ctx.refuse(t.gettext("That time zone is not known."))
        return
    service = ctx.services.reminders
    local = ctx.services.clock.now().astimezone(ZoneInfo(zone))
    try:
        if for_community:
            moved = await service.set_community_timezone(ctx.chat, zone)
            said = t.gettext(
                "Set this community's time zone to %(zone)s (it is %(time)s there now)."
            )
        else:
            moved = await service.set_timezone(ctx.user, zone)
            said = t.gettext("Set your time zone to %(zone)s (it is %(time)s there now).")
    except ReminderRefused as exc:
        await ctx.answer(say(exc.said(t)))
        return
    lines = [said % {"zone": zone, "time": f"{local:%H:%M}"}]
    if moved:
        lines.append(
            t.ngettext(
                "%(count)d reminder moved with it.", "%(count)d reminders moved with it.", moved
            )
            % {"count": moved}
        )
    await ctx.answer_in_place(say(*lines))
