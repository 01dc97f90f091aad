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
    if data is None:
        await ctx.answer(say("I store nothing about you yet."))
        return
    data["exported_at"] = now.isoformat()
    payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
    reply = (
        ReplyBuilder()
        .add(
            text("Everything I store about you, as a JSON file."),
            note("/forget deletes it all."),
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
    if counts is None:
        await ctx.answer(say("I store nothing about you, so there is nothing to forget."))
        return
    builder = ReplyBuilder().add(
        text("This deletes everything I store about you, and it cannot be undone:"),
        bullets(
            [
                f"{counts['reminders']} reminder(s), your time zone and quiet time",
                f"the history of your {counts['holds']} guided hold(s)",
                "the reminders you marked done",
                "your thanks and reports on tips",
            ]
        ),
    )
    tips = counts["tips"]
    if tips:
        builder.add(
            text(
                f"You shared {tips} tip(s) in communities. "
                "Keep them without your name, or delete them?"
            )
        )
        keep = Forget(ForgetChoice.KEEP_TIPS)
        builder.row(button("Forget me, keep my tips anonymously", keep, ButtonStyle.DANGER))
        delete = Forget(ForgetChoice.DELETE_TIPS)
        builder.row(button("Forget me and delete my tips", delete, ButtonStyle.DANGER))
    else:
        builder.row(button("Forget me", Forget(ForgetChoice.DELETE_TIPS), ButtonStyle.DANGER))
    builder.row(button("Cancel", Forget(ForgetChoice.CANCEL)))
    await ctx.answer(builder.build())


async def on_forget_button(ctx: Context, action: Forget) -> None:
    if action.choice is ForgetChoice.CANCEL:
        await ctx.answer_in_place(say("Nothing was deleted."))
        return
    holds = ctx.services.holds
    for running in holds.running_for(ctx.user):  # their history is about to go
        await holds.stop(running)
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        if user is not None:
            await tx.personal.forget(user, keep_tips=action.choice is ForgetChoice.KEEP_TIPS)
    kept = (
        " Your tips stay, credited to \u201ca former member\u201d."
        if action.choice is ForgetChoice.KEEP_TIPS
        else ""
    )
    await ctx.answer_in_place(
        say(f"Done: I have forgotten you.{kept}", "If you talk to me again, I start from nothing.")
    )
