"""/checkins on|off, and the 0-10 taps: before and after a hold, after a reminder's Done.

Never nagging: a hold asks "before" on its first round's frames, and "after" in its closing
frame only where a "before" was given; Done on a reminder asks only people who said
/checkins on or have answered one before. Every tap is optional and counted once.
"""

from __future__ import annotations

from bot.actions import SKIP, TenseHold, TenseReminder, When
from bot.context import Context
from bot.holds import answers, messages
from bot.holds.messages import ASK_AFTER, CHECK_INS_OFF, tension_rows
from bot.i18n import N_
from bot.i18n.words import on_or_off
from bot.messages import Reply, ReplyBuilder, note, say, text
from bot.reminders.messages import reminder_reply
from bot.storage.holds import HoldStatus

_OLD_BUTTON = N_("That button is from an older version of me; try /help.")
_ALREADY = N_("Already noted.")


async def checkins(ctx: Context) -> None:
    """`/checkins on`, `/checkins off`, or just `/checkins` to see which."""
    word = on_or_off(ctx.args)
    now = ctx.services.clock.now()
    t = ctx.t
    if word not in ("on", "off"):
        async with ctx.services.db.transaction() as tx:
            row = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        off = row is not None and row.check_ins is False
        await ctx.answer(
            say(
                t.gettext(
                    "Check-ins are off: a hold asks how tense the spot was before it and how "
                    "it is after (0\u201310), one optional tap each."
                )
                if off
                else t.gettext(
                    "Check-ins are on: a hold asks how tense the spot was before it and how "
                    "it is after (0\u201310), one optional tap each."
                ),
                t.gettext("/checkins off stops them; /checkins on starts them again."),
            )
        )
        return
    on = word == "on"
    async with ctx.services.db.transaction() as tx:
        row = await tx.users.ensure(ctx.user, now)
        await tx.check_ins.set_wanted(row, on)
    if on:
        await ctx.answer(
            say(
                t.gettext(
                    "Check-ins are on: before and after a hold, and after Done on a reminder, "
                    "one optional tap: how tense is it, 0\u201310?"
                ),
                t.gettext(
                    "/progress then shows, per technique and spot, the average before \u2192 after."
                ),
            )
        )
    else:
        await ctx.answer(
            say(t.gettext("Check-ins are off: no more 0\u201310 questions. /checkins on."))
        )


def _known(raw: int) -> bool:
    """0..10 or Skip: the values my buttons carry (ids are client input)."""
    return raw == SKIP or 0 <= raw <= 10


async def on_tense_hold(ctx: Context, action: TenseHold) -> None:
    """A tap on a hold's message; it only ever records the presser's own hold."""
    if not _known(action.value):
        await ctx.replier.notice(ctx.t.gettext(_OLD_BUTTON))
        return
    value = None if action.value == SKIP else action.value
    if action.when is When.BEFORE:
        await _before(ctx, action.hold_id, value)
    else:
        await _after(ctx, action.hold_id, value)


async def _before(ctx: Context, hold_id: int, value: int | None) -> None:
    holds = ctx.services.holds
    running = holds.get(hold_id)
    if running is None:
        await ctx.replier.notice(ctx.t.gettext("This hold has already ended."))
        return
    if (running.user.platform, running.user.user_id) != (ctx.user.platform, ctx.user.user_id):
        await ctx.replier.notice(ctx.t.gettext("That question is for the person holding."))
        return
    if value is not None:
        now = ctx.services.clock.now()
        async with ctx.services.db.transaction() as tx:
            row = await tx.users.ensure(ctx.user, now)
            stored = await tx.check_ins.before_hold(hold_id, row.id, value, now)
        if not stored:
            await ctx.replier.notice(ctx.t.gettext(_ALREADY))
            return
    holds.note_before(hold_id, value)
    await ctx.replier.notice(answers.before_noted(value, ctx.t))


async def _after(ctx: Context, hold_id: int, value: int | None) -> None:
    now = ctx.services.clock.now()
    async with ctx.services.db.transaction() as tx:
        row = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        hold = await tx.holds.get(hold_id)
        if row is None or hold is None or hold.user_id != row.id:
            await ctx.replier.notice(ctx.t.gettext("That question is for the person who held."))
            return
        noted = None
        if value is not None:
            noted = await tx.check_ins.after_hold(hold_id, row.id, value, now)
        found = noted or await tx.check_ins.of_hold(hold_id)
    if value is not None and noted is None:
        await ctx.replier.notice(ctx.t.gettext(_ALREADY))
        return
    technique = ctx.content.technique(hold.technique_id)
    area = ctx.content.area(hold.area_id)
    if technique is None or area is None:
        said = N_("Noted.") if value is not None else N_("No check-in this time.")
        await ctx.answer_in_place(say(ctx.t.gettext(said)))
        return
    reply = messages.checked_in_frame(
        technique,
        area,
        completed=hold.status == HoldStatus.COMPLETED,
        rounds_done=hold.rounds_done,
        rounds_planned=hold.rounds_planned,
        before=found.tension_before if found else None,
        after=value,
        t=ctx.t,
    )
    await ctx.answer_in_place(reply)


async def offer_after_done(ctx: Context, delivery_id: int, shown: Reply) -> Reply:
    """`shown` (a reminder just marked done) with "How tense is it now?", where wanted."""
    async with ctx.services.db.transaction() as tx:
        row = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        wanted = row is not None and await tx.check_ins.wanted(row)
    if not wanted:
        return shown
    t = ctx.t
    builder = ReplyBuilder().add(
        *shown.blocks, text(t.gettext(ASK_AFTER)), note(t.gettext(CHECK_INS_OFF))
    )
    for row_of_taps in tension_rows(lambda v: TenseReminder(delivery_id, v), t.gettext("Skip")):
        builder.row(*row_of_taps)
    return builder.build()


async def on_tense_reminder(ctx: Context, action: TenseReminder) -> None:
    """A tap after Done on one's own reminder (bot.access: only its owner)."""
    t = ctx.t
    if not _known(action.value):
        await ctx.replier.notice(t.gettext(_OLD_BUTTON))
        return
    value = None if action.value == SKIP else action.value
    occurrence = await ctx.services.reminders.occurrence(action.delivery_id)
    if value is not None:
        now = ctx.services.clock.now()
        kind = occurrence.kind if occurrence else "relax"
        async with ctx.services.db.transaction() as tx:
            row = await tx.users.ensure(ctx.user, now)
            stored = await tx.check_ins.after_done(action.delivery_id, row.id, kind, value, now)
        if not stored:
            await ctx.replier.notice(t.gettext(_ALREADY))
            return
    added = t.gettext("Done. Nice work, that counts.")
    if value is not None:
        added = t.gettext("Done. Noted: %(value)d of 10. /progress shows how it goes.") % {
            "value": value
        }
    if occurrence is None:
        await ctx.answer_in_place(say(added))
        return
    shown = reminder_reply(ctx.content, occurrence)
    await ctx.answer_in_place(ReplyBuilder().add(*shown.blocks, note(added)).build())
