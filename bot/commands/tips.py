"""/tip: share, browse, thank, report and moderate community tips; tip of the day settings."""

from __future__ import annotations

import re

from bot.actions import (
    AnotherTip,
    DecideTip,
    Decision,
    DeleteTip,
    ReviewTips,
    SetModeration,
    SetTipOfTheDay,
    VoteKind,
    VoteTip,
    button,
    parse_id,
)
from bot.commands.spec import CommandSpec
from bot.context import Context
from bot.messages import ButtonStyle, Reply, ReplyBuilder, bullets, note, say, text
from bot.reminders.parse import ParseError, parse_time
from bot.storage.tips import TipStatus
from bot.text import shorten
from bot.tips.messages import NOT_ADVICE, queue_reply, tip_block, tips_reply
from bot.tips.rules import MAX_CHARS, TipRefused

_AREA = re.compile(r"\barea:\s*(\S+)", re.IGNORECASE)
_DECISIONS = {"approve": Decision.APPROVE, "reject": Decision.REJECT, "remove": Decision.REMOVE}
_STATUS = {
    Decision.APPROVE: TipStatus.APPROVED,
    Decision.REJECT: TipStatus.REJECTED,
    Decision.REMOVE: TipStatus.REMOVED,
}
_DONE = {Decision.APPROVE: "Approved", Decision.REJECT: "Rejected", Decision.REMOVE: "Removed"}


def usage(spec: CommandSpec) -> Reply:
    """How to use /tip, from its subcommands in the command table (one source for both)."""
    lines = [
        f"/tip {sub.name}{' ' + sub.usage if sub.usage else ''}: {sub.description}"
        for sub in spec.subcommands
    ]
    return ReplyBuilder().add(bullets(lines, title="Tips:"), note(NOT_ADVICE)).build()


async def tip(ctx: Context) -> None:
    words = ctx.args.strip()
    sub, _, rest = words.partition(" ")
    sub = sub.lower()
    rest = rest.strip()
    try:
        match sub:
            case "" | "help":
                await ctx.answer(usage(ctx.spec))
            case "share" | "add":
                await _share(ctx, rest)
            case "random" | "top":
                await _browse(ctx, order=sub)
            case "area" | "for":
                await _browse_area(ctx, rest)
            case "mine":
                await _mine(ctx)
            case "pending" | "queue" | "review":
                await ctx.perform(ReviewTips())
            case "approve" | "reject" | "remove":
                tip_id = parse_id(rest)
                if tip_id is None:
                    await ctx.answer(say(f"Which tip? /tip {sub} <number> (the # shown with it)."))
                    return
                await ctx.perform(DecideTip(_DECISIONS[sub], tip_id))
            case "delete":
                tip_id = parse_id(rest)
                if tip_id is None:
                    await ctx.answer(say("Which tip? /tip delete <number>; /tip mine lists yours."))
                    return
                await ctx.perform(DeleteTip(tip_id))
            case "moderation":
                said = rest.lower()
                if said not in ("on", "off"):
                    await ctx.answer(
                        say(
                            "/tip moderation on (tips wait for a moderator) or /tip moderation off."
                        )
                    )
                    return
                await ctx.perform(SetModeration(said == "on"))
            case "daily" | "tipoftheday" | "of":
                await ctx.perform(SetTipOfTheDay(rest.lower().removeprefix("the day").strip()))
            case _ if len(words) >= 15:  # "/tip a tennis ball in a sock ..." means sharing it
                await _share(ctx, words)
            case _:
                lead = text(f"I don't know /tip {shorten(sub, 20)}.")
                await ctx.answer(ReplyBuilder().add(lead, *usage(ctx.spec).blocks).build())
    except TipRefused as exc:
        await ctx.answer(say(str(exc)))


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
        await ctx.answer(say(f"Write your tip after /tip share (up to {MAX_CHARS} characters)."))
        return
    shared = await ctx.services.tips.share(ctx.user, ctx.chat, body, area)
    if shared.waits_for_moderator:
        lead = text(
            "Thank you for sharing! Your tip waits for a moderator; once approved, "
            "others see it in /tip random and under /knot."
        )
        await ctx.answer(ReplyBuilder().add(lead, tip_block(ctx.content, shared.tip)).build())
        return
    await ctx.answer(
        tips_reply(ctx.content, [shared.tip], "Shared, thank you! Here it is:", votes=True)
    )


async def _browse(ctx: Context, order: str) -> None:
    limit = 1 if order == "random" else 3
    found = await ctx.services.tips.visible(ctx.chat, order=order, limit=limit)
    if not found:
        await ctx.answer(say("No tips here yet. Share one with /tip share <your tip>."))
        return
    if ctx.chat.is_community:
        lead = "A tip from this community:" if order == "random" else "The most thanked tips here:"
    elif order == "random":
        lead = "A tip from the knotbot community:"
    else:
        lead = "Tips from the knotbot community:"
    await ctx.answer(tips_reply(ctx.content, found, lead, votes=ctx.chat.is_community))


async def _browse_area(ctx: Context, said: str) -> None:
    found = ctx.content.find_area(ctx.options.get("area") or said)
    if found.match is None:
        known = ", ".join(a.id for a in ctx.content.areas)
        await ctx.answer(say(f"Which spot? /tip area upper-back (or one of {known})."))
        return
    area = found.match
    tips = await ctx.services.tips.visible(ctx.chat, order="top", area=area.id, limit=3)
    if not tips:
        await ctx.answer(
            say(
                f"No tips for the {area.name.lower()} yet. "
                f"Share yours with /tip share ... area:{area.id}"
            )
        )
        return
    lead = f"Tips for the {area.name.lower()}:"
    await ctx.answer(tips_reply(ctx.content, tips, lead, votes=ctx.chat.is_community))


async def _mine(ctx: Context) -> None:
    tips = await ctx.services.tips.mine(ctx.user, ctx.chat)
    if not tips:
        await ctx.answer(say("You haven't shared a tip here yet: /tip share <your tip>."))
        return
    builder = ReplyBuilder().add(text("Your tips here:"))
    for found in tips[:5]:
        builder.add(tip_block(ctx.content, found), note(f"#{found.id}: {found.status}"))
        builder.row(button(f"Delete #{found.id}", DeleteTip(found.id), ButtonStyle.DANGER))
    await ctx.answer(builder.build())


# -- requests, checked by bot.access before they run --------------------------------------


async def on_review(ctx: Context, request: ReviewTips) -> None:
    await ctx.answer(queue_reply(ctx.content, await ctx.services.tips.waiting(ctx.chat)))


async def on_moderation(ctx: Context, request: SetModeration) -> None:
    await ctx.services.tips.set_moderation(ctx.chat, request.on)
    if request.on:
        await ctx.answer(say("Moderation is on: new tips wait for a moderator (/tip pending)."))
    else:
        await ctx.answer(
            say("Moderation is off: new tips show at once. Reports still hide a tip for review.")
        )


async def on_tip_of_the_day(ctx: Context, request: SetTipOfTheDay) -> None:
    said = request.words
    if said in ("off", "stop", "none"):
        await ctx.services.tips.set_tip_of_the_day(ctx.user, ctx.chat, None)
        await ctx.answer(say("The tip of the day is off."))
        return
    try:
        at = parse_time(said.removeprefix("at").strip() or "x")
    except ParseError:
        await ctx.answer(
            say(
                "At what time? /tip daily 09:00 (in this community's time zone), or /tip daily off."
            )
        )
        return
    zone, _ = await ctx.services.tips.set_tip_of_the_day(ctx.user, ctx.chat, at)
    await ctx.answer(
        say(
            f"A tip of the day will be posted here every day at {at:%H:%M} ({zone.key}).",
            "Moderators change the zone with /timezone here <zone>.",
        )
    )


async def on_vote(ctx: Context, action: VoteTip) -> None:
    try:
        found, counted = await ctx.services.tips.vote(ctx.user, action.tip_id, action.kind)
    except TipRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    if action.kind is VoteKind.THANKS:
        said = (
            f"Thanks sent ({found.thanks} so far)." if counted else "You already thanked this tip."
        )
    else:
        said = (
            "Reported; moderators will take a look."
            if counted
            else "You already reported this tip."
        )
    await ctx.replier.notice(said)


async def on_decide(ctx: Context, action: DecideTip) -> None:
    service = ctx.services.tips
    try:
        await service.decide(action.tip_id, _STATUS[action.decision])
    except TipRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    done = f"{_DONE[action.decision]} tip #{action.tip_id}."
    if ctx.pressed is None:  # typed: /tip approve 5
        await ctx.answer(say(done))
        return
    waiting = await service.waiting(ctx.chat)
    if not waiting:
        await ctx.answer_in_place(say(f"{done} No more tips are waiting."))
        return
    refreshed = queue_reply(ctx.content, waiting)
    await ctx.answer_in_place(Reply((text(done), *refreshed.blocks), refreshed.buttons))


async def on_delete(ctx: Context, action: DeleteTip) -> None:
    try:
        await ctx.services.tips.delete_own(action.tip_id)
    except TipRefused as exc:
        await ctx.replier.notice(str(exc))
        return
    await ctx.answer_in_place(say(f"Deleted your tip #{action.tip_id}."))


async def on_another(ctx: Context, action: AnotherTip) -> None:
    try:
        await _browse(ctx, order="random")
    except TipRefused as exc:
        await ctx.answer(say(str(exc)))
