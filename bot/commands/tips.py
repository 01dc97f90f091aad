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
from bot.i18n import N_, Translator
from bot.i18n.words import on_or_off, spot_in_a_sentence
from bot.messages import ButtonStyle, Reply, ReplyBuilder, bullets, note, say, text
from bot.reminders.parse import ParseError, parse_time
from bot.reminders.wordings import plain_english
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
_DONE = {
    Decision.APPROVE: N_("Approved tip #%(id)d."),
    Decision.REJECT: N_("Rejected tip #%(id)d."),
    Decision.REMOVE: N_("Removed tip #%(id)d."),
}
# A tip's status as /tip mine shows it.
_STATUS_SAID = {
    TipStatus.PENDING: N_("pending"),
    TipStatus.APPROVED: N_("approved"),
    TipStatus.REJECTED: N_("rejected"),
    TipStatus.REMOVED: N_("removed"),
    TipStatus.HIDDEN: N_("hidden"),
    TipStatus.DELETED: N_("deleted"),
}
# Subcommands as German and Spanish speakers may type them: the English one they mean.
_SUBCOMMANDS = {
    "teilen": "share", "compartir": "share", "zufall": "random", "zufällig": "random",
    "azar": "random", "aleatorio": "random", "beste": "top", "mejores": "top",
    "stelle": "area", "zona": "area", "meine": "mine", "míos": "mine", "mios": "mine",
    "offen": "pending", "pendientes": "pending", "löschen": "delete", "borrar": "delete",
    "täglich": "daily", "diario": "daily", "moderación": "moderation",
}  # fmt: skip
_OFF = {"off", "stop", "none"}


def usage(spec: CommandSpec, t: Translator) -> Reply:
    """How to use /tip, from its subcommands in the command table (one source for both)."""
    lines = [
        f"/tip {sub.name}{' ' + t.gettext(sub.usage) if sub.usage else ''}: "
        f"{t.gettext(sub.description)}"
        for sub in spec.subcommands
    ]
    title = t.gettext("Tips:")
    return ReplyBuilder().add(bullets(lines, title=title), note(t.gettext(NOT_ADVICE))).build()


async def tip(ctx: Context) -> None:
    words = ctx.args.strip()
    sub, _, rest = words.partition(" ")
    sub = sub.lower()
    rest = rest.strip()
    meant = _SUBCOMMANDS.get(sub)
    # "Beste Methode: ..." is a tip to share, not /tip top: only short words follow the others.
    if meant is not None and (meant == "share" or len(rest) <= 30):
        sub = meant
    t = ctx.t
    try:
        match sub:
            case "" | "help" | "hilfe" | "ayuda":
                await ctx.answer(usage(ctx.spec, t))
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
                    await ctx.answer(
                        say(
                            t.gettext("Which tip? /tip %(sub)s <number> (the # shown with it).")
                            % {"sub": sub}
                        )
                    )
                    return
                await ctx.perform(DecideTip(_DECISIONS[sub], tip_id))
            case "delete":
                tip_id = parse_id(rest)
                if tip_id is None:
                    await ctx.answer(
                        say(t.gettext("Which tip? /tip delete <number>; /tip mine lists yours."))
                    )
                    return
                await ctx.perform(DeleteTip(tip_id))
            case "moderation":
                said = on_or_off(rest)
                if said not in ("on", "off"):
                    await ctx.answer(
                        say(
                            t.gettext(
                                "/tip moderation on (tips wait for a moderator) or "
                                "/tip moderation off."
                            )
                        )
                    )
                    return
                await ctx.perform(SetModeration(said == "on"))
            case "daily" | "tipoftheday" | "of":
                said = rest.lower().removeprefix("the day").strip()
                await ctx.perform(SetTipOfTheDay(on_or_off(said) if said else said))
            case _ if len(words) >= 15:  # "/tip a tennis ball in a sock ..." means sharing it
                await _share(ctx, words)
            case _:
                lead = text(t.gettext("I don't know /tip %(sub)s.") % {"sub": shorten(sub, 20)})
                await ctx.answer(ReplyBuilder().add(lead, *usage(ctx.spec, t).blocks).build())
    except TipRefused as exc:
        await ctx.answer(say(exc.said(t)))


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
            N_(
                "I don't know the spot \u201c%(spot)s\u201d; use one of %(known)s, or leave it out."
            ),
            spot=shorten(option, 30),
            known=known,
        )
    return said, found.match.id


async def _share(ctx: Context, said: str) -> None:
    t = ctx.t
    body, area = _area_of(ctx, said)
    if not body.strip():
        await ctx.answer(
            say(
                t.gettext("Write your tip after /tip share (up to %(most)d characters).")
                % {"most": MAX_CHARS}
            )
        )
        return
    shared = await ctx.services.tips.share(ctx.user, ctx.chat, body, area)
    if shared.waits_for_moderator:
        lead = text(
            t.gettext(
                "Thank you for sharing! Your tip waits for a moderator; once approved, "
                "others see it in /tip random and under /knot."
            )
        )
        await ctx.answer(ReplyBuilder().add(lead, tip_block(ctx.content, shared.tip)).build())
        return
    await ctx.answer(
        tips_reply(
            ctx.content, [shared.tip], t.gettext("Shared, thank you! Here it is:"), votes=True
        )
    )


async def _browse(ctx: Context, order: str) -> None:
    t = ctx.t
    limit = 1 if order == "random" else 3
    found = await ctx.services.tips.visible(ctx.chat, order=order, limit=limit)
    if not found:
        await ctx.answer(say(t.gettext("No tips here yet. Share one with /tip share <your tip>.")))
        return
    if ctx.chat.is_community:
        lead = (
            t.gettext("A tip from this community:")
            if order == "random"
            else t.gettext("The most thanked tips here:")
        )
    elif order == "random":
        lead = t.gettext("A tip from the knotbot community:")
    else:
        lead = t.gettext("Tips from the knotbot community:")
    await ctx.answer(tips_reply(ctx.content, found, lead, votes=ctx.chat.is_community))


async def _browse_area(ctx: Context, said: str) -> None:
    t = ctx.t
    found = ctx.content.find_area(ctx.options.get("area") or said)
    if found.match is None:
        known = ", ".join(a.id for a in ctx.content.areas)
        await ctx.answer(
            say(
                t.gettext("Which spot? /tip area upper-back (or one of %(known)s).")
                % {"known": known}
            )
        )
        return
    area = found.match
    spot = spot_in_a_sentence(area.name, t)
    tips = await ctx.services.tips.visible(ctx.chat, order="top", area=area.id, limit=3)
    if not tips:
        await ctx.answer(
            say(
                t.gettext(
                    "No tips for the %(area)s yet. Share yours with /tip share ... area:%(id)s"
                )
                % {"area": spot, "id": area.id}
            )
        )
        return
    lead = t.gettext("Tips for the %(area)s:") % {"area": spot}
    await ctx.answer(tips_reply(ctx.content, tips, lead, votes=ctx.chat.is_community))


async def _mine(ctx: Context) -> None:
    t = ctx.t
    tips = await ctx.services.tips.mine(ctx.user, ctx.chat)
    if not tips:
        await ctx.answer(
            say(t.gettext("You haven't shared a tip here yet: /tip share <your tip>."))
        )
        return
    builder = ReplyBuilder().add(text(t.gettext("Your tips here:")))
    for found in tips[:5]:
        status = t.gettext(_STATUS_SAID.get(found.status, found.status))
        builder.add(tip_block(ctx.content, found), note(f"#{found.id}: {status}"))
        builder.row(
            button(
                t.gettext("Delete #%(id)d") % {"id": found.id},
                DeleteTip(found.id),
                ButtonStyle.DANGER,
            )
        )
    await ctx.answer(builder.build())


# -- requests, checked by bot.access before they run --------------------------------------


async def on_review(ctx: Context, request: ReviewTips) -> None:
    await ctx.answer(queue_reply(ctx.content, await ctx.services.tips.waiting(ctx.chat)))


async def on_moderation(ctx: Context, request: SetModeration) -> None:
    t = ctx.t
    await ctx.services.tips.set_moderation(ctx.chat, request.on)
    if request.on:
        await ctx.answer(
            say(t.gettext("Moderation is on: new tips wait for a moderator (/tip pending)."))
        )
    else:
        await ctx.answer(
            say(
                t.gettext(
                    "Moderation is off: new tips show at once. Reports still hide a tip for review."
                )
            )
        )


async def on_tip_of_the_day(ctx: Context, request: SetTipOfTheDay) -> None:
    t = ctx.t
    said = request.words
    if said in _OFF:
        await ctx.services.tips.set_tip_of_the_day(ctx.user, ctx.chat, None)
        await ctx.answer(say(t.gettext("The tip of the day is off.")))
        return
    try:
        at = parse_time(plain_english(said).removeprefix("at").strip() or "x")
    except ParseError:
        await ctx.answer(
            say(
                t.gettext(
                    "At what time? /tip daily 09:00 (in this community's time zone), "
                    "or /tip daily off."
                )
            )
        )
        return
    zone, _ = await ctx.services.tips.set_tip_of_the_day(ctx.user, ctx.chat, at)
    await ctx.answer(
        say(
            t.gettext("A tip of the day will be posted here every day at %(at)s (%(zone)s).")
            % {"at": f"{at:%H:%M}", "zone": zone.key},
            t.gettext("Moderators change the zone with /timezone here <zone>."),
        )
    )


async def on_vote(ctx: Context, action: VoteTip) -> None:
    t = ctx.t
    try:
        found, counted = await ctx.services.tips.vote(ctx.user, action.tip_id, action.kind)
    except TipRefused as exc:
        await ctx.replier.notice(exc.said(t))
        return
    if action.kind is VoteKind.THANKS:
        said = (
            t.gettext("Thanks sent (%(count)d so far).") % {"count": found.thanks}
            if counted
            else t.gettext("You already thanked this tip.")
        )
    else:
        said = (
            t.gettext("Reported; moderators will take a look.")
            if counted
            else t.gettext("You already reported this tip.")
        )
    await ctx.replier.notice(said)


async def on_decide(ctx: Context, action: DecideTip) -> None:
    t = ctx.t
    service = ctx.services.tips
    try:
        await service.decide(action.tip_id, _STATUS[action.decision])
    except TipRefused as exc:
        await ctx.replier.notice(exc.said(t))
        return
    done = t.gettext(_DONE[action.decision]) % {"id": action.tip_id}
    if ctx.pressed is None:  # typed: /tip approve 5
        await ctx.answer(say(done))
        return
    waiting = await service.waiting(ctx.chat)
    if not waiting:
        no_more = t.gettext("No more tips are waiting.")
        await ctx.answer_in_place(say(f"{done} {no_more}"))
        return
    refreshed = queue_reply(ctx.content, waiting)
    await ctx.answer_in_place(Reply((text(done), *refreshed.blocks), refreshed.buttons))


async def on_delete(ctx: Context, action: DeleteTip) -> None:
    try:
        await ctx.services.tips.delete_own(action.tip_id)
    except TipRefused as exc:
        await ctx.replier.notice(exc.said(ctx.t))
        return
    await ctx.answer_in_place(
        say(ctx.t.gettext("Deleted your tip #%(id)d.") % {"id": action.tip_id})
    )


async def on_another(ctx: Context, action: AnotherTip) -> None:
    try:
        await _browse(ctx, order="random")
    except TipRefused as exc:
        await ctx.answer(say(exc.said(ctx.t)))
