"""/export and /forget: a person's data is theirs to take or to have deleted."""

from __future__ import annotations

import json

from bot import actions
from bot.context import Context
from bot.messages import Attachment, Button, ButtonStyle, Reply, ReplyBuilder, bullets, note, text

FORGET_KEEP_TIPS = "keep"
FORGET_DELETE_TIPS = "delete"
FORGET_CANCEL = "cancel"


def _say(*lines: str) -> Reply:
    return ReplyBuilder().add(text(*lines)).build()


def _private_only(ctx: Context, what: str) -> Reply | None:
    if ctx.chat.is_community:
        return _say(f"Send me /{what} in a private chat, so that it stays between us.")
    return None


async def export(ctx: Context) -> None:
    if (refusal := _private_only(ctx, "export")) is not None:
        await ctx.answer(refusal)
        return
    now = ctx.services.clock.now()
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        data = await tx.personal.export(user) if user else None
    if data is None:
        await ctx.answer(_say("I store nothing about you yet."))
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
    if (refusal := _private_only(ctx, "forget")) is not None:
        await ctx.answer(refusal)
        return
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        counts = await tx.personal.counts(user) if user else None
    if counts is None:
        await ctx.answer(_say("I store nothing about you, so there is nothing to forget."))
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
        builder.row(
            Button(
                "Forget me, keep my tips anonymously",
                actions.make(actions.FORGET, FORGET_KEEP_TIPS),
                ButtonStyle.DANGER,
            ),
        )
        builder.row(
            Button(
                "Forget me and delete my tips",
                actions.make(actions.FORGET, FORGET_DELETE_TIPS),
                ButtonStyle.DANGER,
            ),
        )
    else:
        builder.row(
            Button(
                "Forget me", actions.make(actions.FORGET, FORGET_DELETE_TIPS), ButtonStyle.DANGER
            )
        )
    builder.row(Button("Cancel", actions.make(actions.FORGET, FORGET_CANCEL)))
    await ctx.answer(builder.build())


async def on_forget_button(ctx: Context, action: actions.Action) -> None:
    choice = action.arg(0)
    if choice not in (FORGET_KEEP_TIPS, FORGET_DELETE_TIPS):
        await ctx.answer_in_place(_say("Nothing was deleted."))
        return
    if ctx.chat.is_community:
        await ctx.replier.notice("Send me /forget in a private chat.")
        return
    running = ctx.services.holds.find(ctx.chat, ctx.user)
    if running is not None:
        running.runner.stop()
        await running.runner.ended.wait()
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        if user is not None:
            await tx.personal.forget(user, keep_tips=choice == FORGET_KEEP_TIPS)
    kept = (
        " Your tips stay, credited to \u201ca former member\u201d."
        if choice == FORGET_KEEP_TIPS
        else ""
    )
    await ctx.answer_in_place(
        _say(f"Done: I have forgotten you.{kept}", "If you talk to me again, I start from nothing.")
    )
