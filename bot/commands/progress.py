"""/progress: a chart of the last four weeks and a one-line summary."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.messages import Attachment, Reply, ReplyBuilder, note, text
from bot.progress import DAYS, chart, collect, summary
from bot.storage.holds import HoldStatus


async def progress(ctx: Context) -> None:
    now = ctx.services.clock.now()
    since = now - timedelta(days=DAYS + 1)
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        holds = list(await tx.holds.history(user.id, since)) if user else []
        dones = list(await tx.reminders.dones_since(user.id, since)) if user else []
    zone = ctx.services.reminders.zone_of(user)
    today = now.astimezone(zone).date()
    done_holds = [
        (h.started_at, h.area_id)
        for h in holds
        if h.rounds_done > 0 or h.status == HoldStatus.COMPLETED
    ]
    found = collect(done_holds, [d.done_at for d in dones], zone, today)
    names = {a.id: a.name for a in ctx.content.areas}
    line = summary(found, names, today)
    if not found.holds and not found.done:
        await ctx.answer(
            ReplyBuilder()
            .add(text(line), note("Nothing to draw yet: try /hold upper-back, or /remind."))
            .build()
        )
        return
    image = Attachment("knotbot-progress.png", chart(found, names), "image/png")
    await ctx.answer(Reply((text(line),), attachment=image))
