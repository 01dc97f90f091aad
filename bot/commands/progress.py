"""/progress: a chart of the last four weeks, a one-line summary, and per technique and spot
the average tension before -> after (from check-ins), where there are pairs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot.content import ContentLibrary
from bot.context import Context
from bot.i18n import translator
from bot.messages import Attachment, Block, Reply, ReplyBuilder, bullets, note, text
from bot.progress import DAYS, chart, collect, relief, relief_line, summary
from bot.routines.model import routine_number
from bot.storage.holds import HoldStatus
from bot.storage.schema import CheckIn


async def progress(ctx: Context) -> None:
    now = ctx.services.clock.now()
    since = now - timedelta(days=DAYS + 1)
    async with ctx.services.db.transaction() as tx:
        user = await tx.users.get(ctx.user.platform, ctx.user.user_id)
        holds = list(await tx.holds.history(user.id, since)) if user else []
        dones = list(await tx.reminders.dones_since(user.id, since)) if user else []
        pairs = list(await tx.check_ins.pairs_since(user.id, since)) if user else []
    zone = ctx.services.reminders.zone_of(user)
    today = now.astimezone(zone).date()
    done_holds = [
        (h.started_at, h.area_id)
        for h in holds
        if h.rounds_done > 0 or h.status == HoldStatus.COMPLETED
    ]
    found = collect(done_holds, [d.done_at for d in dones], zone, today)
    t = ctx.t
    names = {a.id: a.name for a in ctx.content.areas}
    line = summary(found, names, today, t)
    if not found.holds and not found.done:
        await ctx.answer(
            ReplyBuilder()
            .add(
                text(line),
                note(t.gettext("Nothing to draw yet: try /hold upper-back, or /remind.")),
            )
            .build()
        )
        return
    image = Attachment("knotbot-progress.png", chart(found, names, t), "image/png")
    # Their routines by the id their holds carry ("routine-12"), shown by the name they gave.
    routines = {r.technique_id: r.name for r in await ctx.services.routines.mine(ctx.user)}
    relief_blocks = _relief(ctx.content, pairs, routines)
    await ctx.answer(Reply((text(line), *relief_blocks), attachment=image))


def _title(content: ContentLibrary, technique_id: str, routines: Mapping[str, str]) -> str:
    """A technique's title, a routine's name, or (a routine deleted since) "a deleted routine"."""
    technique = content.technique(technique_id)
    if technique is not None:
        return technique.title
    if technique_id in routines:
        return routines[technique_id]
    if routine_number(technique_id) is not None:
        return translator(content.language).gettext("a deleted routine")
    return technique_id


def _relief(
    content: ContentLibrary, pairs: list[CheckIn], routines: Mapping[str, str]
) -> tuple[Block, ...]:
    """How tense before -> after, per technique (or routine) and spot (nothing without pairs)."""
    found = relief(
        (c.technique_id, c.area_id or "", c.tension_before, c.tension_after)
        for c in pairs
        if c.tension_before is not None and c.tension_after is not None
    )
    if not found:
        return ()
    t = translator(content.language)
    lines = []
    for r in found:
        area = content.area(r.area)
        title = _title(content, r.technique, routines)
        lines.append(relief_line(r, title, area.name if area else r.area, t))
    return (bullets(lines, title=t.gettext("How tense, 0\u201310, before \u2192 after a hold:")),)
