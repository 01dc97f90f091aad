"""/remind, /reminders, /timezone, /quiet and the buttons on reminder messages."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import actions
from bot.actions import parse_id
from bot.context import Context
from bot.messages import Button, ButtonStyle, Reply, ReplyBuilder, bullets, note, text
from bot.reminders.describe import moment_text, schedule_text
from bot.reminders.messages import reminder_reply_for
from bot.reminders.parse import ParseError, duration, parse_request
from bot.reminders.schedule import resolve
from bot.reminders.service import ReminderRefused, ReminderView
from bot.reminders.zones import find_zone, is_zone
from bot.text import shorten

EXAMPLES = (
    "/remind every 2 hours from 9:00 to 18:00 on weekdays",
    "/remind at 22:30 mouth guard",
    "/remind legs up at 19:00",
    "/remind in 20 min",
)
# Suggestions offered by a bare /remind: one tap to set up the common ones.
PRESETS: dict[str, str] = {
    "work": "every 2 hours from 9:00 to 18:00 on weekdays",
    "guard": "at 22:30 mouth guard",
    "legs": "legs up at 19:00",
}
PRESET_LABELS = {
    "work": "Every 2 h, 9\u201318, weekdays",
    "guard": "Mouth guard at 22:30",
    "legs": "Legs-up rest at 19:00",
}
KIND_NAMES = {
    "relax": "relax reminders",
    "mouth-guard": "a mouth guard reminder",
    "legs-up": "a legs-up rest reminder",
    "stretch-break": "stretch break reminders",
}


def _say(*lines: str) -> Reply:
    return ReplyBuilder().add(text(*lines)).build()


def _kind_title(ctx: Context, kind: str) -> str:
    found = ctx.content.reminder_kinds.get(kind)
    return found.title if found else kind


async def remind(ctx: Context) -> None:
    args = ctx.args.strip()
    if not args:
        builder = ReplyBuilder().add(
            text("What should I remind you of, and when? Pick one or write your own:"),
            bullets(EXAMPLES),
        )
        builder.row(
            *(Button(PRESET_LABELS[k], actions.make(actions.REMINDER_PRESET, k)) for k in PRESETS)
        )
        await ctx.answer(builder.build())
        return
    change = re.fullmatch(r"(?:change|edit)\s+(\S+)\s+(.+)", args, flags=re.IGNORECASE)
    if change:
        number = parse_id(change.group(1))
        if number is None:
            await ctx.answer(
                _say(
                    "Which reminder? /remind change <number> <when>; /reminders shows the numbers."
                )
            )
            return
        await _change(ctx, number, change.group(2))
        return
    await _create(ctx, args)


async def _create(ctx: Context, spec: str) -> None:
    service = ctx.services.reminders
    now = ctx.services.clock.now()
    zone, chosen = await service.user_zone(ctx.user)
    try:
        request = parse_request(spec, now=now, zone=zone)
        created = await service.create(ctx.user, ctx.chat, request)
    except ParseError as exc:
        await ctx.answer(
            ReplyBuilder().add(text(f"{exc} Some ways to say it:"), bullets(EXAMPLES)).build()
        )
        return
    except ReminderRefused as exc:
        await ctx.answer(_say(str(exc)))
        return
    await ctx.answer(_created_reply(ctx, created, now, default_zone=not chosen))


def _created_reply(
    ctx: Context, created: ReminderView, now: datetime, *, default_zone: bool
) -> Reply:
    what = KIND_NAMES.get(created.kind, "reminders")
    when = schedule_text(created.schedule, created.zone)
    lines = [f"Set: {what}, {when} ({created.zone.key})."]
    if created.next_due is not None:
        lines.append(f"The first one comes {moment_text(created.next_due, created.zone, now)}.")
    builder = ReplyBuilder().add(text(*lines))
    if created.shared:
        builder.add(note("Everyone here gets it. Done, and Stop for moderators, are on each one."))
    else:
        if ctx.chat.is_community:
            builder.add(note("Reminders come in a private chat with me."))
        if default_zone:
            builder.add(
                note(
                    f"I'm using {created.zone.key} as your time zone. Set yours with "
                    "/timezone Europe/Berlin, your city, or your local time (/timezone 14:35)."
                )
            )
    builder.row(Button("My reminders", actions.make(actions.REMINDER_LIST)))
    return builder.build()


async def _change(ctx: Context, reminder_id: int, spec: str) -> None:
    service = ctx.services.reminders
    now = ctx.services.clock.now()
    zone, _ = await service.user_zone(ctx.user)
    try:
        request = parse_request(spec, now=now, zone=zone)
        changed = await service.change(ctx.user, reminder_id, request)
    except ParseError as exc:
        await ctx.answer(
            ReplyBuilder().add(text(f"{exc} Some ways to say it:"), bullets(EXAMPLES)).build()
        )
        return
    except ReminderRefused as exc:
        await ctx.answer(_say(str(exc)))
        return
    await ctx.answer(_say(f"Changed #{changed.id}: {_line(ctx, changed, now)}"))


def _line(ctx: Context, item: ReminderView, now: datetime) -> str:
    title = _kind_title(ctx, item.kind)
    when = schedule_text(item.schedule, item.zone)
    if item.status == "paused":
        state = "paused"
    elif item.status == "blocked":
        state = "paused: I couldn't reach you (did you block me or close your DMs?)"
    elif item.next_due is not None:
        state = f"next {moment_text(item.next_due, item.zone, now)}"
    else:
        state = "done"
    return f"{title}, {when} ({item.zone.key}) \u00b7 {state}"


async def reminders(ctx: Context) -> None:
    await ctx.answer(await _list_reply(ctx))


async def _list_reply(ctx: Context, lead: str = "") -> Reply:
    service = ctx.services.reminders
    now = ctx.services.clock.now()
    mine, shared, user = await service.list_for(ctx.user, ctx.chat)
    builder = ReplyBuilder()
    if lead:
        builder.add(text(lead))
    if not mine and not shared:
        builder.add(text("You have no reminders yet. /remind sets one up."))
        return builder.build()
    if mine:
        builder.add(
            bullets([f"#{r.id} {_line(ctx, r, now)}" for r in mine], title="Your reminders:")
        )
    if shared:
        builder.add(
            bullets([f"#{r.id} {_line(ctx, r, now)}" for r in shared], title="For everyone here:")
        )
    if user.quiet_until and user.quiet_until > now:
        zone = service.zone_of(user)
        builder.add(
            note(f"Quiet until {moment_text(user.quiet_until, zone, now)} (/quiet off ends it).")
        )
    builder.add(
        note("Change one with /remind change <number> <when>, e.g. /remind change 3 at 21:00.")
    )
    editable = mine + (shared if ctx.user.is_moderator else [])
    for item in editable[:8]:
        toggle = (
            Button(
                f"Resume #{item.id}",
                actions.make(actions.REMINDER_RESUME, item.id),
                ButtonStyle.PRIMARY,
            )
            if item.status != "active"
            else Button(f"Pause #{item.id}", actions.make(actions.REMINDER_PAUSE, item.id))
        )
        delete = Button(
            f"Delete #{item.id}", actions.make(actions.REMINDER_DELETE, item.id), ButtonStyle.DANGER
        )
        builder.row(toggle, delete)
    return builder.build()


async def on_list_button(ctx: Context, action: actions.Action) -> None:
    service = ctx.services.reminders
    if action.verb == actions.REMINDER_LIST:
        await ctx.answer(await _list_reply(ctx))
        return
    reminder_id = action.number(0)
    if reminder_id is None:
        await ctx.replier.notice("That reminder no longer exists.")
        return
    try:
        if action.verb == actions.REMINDER_PAUSE:
            done = await service.pause(ctx.user, reminder_id)
            lead = f"Paused #{done.id}."
        elif action.verb == actions.REMINDER_RESUME:
            done = await service.resume(ctx.user, reminder_id)
            lead = f"Resumed #{done.id}."
        else:
            done = await service.delete(ctx.user, reminder_id)
            lead = f"Deleted #{done.id}."
    except ReminderRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    await ctx.answer_in_place(await _list_reply(ctx, lead))


async def on_preset_button(ctx: Context, action: actions.Action) -> None:
    spec = PRESETS.get(action.arg(0))
    if spec is None:
        await ctx.answer(_say("That suggestion is gone; try /remind."))
        return
    await _create(ctx, spec)


async def _reminder_message_with(ctx: Context, delivery_id: int, line: str) -> Reply | None:
    """The reminder message as it was, without buttons, with `line` added."""
    found = await ctx.services.reminders.delivery(delivery_id)
    if found is None:
        return None
    delivery, row = found
    if row is None:
        return ReplyBuilder().add(text(line)).build()
    shown = reminder_reply_for(
        ctx.content, row, delivery_id=delivery.id, text_index=delivery.text_index
    )
    return ReplyBuilder().add(*shown.blocks, note(line)).build()


async def on_reminder_button(ctx: Context, action: actions.Action) -> None:
    """Done, Snooze and Stop on a reminder message."""
    service = ctx.services.reminders
    number = action.number(0)
    if number is None:
        await ctx.replier.notice("That reminder no longer exists.")
        return
    try:
        if action.verb == actions.REMINDER_DONE:
            first = await service.done(ctx.user, number)
            found = await service.delivery(number)
            shared = bool(found and found[1] and found[1].community_id is not None)
            if shared or not first:
                await ctx.replier.notice("Logged. Nice work." if first else "Already logged.")
                return
            line = "Done. Nice work, that counts."
        elif action.verb == actions.REMINDER_SNOOZE:
            at = await service.snooze(ctx.user, number)
            found = await service.delivery(number)
            zone = ZoneInfo(found[1].timezone) if found and found[1] else ZoneInfo("UTC")
            line = f"Snoozed until {at.astimezone(zone):%H:%M}."
        else:
            paused = await service.pause(ctx.user, number)
            await ctx.answer_in_place(
                _say(
                    f"Paused: {_kind_title(ctx, paused.kind)}, "
                    f"{schedule_text(paused.schedule, paused.zone)}.",
                    "/reminders resumes or changes them.",
                )
            )
            return
    except ReminderRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    reply = await _reminder_message_with(ctx, number, line)
    await ctx.answer_in_place(reply or _say(line))


async def timezone(ctx: Context) -> None:
    service = ctx.services.reminders
    args = ctx.args.strip()
    here = re.fullmatch(r"(?:here|community|group|server)\s+(.+)", args, flags=re.IGNORECASE)
    if here and ctx.chat.is_community:
        if not ctx.user.is_moderator:
            await ctx.answer(_say("Only moderators can set the time zone for everyone here."))
            return
        args = here.group(1)
    now = ctx.services.clock.now()
    if not args:
        zone, _ = await service.user_zone(ctx.user)
        local = now.astimezone(zone)
        await ctx.answer(
            _say(
                f"Your time zone is {zone.key} (it is {local:%H:%M} there now).",
                "Change it with /timezone Europe/Berlin, a city (/timezone Lisbon), "
                "or your local time (/timezone 14:35) and I'll suggest zones.",
            )
        )
        return
    search = find_zone(args, now)
    if search.zone is not None:
        await _set_zone(ctx, search.zone, for_community=bool(here and ctx.chat.is_community))
        return
    said = shorten(args, 40)
    if not search.candidates:
        await ctx.answer(
            _say(
                f"I don't know the time zone \u201c{said}\u201d.",
                "Try a zone like Europe/Berlin or America/New_York, a big city near you, "
                "or your local time like /timezone 14:35.",
            )
        )
        return
    prefix = "here " if here and ctx.chat.is_community else ""
    builder = ReplyBuilder().add(text(f"Which one is yours? (for \u201c{said}\u201d)"))
    for zone in search.candidates[:6]:
        local = now.astimezone(ZoneInfo(zone))
        builder.row(
            Button(f"{zone} ({local:%H:%M})", actions.make(actions.TIMEZONE, prefix + zone))
        )
    await ctx.answer(builder.build())


async def _set_zone(ctx: Context, zone: str, *, for_community: bool) -> None:
    service = ctx.services.reminders
    now = ctx.services.clock.now()
    local = now.astimezone(ZoneInfo(zone))
    try:
        if for_community:
            moved = await service.set_community_timezone(ctx.chat, zone)
            who = "this community's"
        else:
            moved = await service.set_timezone(ctx.user, zone)
            who = "your"
    except ReminderRefused as exc:
        await ctx.answer(_say(str(exc)))
        return
    lines = [f"Set {who} time zone to {zone} (it is {local:%H:%M} there now)."]
    if moved:
        lines.append(f"{moved} reminder{'s' if moved > 1 else ''} moved with it.")
    await ctx.answer_in_place(_say(*lines))


async def on_timezone_button(ctx: Context, action: actions.Action) -> None:
    value = ":".join(action.args)
    community = value.startswith("here ")
    zone = value.removeprefix("here ")
    if not is_zone(zone):
        await ctx.replier.notice("That time zone is not known.")
        return
    if community and not ctx.user.is_moderator:
        await ctx.replier.notice("Only moderators can set the time zone for everyone here.")
        return
    await _set_zone(ctx, zone, for_community=community and ctx.chat.is_community)


QUIET_PRESETS = {
    "today": "Rest of today",
    "1d": "A day",
    "3d": "3 days",
    "7d": "A week",
    "off": "End quiet time",
}


def quiet_until(said: str, now: datetime, zone: ZoneInfo) -> datetime | str | None:
    """When quiet time ends for what someone typed; None ends it; a str is an error."""
    said = " ".join(said.lower().split())
    if said in ("off", "stop", "end", "none", "no"):
        return None
    today = now.astimezone(zone).date()
    if said in ("today", "until tomorrow", "till tomorrow", "tomorrow", "rest of today"):
        return resolve(today + timedelta(days=1), time(0), zone)
    days = {
        "monday": 0,
        "tuesday": 1,
        "wednesday": 2,
        "thursday": 3,
        "friday": 4,
        "saturday": 5,
        "sunday": 6,
    }
    for name, number in days.items():
        if said in (f"until {name}", f"till {name}", name):
            ahead = (number - today.weekday()) % 7 or 7
            return resolve(today + timedelta(days=ahead), time(0), zone)
    match = re.fullmatch(
        r"(?:for\s+)?([0-9]+(?:[.,][0-9]+)?|an?|one)\s*(m|mins?|minutes?|h|hours?|hrs?|d|days?|w|weeks?)",
        said,
    )
    if match:
        amount = "1" if match.group(1) in ("a", "an", "one") else match.group(1)
        delta = duration(amount, match.group(2))
        if delta is None or delta <= timedelta(0) or delta > timedelta(days=60):
            return "Quiet time can last up to 60 days."
        return now + delta
    return "I didn't catch how long. Try /quiet until tomorrow, /quiet for 3 days or /quiet off."


async def quiet(ctx: Context) -> None:
    args = ctx.args.strip()
    if not args:
        builder = ReplyBuilder().add(text("Pause all your reminders for a while? For how long:"))
        builder.row(
            *(
                Button(label, actions.make(actions.QUIET, key))
                for key, label in QUIET_PRESETS.items()
            )
        )
        await ctx.answer(builder.build())
        return
    await _quiet(ctx, args)


async def _quiet(ctx: Context, said: str) -> None:
    service = ctx.services.reminders
    now = ctx.services.clock.now()
    zone, _ = await service.user_zone(ctx.user)
    until = quiet_until(said, now, zone)
    if isinstance(until, str):
        await ctx.answer(_say(until))
        return
    count, zone = await service.quiet(ctx.user, until)
    if until is None:
        await ctx.answer_in_place(_say("Quiet time is over; your reminders are back on."))
        return
    await ctx.answer_in_place(
        _say(
            f"Quiet until {moment_text(until, zone, now)}: none of your {count} reminder"
            f"{'s' if count != 1 else ''} will come before then. /quiet off ends it early."
        )
    )


async def on_quiet_button(ctx: Context, action: actions.Action) -> None:
    spoken = {
        "today": "until tomorrow",
        "1d": "for 1 day",
        "3d": "for 3 days",
        "7d": "for 7 days",
        "off": "off",
    }
    said = spoken.get(action.arg(0))
    if said is None:
        await ctx.replier.notice("That choice is gone; try /quiet.")
        return
    await _quiet(ctx, said)
