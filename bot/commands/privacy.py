"""/export and /forget: a person's data is theirs to take or to have deleted."""

from __future__ import annotations

import json

from bot.actions import Forget, ForgetChoice, button
from bot.context import Context
from bot.messages import Attachment, ButtonStyle, Reply, ReplyBuilder, bullets, note, say, text


async def export(ctx: Context) -> None:
    now = ctx.services.clock.now()
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        data = await tx.personal.export(user) if user else None
    t = ctx.t
    if data is None:
        await ctx.answer(say(t.gettext("I store nothing about you yet.")))
        return
    data["exported_at"] = now.isoformat()
    payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
    reply = (
        ReplyBuilder()
        .add(
            text(t.gettext("Everything I store about you, as a JSON file.")),
            note(t.gettext("/forget deletes it all.")),
        )
        .build()
    )
    await ctx.answer(
        Reply(
            reply.blocks, attachment=Attachment("knotbot-export.json", payload, "application/json")
        )
    )


async def forget(ctx: Context) -> None:
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        counts = await tx.personal.counts(user) if user else None
    t = ctx.t
    if counts is None:
        await ctx.answer(
            say(t.gettext("I store nothing about you, so there is nothing to forget."))
        )
        return
    builder = ReplyBuilder().add(
        text(t.gettext("This deletes everything I store about you, and it cannot be undone:")),
        bullets(
            [
                t.gettext("%(count)d reminder(s), your time zone and quiet time")
                % {"count": counts["reminders"]},
                t.gettext("the history of your %(count)d guided hold(s)")
                % {"count": counts["holds"]},
                t.gettext("your %(count)d own routine(s)") % {"count": counts.get("routines", 0)},
                t.gettext("the reminders you marked done"),
                t.gettext("your thanks and reports on tips"),
            ]
        ),
    )
    tips = counts["tips"]
    if tips:
        builder.add(
            text(
                t.gettext(
                    "You shared %(count)d tip(s) in communities. "
                    "Keep them without your name, or delete them?"
                )
                % {"count": tips}
            )
        )
        keep = Forget(ForgetChoice.KEEP_TIPS)
        builder.row(
            button(t.gettext("Forget me, keep my tips anonymously"), keep, ButtonStyle.DANGER)
        )
        delete = Forget(ForgetChoice.DELETE_TIPS)
        builder.row(button(t.gettext("Forget me and delete my tips"), delete, ButtonStyle.DANGER))
    else:
        builder.row(
            button(t.gettext("Forget me"), Forget(ForgetChoice.DELETE_TIPS), ButtonStyle.DANGER)
        )
    builder.row(button(t.gettext("Cancel"), Forget(ForgetChoice.CANCEL)))
    await ctx.answer(builder.build())


async def on_forget_button(ctx: Context, action: Forget) -> None:
    t = ctx.t
    if action.choice is ForgetChoice.CANCEL:
        await ctx.answer_in_place(say(t.gettext("Nothing was deleted.")))
        return
    holds = ctx.services.holds
    for running in holds.running_for(ctx.user):  # their history is about to go
        await holds.stop(running)
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        if user is not None:
            await tx.personal.forget(user, keep_tips=action.choice is ForgetChoice.KEEP_TIPS)
    forgotten = (
        t.gettext(
            "Done: I have forgotten you. Your tips stay, credited to \u201ca former member\u201d."
        )
        if action.choice is ForgetChoice.KEEP_TIPS
        else t.gettext("Done: I have forgotten you.")
    )
    await ctx.answer_in_place(
        say(forgotten, t.gettext("If you talk to me again, I start from nothing."))
    )
