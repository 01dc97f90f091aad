"""/reminders, and the buttons on reminder messages and in the list: the list tells the truth
(snoozed copies, paused ones, how a repeat ends), and Delete can be undone for a minute."""

from __future__ import annotations

from datetime import datetime

from bot.actions import (
    ListReminders,
    ReminderControl,
    ReminderDone,
    ReminderOp,
    SnoozeReminder,
    StopReminder,
    UndoDelete,
    button,
)
from bot.commands import checkins
from bot.commands.reminder_words import label, line
from bot.context import Context
from bot.i18n.lines import line_of
from bot.messages import ButtonStyle, Line, Moment, Reply, ReplyBuilder, bullets, note, say, text
from bot.reminders.describe import moment, schedule_text
from bot.reminders.service import ReminderRefused, ReminderView
from bot.routines.reminders import shown_again
from bot.storage.reminders import ReminderStatus

PAGE_SIZE = 8  # reminders per page of /reminders (each with its two buttons)


async def reminders(ctx: Context) -> None:
    await ctx.answer(await list_reply(ctx))


def _snoozed_line(ctx: Context, item: ReminderView, now: datetime) -> Line:
    t = ctx.t
    at = moment(item.next_due, item.zone, now, t) if item.next_due else t.gettext("soon")
    return line_of(
        t.gettext("%(reminder)s \u00b7 snoozed until %(moment)s"),
        reminder=label(ctx.content, item),
        moment=at,
    )


async def list_reply(ctx: Context, lead: str = "", page: int = 0, undo: int | None = None) -> Reply:
    """One page of the person's reminders (and this chat's shared ones), with their buttons:
    a list that fits one message whatever the number of reminders."""
    t = ctx.t
    now = ctx.services.clock.now()
    found = await ctx.services.reminders.list_for(ctx.user, ctx.chat)
    builder = ReplyBuilder()
    if lead:
        builder.add(text(lead))
    if undo is not None:
        builder.row(button(t.gettext("Undo"), UndoDelete(undo), ButtonStyle.PRIMARY))
    if not found.mine and not found.shared and not found.snoozed:
        builder.add(text(t.gettext("You have no reminders yet. /remind sets one up.")))
        return builder.build()
    everything = [(r, True) for r in found.mine] + [(r, False) for r in found.shared]
    pages = max(1, -(-len(everything) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = everything[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    mine = [r for r, personal in shown if personal]
    shared = [r for r, personal in shown if not personal]
    if mine:
        lines = [Line(f"#{r.id} ", line(ctx.content, r, now)) for r in mine]
        builder.add(bullets(lines, title=t.gettext("Your reminders:")))
    if found.snoozed and page == 0:
        lines = [_snoozed_line(ctx, r, now) for r in found.snoozed]
        builder.add(bullets(lines, title=t.gettext("Snoozed:")))
    if shared:
        lines = [Line(f"#{r.id} ", line(ctx.content, r, now)) for r in shared]
        builder.add(bullets(lines, title=t.gettext("For everyone here:")))
    if pages > 1:
        page_of = t.ngettext(
            "Page %(page)d of %(pages)d (%(count)d reminder).",
            "Page %(page)d of %(pages)d (%(count)d reminders).",
            len(everything),
        )
        builder.add(note(page_of % {"page": page + 1, "pages": pages, "count": len(everything)}))
    if found.quiet_until is not None:
        until = moment(found.quiet_until, found.zone, now, t)
        builder.add(
            note(line_of(t.gettext("Quiet until %(moment)s (/quiet off ends it)."), moment=until))
        )
    builder.add(
        note(
            t.gettext(
                "Change one with /remind change <number> <when>, e.g. /remind change 3 at 21:00."
            )
        )
    )
    if page == 0:
        for item in found.snoozed:
            cancel = ReminderControl(ReminderOp.DELETE, item.id)
            words = t.gettext("Cancel snooze (%(reminder)s)") % {
                "reminder": label(ctx.content, item)
            }
            builder.row(button(words[:60], cancel))
    editable = mine + (shared if ctx.user.is_moderator else [])
    for item in editable:
        number = {"id": item.id}
        if item.status is ReminderStatus.ACTIVE:
            toggle = button(
                t.gettext("Pause #%(id)d") % number, ReminderControl(ReminderOp.PAUSE, item.id)
            )
        else:
            toggle = button(
                t.gettext("Resume #%(id)d") % number,
                ReminderControl(ReminderOp.RESUME, item.id),
                ButtonStyle.PRIMARY,
            )
        delete = button(
            t.gettext("Delete #%(id)d") % number,
            ReminderControl(ReminderOp.DELETE, item.id),
            ButtonStyle.DANGER,
        )
        builder.row(toggle, delete)
    turn = []
    if page > 0:  # ListReminders counts pages from 1 (0: the list anew, as a new message)
        turn.append(button(t.gettext("\u2190 Previous"), ListReminders(page)))
    if page + 1 < pages:
        turn.append(button(t.gettext("Next \u2192"), ListReminders(page + 2)))
    builder.row(*turn)
    return builder.build()


async def on_list(ctx: Context, action: ListReminders) -> None:
    if action.page:  # turning a page replaces the list
        await ctx.answer_in_place(await list_reply(ctx, page=action.page - 1))
        return
    await ctx.answer(await list_reply(ctx))


async def on_control(ctx: Context, action: ReminderControl) -> None:
    service = ctx.services.reminders
    t = ctx.t
    undo = None
    try:
        match action.op:
            case ReminderOp.PAUSE:
                paused = await service.pause(action.reminder_id)
                lead = t.gettext("Paused #%(id)d.") % {"id": paused.id}
            case ReminderOp.RESUME:
                resumed = await service.resume(action.reminder_id)
                lead = t.gettext("Resumed #%(id)d.") % {"id": resumed.id}
            case ReminderOp.DELETE:
                gone = await service.delete(action.reminder_id)
                if gone.snooze_of is not None:
                    lead = t.gettext("Snooze cancelled.")
                else:
                    lead = t.gettext("Deleted #%(id)d. Undo brings it back for a minute.") % {
                        "id": gone.id
                    }
                    undo = gone.id
    except ReminderRefused as exc:
        await ctx.replier.notice(exc.said(t))
        return
    await ctx.answer_in_place(await list_reply(ctx, lead, undo=undo))


async def on_undo(ctx: Context, action: UndoDelete) -> None:
    try:
        back = await ctx.services.reminders.undo_delete(action.reminder_id)
    except ReminderRefused as exc:
        await ctx.replier.notice(exc.said(ctx.t))
        return
    await ctx.answer_in_place(
        await list_reply(ctx, ctx.t.gettext("#%(id)d is back.") % {"id": back.id})
    )


async def _shown_again(ctx: Context, delivery_id: int, added: str) -> Reply:
    """The reminder message as it was, without buttons, with `added` below."""
    occurrence = await ctx.services.reminders.occurrence(delivery_id)
    if occurrence is None:
        return say(added)
    shown = await shown_again(ctx.services.routines, ctx.content, occurrence)
    return ReplyBuilder().add(*shown.blocks, note(added)).build()


async def on_done(ctx: Context, action: ReminderDone) -> None:
    try:
        first = await ctx.services.reminders.done(ctx.user, action.delivery_id)
    except ReminderRefused as exc:
        await ctx.replier.notice(exc.said(ctx.t))
        return
    t = ctx.t
    occurrence = await ctx.services.reminders.occurrence(action.delivery_id)
    if (occurrence is not None and occurrence.shared) or not first:
        await ctx.replier.notice(
            t.gettext("Logged. Nice work.") if first else t.gettext("Already logged.")
        )
        return
    shown = await _shown_again(ctx, action.delivery_id, t.gettext("Done. Nice work, that counts."))
    await ctx.answer_in_place(await checkins.offer_after_done(ctx, action.delivery_id, shown))


async def on_snooze(ctx: Context, action: SnoozeReminder) -> None:
    try:
        at = await ctx.services.reminders.snooze(action.delivery_id)
    except ReminderRefused as exc:
        await ctx.replier.notice(exc.said(ctx.t))
        return
    occurrence = await ctx.services.reminders.occurrence(action.delivery_id)
    zone = occurrence.zone if occurrence else None
    until = Moment(at, f"{at.astimezone(zone):%H:%M}")  # minutes away: the time says it all
    added = line_of(ctx.t.gettext("Snoozed until %(moment)s. /reminders shows it."), moment=until)
    await ctx.answer_in_place(await _shown_again(ctx, action.delivery_id, added))


async def on_stop(ctx: Context, action: StopReminder) -> None:
    try:
        paused = await ctx.services.reminders.pause(action.reminder_id)
    except ReminderRefused as exc:
        await ctx.replier.notice(exc.said(ctx.t))
        return
    t = ctx.t
    when = schedule_text(paused.schedule, paused.zone, t)
    await ctx.answer_in_place(
        say(
            t.gettext("Paused: %(reminder)s, %(when)s.")
            % {"reminder": label(ctx.content, paused), "when": when},
            t.gettext("/reminders resumes or changes them."),
        )
    )
