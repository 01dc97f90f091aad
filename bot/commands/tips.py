"""/tip: share, browse, thank, report and moderate community tips; tip of the day settings."""

from __future__ import annotations

import re

from bot import actions
from bot.actions import parse_id
from bot.context import Context
from bot.messages import Button, ButtonStyle, Reply, ReplyBuilder, bullets, note, text
from bot.reminders.parse import ParseError, parse_time
from bot.storage.tips import TipStatus
from bot.text import shorten
from bot.tips.messages import NOT_ADVICE, queue_reply, tip_block, tips_reply
from bot.tips.rules import MAX_CHARS, TipRefused

USAGE = (
    f"/tip share <your tip> (up to {MAX_CHARS} characters; "
    "add area:upper-back if it is for one spot)",
    "/tip random, /tip top, /tip area <spot>",
    "/tip mine: your tips, to delete one",
    "Moderators: /tip pending, /tip remove <number>, /tip moderation on|off, "
    "/tip daily 09:00 (a tip of the day in this channel) or /tip daily off",
)
_AREA = re.compile(r"\barea:\s*(\S+)", re.IGNORECASE)


def _say(*lines: str) -> Reply:
    return ReplyBuilder().add(text(*lines)).build()


def _number(word: str) -> int | None:
    return parse_id(word)


async def tip(ctx: Context) -> None:
    words = ctx.args.strip()
    sub, _, rest = words.partition(" ")
    sub = sub.lower()
    try:
        match sub:
            case "" | "help":
                await ctx.answer(
                    ReplyBuilder().add(bullets(USAGE, title="Tips:"), note(NOT_ADVICE)).build()
                )
            case "share" | "add":
                await _share(ctx, rest)
            case "random" | "top":
                await _browse(ctx, order=sub)
            case "area" | "for":
                await _browse_area(ctx, rest)
            case "mine":
                await _mine(ctx)
            case "pending" | "queue" | "review":
                await ctx.answer(
                    queue_reply(ctx.content, await ctx.services.tips.waiting(ctx.user, ctx.chat))
                )
            case "approve" | "reject" | "remove":
                await _decide(ctx, sub, _number(rest.strip()))
            case "delete":
                await _delete(ctx, _number(rest.strip()))
            case "moderation":
                await _moderation(ctx, rest.strip().lower())
            case "daily" | "tipoftheday" | "of":
                await _daily(ctx, rest.strip().lower().removeprefix("the day").strip())
            case _ if len(words) >= 15:  # "/tip a tennis ball in a sock ..." means sharing it
                await _share(ctx, words)
            case _:
                await ctx.answer(
                    ReplyBuilder()
                    .add(
                        text(f"I don't know /tip {shorten(sub, 20)}."),
                        bullets(USAGE, title="Tips:"),
                    )
                    .build()
                )
    except TipRefused as exc:
        await ctx.answer(_say(str(exc)))


def _area_of(ctx: Context, said: str) -> tuple[str, str | None]:
    """Split `area:upper-back` (or the platform's area option) from the tip text."""
    option = ctx.options.get("area", "").strip()
    match = _AREA.search(said)
    if match:
        option = option or match.group(1)
        said = (said[: match.start()] + said[match.end() :]).strip()
    if not option:
        return said, None
    found = ctx.content.find_area(option)
    if found.match is None:
        known = ", ".join(a.id for a in ctx.content.areas)
        raise TipRefused(
            f"I don't know the spot \u201c{shorten(option, 30)}\u201d; "
            f"use one of {known}, or leave it out."
        )
    return said, found.match.id


async def _share(ctx: Context, said: str) -> None:
    body, area = _area_of(ctx, said)
    if not body.strip():
        await ctx.answer(_say(f"Write your tip after /tip share (up to {MAX_CHARS} characters)."))
        return
    shared = await ctx.services.tips.share(ctx.user, ctx.chat, body, area)
    if shared.waits_for_moderator:
        await ctx.answer(
            ReplyBuilder()
            .add(
                text(
                    "Thank you for sharing! Your tip waits for a moderator; once approved, "
                    "others see it in /tip random and under /knot."
                ),
                tip_block(ctx.content, shared.tip),
            )
            .build()
        )
        return
    await ctx.answer(
        tips_reply(ctx.content, [shared.tip], "Shared, thank you! Here it is:", votes=True)
    )


async def _browse(ctx: Context, order: str) -> None:
    found = await ctx.services.tips.visible(
        ctx.chat, order=order, limit=1 if order == "random" else 3
    )
    if not found:
        await ctx.answer(_say("No tips here yet. Share one with /tip share <your tip>."))
        return
    lead = "A tip from this community:" if order == "random" else "The most thanked tips here:"
    if not ctx.chat.is_community:
        lead = (
            "A tip from the knotbot community:"
            if order == "random"
            else "Tips from the knotbot community:"
        )
    await ctx.answer(tips_reply(ctx.content, found, lead, votes=ctx.chat.is_community))


async def _browse_area(ctx: Context, said: str) -> None:
    found = ctx.content.find_area(ctx.options.get("area") or said)
    if found.match is None:
        known = ", ".join(a.id for a in ctx.content.areas)
        await ctx.answer(_say(f"Which spot? /tip area upper-back (or one of {known})."))
        return
    tips = await ctx.services.tips.visible(ctx.chat, order="top", area=found.match.id, limit=3)
    if not tips:
        await ctx.answer(
            _say(
                f"No tips for the {found.match.name.lower()} yet. "
                f"Share yours with /tip share ... area:{found.match.id}"
            )
        )
        return
    await ctx.answer(
        tips_reply(
            ctx.content,
            tips,
            f"Tips for the {found.match.name.lower()}:",
            votes=ctx.chat.is_community,
        )
    )


async def _mine(ctx: Context) -> None:
    tips = await ctx.services.tips.mine(ctx.user, ctx.chat)
    if not tips:
        await ctx.answer(_say("You haven't shared a tip here yet: /tip share <your tip>."))
        return
    builder = ReplyBuilder().add(text("Your tips here:"))
    for found in tips[:5]:
        builder.add(tip_block(ctx.content, found), note(f"#{found.id}: {found.status}"))
        builder.row(
            Button(
                f"Delete #{found.id}",
                actions.make(actions.TIP_DELETE, found.id),
                ButtonStyle.DANGER,
            )
        )
    await ctx.answer(builder.build())


_DECISIONS = {
    "approve": TipStatus.APPROVED,
    "reject": TipStatus.REJECTED,
    "remove": TipStatus.REMOVED,
}
_DONE = {"approve": "Approved", "reject": "Rejected", "remove": "Removed"}


async def _decide(ctx: Context, what: str, tip_id: int | None) -> None:
    if tip_id is None:
        await ctx.answer(_say(f"Which tip? /tip {what} <number> (the # shown with it)."))
        return
    await ctx.services.tips.decide(ctx.user, ctx.chat, tip_id, _DECISIONS[what])
    await ctx.answer(_say(f"{_DONE[what]} tip #{tip_id}."))


async def _delete(ctx: Context, tip_id: int | None) -> None:
    if tip_id is None:
        await ctx.answer(_say("Which tip? /tip delete <number>; /tip mine lists yours."))
        return
    await ctx.services.tips.delete_own(ctx.user, ctx.chat, tip_id)
    await ctx.answer(_say(f"Deleted your tip #{tip_id}."))


async def _moderation(ctx: Context, said: str) -> None:
    if said not in ("on", "off"):
        await ctx.answer(
            _say("/tip moderation on (tips wait for a moderator) or /tip moderation off.")
        )
        return
    await ctx.services.tips.set_moderation(ctx.user, ctx.chat, said == "on")
    if said == "on":
        await ctx.answer(_say("Moderation is on: new tips wait for a moderator (/tip pending)."))
    else:
        await ctx.answer(
            _say("Moderation is off: new tips show at once. Reports still hide a tip for review.")
        )


async def _daily(ctx: Context, said: str) -> None:
    if said in ("off", "stop", "none"):
        await ctx.services.tips.set_tip_of_the_day(ctx.user, ctx.chat, None)
        await ctx.answer(_say("The tip of the day is off."))
        return
    try:
        at = parse_time(said.removeprefix("at").strip() or "x")
    except ParseError:
        await ctx.answer(
            _say(
                "At what time? /tip daily 09:00 (in this community's time zone), or /tip daily off."
            )
        )
        return
    zone, _ = await ctx.services.tips.set_tip_of_the_day(ctx.user, ctx.chat, at)
    ctx.services.reminders.wake(ctx.chat.platform)
    await ctx.answer(
        _say(
            f"A tip of the day will be posted here every day at {at:%H:%M} ({zone.key}).",
            "Moderators change the zone with /timezone here <zone>.",
        )
    )


async def on_tip_button(ctx: Context, action: actions.Action) -> None:
    service = ctx.services.tips
    if action.verb == actions.TIP_MORE:
        await _browse(ctx, order="random")
        return
    tip_id = _number(action.arg(0))
    if tip_id is None:
        await ctx.replier.notice("That tip is gone.")
        return
    try:
        if action.verb == actions.TIP_THANKS:
            found, counted = await service.vote(ctx.user, ctx.chat, tip_id, "thanks")
            await ctx.replier.notice(
                f"Thanks sent ({found.thanks} so far)."
                if counted
                else "You already thanked this tip."
            )
        elif action.verb == actions.TIP_REPORT:
            _, counted = await service.vote(ctx.user, ctx.chat, tip_id, "report")
            await ctx.replier.notice(
                "Reported; moderators will take a look."
                if counted
                else "You already reported this tip."
            )
        elif action.verb == actions.TIP_DELETE:
            await service.delete_own(ctx.user, ctx.chat, tip_id)
            await ctx.answer_in_place(_say(f"Deleted your tip #{tip_id}."))
        else:
            what = {actions.TIP_APPROVE: "approve", actions.TIP_REJECT: "reject"}.get(
                action.verb, "remove"
            )
            await service.decide(ctx.user, ctx.chat, tip_id, _DECISIONS[what])
            waiting = await service.waiting(ctx.user, ctx.chat)
            refreshed = queue_reply(ctx.content, waiting)
            if not waiting:
                await ctx.answer_in_place(
                    _say(f"{_DONE[what]} tip #{tip_id}. No more tips are waiting.")
                )
                return
            lead = text(f"{_DONE[what]} tip #{tip_id}.")
            await ctx.answer_in_place(Reply((lead, *refreshed.blocks), refreshed.buttons))
    except TipRefused as exc:
        await ctx.replier.notice(str(exc))
