"""/quiet: no personal reminders for a while."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.actions import Quiet, button
from bot.context import Context
from bot.i18n import N_, Explained
from bot.i18n.words import on_or_off
from bot.messages import ReplyBuilder, say, text
from bot.reminders.describe import moment_text
from bot.reminders.parse import DAY_NAMES, duration
from bot.reminders.schedule import resolve
from bot.reminders.wordings import plain_english

# The buttons of a bare /quiet: (label, what it means as typed).
PRESETS = {
    "today": (N_("Rest of today"), "until tomorrow"),
    "1d": (N_("A day"), "for 1 day"),
    "3d": (N_("3 days"), "for 3 days"),
    "7d": (N_("A week"), "for 7 days"),
    "off": (N_("End quiet time"), "off"),
}
MAX_QUIET = timedelta(days=60)


class QuietRefused(Explained, ValueError):
    """What was not understood in /quiet, said kindly."""


def quiet_until(said: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """When quiet time ends for what someone typed; None ends it now. QuietRefused if unclear."""
    said = on_or_off(plain_english(" ".join(said.lower().split())))
    if said in ("off", "stop", "end", "none", "no", "ende", "beenden", "fin", "terminar"):
        return None
    today = now.astimezone(zone).date()
    if said in ("today", "until tomorrow", "till tomorrow", "tomorrow", "rest of today"):
        return resolve(today + timedelta(days=1), time(0), zone)
    day = re.fullmatch(r"(?:until |till )?([a-z]+)", said)
    if day and len(day.group(1)) > 3 and day.group(1) in DAY_NAMES:
        ahead = (DAY_NAMES[day.group(1)] - today.weekday()) % 7 or 7
        return resolve(today + timedelta(days=ahead), time(0), zone)
    match = re.fullmatch(
        r"(?:for\s+)?([0-9]+(?:[.,][0-9]+)?|an?|one)\s*(m|mins?|minutes?|h|hours?|hrs?|d|days?|w|weeks?)",
        said,
    )
    if match:
        amount = "1" if match.group(1) in ("a", "an", "one") else match.group(1)
        delta = duration(amount, match.group(2))
        if delta is None or delta <= timedelta(0) or delta > MAX_QUIET:
            raise QuietRefused(N_("Quiet time can last up to 60 days."))
        return now + delta
    raise QuietRefused(
        N_("I didn't catch how long. Try /quiet until tomorrow, /quiet for 3 days or /quiet off.")
    )


async def quiet(ctx: Context) -> None:
    args = ctx.args.strip()
    if not args:
        t = ctx.t
        builder = ReplyBuilder().add(
            text(t.gettext("Pause all your reminders for a while? For how long:"))
        )
        builder.row(*(button(t.gettext(label), Quiet(key)) for key, (label, _) in PRESETS.items()))
        await ctx.answer(builder.build())
        return
    await _quiet(ctx, args)


async def _quiet(ctx: Context, said: str) -> None:
    service = ctx.services.reminders
    now = ctx.services.clock.now()
    zone, _ = await service.user_zone(ctx.user)
    try:
        until = quiet_until(said, now, zone)
    except QuietRefused as exc:
        await ctx.answer(say(exc.said(ctx.t)))
        return
    t = ctx.t
    count, zone = await service.quiet(ctx.user, until)
    if until is None:
        await ctx.answer_in_place(say(t.gettext("Quiet time is over; your reminders are back on.")))
        return
    await ctx.answer_in_place(
        say(
            t.ngettext(
                "Quiet until %(until)s: none of your %(count)d reminder will come before then. "
                "/quiet off ends it early.",
                "Quiet until %(until)s: none of your %(count)d reminders will come before then. "
                "/quiet off ends it early.",
                count,
            )
            % {"until": moment_text(until, zone, now, t), "count": count}
        )
    )


async def on_quiet_button(ctx: Context, action: Quiet) -> None:
    preset = PRESETS.get(action.preset)
    if preset is None:
        await ctx.replier.notice(ctx.t.gettext("That choice is gone; try /quiet."))
        return
    await _quiet(ctx, preset[1])
