"""/remind and /reminders, and the buttons on reminder messages and in the list."""

from __future__ import annotations

import re
from datetime import datetime

from bot.actions import (
    ChangeReminder,
    ListReminders,
    ReminderControl,
    ReminderDone,
    ReminderOp,
    ReminderPreset,
    ShareReminder,
    SnoozeReminder,
    StopReminder,
    button,
    parse_id,
)
from bot.context import Context
from bot.messages import ButtonStyle, Reply, ReplyBuilder, bullets, note, say, text
from bot.reminders.describe import moment_text, schedule_text
from bot.reminders.messages import reminder_reply
from bot.reminders.parse import SHARED_WORDS, ParseError, ReminderRequest, parse_request
from bot.reminders.service import ReminderRefused, ReminderView
from bot.storage.reminders import ReminderStatus

EXAMPLES = (
    "/remind every 2 hours from 9:00 to 18:00 on weekdays",
    "/remind at 22:30 mouth guard",
    "/remind legs up at 19:00",
    "/remind in 20 min",
)
# Suggestions offered by a bare /remind: one tap to set up the common ones.
PRESETS: dict[str, tuple[str, str]] = {
    "work": ("Every 2 h, 9\u201318, weekdays", "every 2 hours from 9:00 to 18:00 on weekdays"),
    "guard": ("Mouth guard at 22:30", "at 22:30 mouth guard"),
    "legs": ("Legs-up rest at 19:00", "legs up at 19:00"),
}
PAGE_SIZE = 8  # reminders per page of /reminders (each with its two buttons)
KIND_NAMES = {
    "relax": "relax reminders",
    "mouth-guard": "a mouth guard reminder",
    "legs-up": "a legs-up rest reminder",
    "stretch-break": "stretch break reminders",
}


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
        builder.row(*(button(label, ReminderPreset(key)) for key, (label, _) in PRESETS.items()))
        await ctx.answer(builder.build())
        return
    change = re.fullmatch(r"(?:change|edit)\s+(\S+)\s+(.+)", args, flags=re.IGNORECASE)
    if change:
        number = parse_id(change.group(1))
        if number is None:
            await ctx.answer(
                say("Which reminder? /remind change <number> <when>; /reminders shows the numbers.")
            )
            return
        await ctx.perform(ChangeReminder(number, change.group(2)))
        return
    if ctx.chat.is_community and SHARED_WORDS.search(args):
        await ctx.perform(ShareReminder(args))
        return
    await _create(ctx, args)


async def _parsed(ctx: Context, words: str) -> tuple[ReminderRequest, bool] | None:
    """The request in `words` and whether the person chose their zone (else it is the
    default), or None after explaining what was not understood."""
    zone, chosen = await ctx.services.reminders.user_zone(ctx.user)
    try:
        return parse_request(words, now=ctx.services.clock.now(), zone=zone), chosen
    except ParseError as exc:
        await ctx.answer(
            ReplyBuilder().add(text(f"{exc} Some ways to say it:"), bullets(EXAMPLES)).build()
        )
        return None


async def _create(ctx: Context, words: str) -> None:
    parsed = await _parsed(ctx, words)
    if parsed is None:
        return
    request, chosen = parsed
    try:
        created = await ctx.services.reminders.create(ctx.user, ctx.chat, request)
    except ReminderRefused as exc:
        await ctx.answer(say(str(exc)))
        return
    await ctx.answer(_created_reply(ctx, created, default_zone=not chosen))


def _created_reply(ctx: Context, created: ReminderView, *, default_zone: bool) -> Reply:
    now = ctx.services.clock.now()
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
    builder.row(button("My reminders", ListReminders()))
    return builder.build()


def _line(ctx: Context, item: ReminderView, now: datetime) -> str:
    title = _kind_title(ctx, item.kind)
    when = schedule_text(item.schedule, item.zone)
    if item.status is ReminderStatus.PAUSED:
        state = "paused"
    elif item.status is ReminderStatus.BLOCKED:
        state = "paused: I couldn't reach you (did you block me or close your DMs?)"
    elif item.next_due is not None:
        state = f"next {moment_text(item.next_due, item.zone, now)}"
    else:
        state = "done"
    return f"{title}, {when} ({item.zone.key}) \u00b7 {state}"


async def reminders(ctx: Context) -> None:
    await ctx.answer(await _list_reply(ctx))


async def _list_reply(ctx: Context, lead: str = "", page: int = 0) -> Reply:
    """One page of the person's reminders (and this chat's shared ones), with their buttons:
    a list that fits one message whatever the number of reminders."""
    now = ctx.services.clock.now()
    found = await ctx.services.reminders.list_for(ctx.user, ctx.chat)
    builder = ReplyBuilder()
    if lead:
        builder.add(text(lead))
    if not found.mine and not found.shared:
        builder.add(text("You have no reminders yet. /remind sets one up."))
        return builder.build()
    everything = [(r, True) for r in found.mine] + [(r, False) for r in found.shared]
    pages = max(1, -(-len(everything) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = everything[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    mine = [r for r, personal in shown if personal]
    shared = [r for r, personal in shown if not personal]
    if mine:
        lines = [f"#{r.id} {_line(ctx, r, now)}" for r in mine]
        builder.add(bullets(lines, title="Your reminders:"))
    if shared:
        lines = [f"#{r.id} {_line(ctx, r, now)}" for r in shared]
        builder.add(bullets(lines, title="For everyone here:"))
    if pages > 1:
        builder.add(note(f"Page {page + 1} of {pages} ({len(everything)} reminders)."))
    if found.quiet_until is not None:
        until = moment_text(found.quiet_until, found.zone, now)
        builder.add(note(f"Quiet until {until} (/quiet off ends it)."))
    builder.add(
        note("Change one with /remind change <number> <when>, e.g. /remind change 3 at 21:00.")
    )
    editable = mine + (shared if ctx.user.is_moderator else [])
    for item in editable:
        if item.status is ReminderStatus.ACTIVE:
            toggle = button(f"Pause #{item.id}", ReminderControl(ReminderOp.PAUSE, item.id))
        else:
            toggle = button(
                f"Resume #{item.id}",
                ReminderControl(ReminderOp.RESUME, item.id),
                ButtonStyle.PRIMARY,
            )
        delete = button(
            f"Delete #{item.id}", ReminderControl(ReminderOp.DELETE, item.id), ButtonStyle.DANGER
        )
        builder.row(toggle, delete)
    turn = []
    if page > 0:  # ListReminders counts pages from 1 (0: the list anew, as a new message)
        turn.append(button("\u2190 Previous", ListReminders(page)))
    if page + 1 < pages:
        turn.append(button("Next \u2192", ListReminders(page + 2)))
    builder.row(*turn)
    return builder.build()


# -- requests and buttons, checked by bot.access before they run ----------------------------


async def on_share(ctx: Context, request: ShareReminder) -> None:
    await _create(ctx, request.words)


async def on_change(ctx: Context, request: ChangeReminder) -> None:
    parsed = await _parsed(ctx, request.words)
    if parsed is None:
        return
    try:
        changed = await ctx.services.reminders.change(request.reminder_id, parsed[0])
    except ReminderRefused as exc:
        await ctx.answer(say(str(exc)))
        return
    now = ctx.services.clock.now()
    await ctx.answer(say(f"Changed #{changed.id}: {_line(ctx, changed, now)}"))


async def on_list(ctx: Context, action: ListReminders) -> None:
    if action.page:  # turning a page replaces the list
        await ctx.answer_in_place(await _list_reply(ctx, page=action.page - 1))
        return
    await ctx.answer(await _list_reply(ctx))


async def on_control(ctx: Context, action: ReminderControl) -> None:
    service = ctx.services.reminders
    try:
        match action.op:
            case ReminderOp.PAUSE:
                lead = f"Paused #{(await service.pause(action.reminder_id)).id}."
            case ReminderOp.RESUME:
                lead = f"Resumed #{(await service.resume(action.reminder_id)).id}."
            case ReminderOp.DELETE:
                lead = f"Deleted #{(await service.delete(action.reminder_id)).id}."
    except ReminderRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    await ctx.answer_in_place(await _list_reply(ctx, lead))


async def on_preset(ctx: Context, action: ReminderPreset) -> None:
    preset = PRESETS.get(action.preset)
    if preset is None:
        await ctx.answer(say("That suggestion is gone; try /remind."))
        return
    await _create(ctx, preset[1])


async def _shown_again(ctx: Context, delivery_id: int, line: str) -> Reply:
    """The reminder message as it was, without buttons, with `line` added."""
    occurrence = await ctx.services.reminders.occurrence(delivery_id)
    if occurrence is None:
        return say(line)
    shown = reminder_reply(ctx.content, occurrence)
    return ReplyBuilder().add(*shown.blocks, note(line)).build()


async def on_done(ctx: Context, action: ReminderDone) -> None:
    try:
        first = await ctx.services.reminders.done(ctx.user, action.delivery_id)
    except ReminderRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    occurrence = await ctx.services.reminders.occurrence(action.delivery_id)
    if (occurrence is not None and occurrence.shared) or not first:
        await ctx.replier.notice("Logged. Nice work." if first else "Already logged.")
        return
    await ctx.answer_in_place(
        await _shown_again(ctx, action.delivery_id, "Done. Nice work, that counts.")
    )


async def on_snooze(ctx: Context, action: SnoozeReminder) -> None:
    try:
        at = await ctx.services.reminders.snooze(action.delivery_id)
    except ReminderRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    occurrence = await ctx.services.reminders.occurrence(action.delivery_id)
    zone = occurrence.zone if occurrence else None
    line = f"Snoozed until {at.astimezone(zone):%H:%M}."
    await ctx.answer_in_place(await _shown_again(ctx, action.delivery_id, line))


async def on_stop(ctx: Context, action: StopReminder) -> None:
    try:
        paused = await ctx.services.reminders.pause(action.reminder_id)
    except ReminderRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    when = schedule_text(paused.schedule, paused.zone)
    await ctx.answer_in_place(
        say(
            f"Paused: {_kind_title(ctx, paused.kind)}, {when}.",
            "/reminders resumes or changes them.",
        )
    )
