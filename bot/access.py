"""Who may do what, checked in one place before any handler runs.

Every request (a button, or a command acting on something by number) declares a `Rule`, a
`Where` and a `Target` (see `bot.actions`). `check` loads the target, sees whose it is and
which community it belongs to, and compares that with the person acting and the chat they act
in. A moderator is a moderator of the community the event comes from, so a moderator of one
group can never touch another group's reminders or tips with a forged button id.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.actions import (
    DecideTip,
    DeleteTip,
    Request,
    ReviewTips,
    Rule,
    SetCommunityZone,
    SetModeration,
    SetTipOfTheDay,
    ShareReminder,
    Target,
    VoteTip,
    Where,
)
from bot.i18n import N_
from bot.messages import ChatRef

if TYPE_CHECKING:
    from bot.context import Context


class Reason(StrEnum):
    GONE = "gone"  # the target does not exist (any more), or not on this platform
    NOT_YOURS = "not yours"
    NOT_MODERATOR = "not a moderator"
    ELSEWHERE = "elsewhere"  # it belongs to another community
    WRONG_PLACE = "wrong place"  # a private-only action in a group, or the other way round


@dataclass(frozen=True)
class Owned:
    """A target as the rules see it."""

    owner: str | None  # the owner's id on the platform; None: nobody (a former member, curated)
    community: str | None  # the platform id of the community it belongs to; None: personal
    chat: str | None = None  # the chat it is bound to, where that matters (a running hold)


_EVERYONES = N_("Only moderators can change reminders for everyone.")
_SAID: dict[tuple[Target, Reason], str] = {
    (Target.HOLD, Reason.GONE): N_("This hold has already ended."),
    (Target.HOLD, Reason.NOT_YOURS): N_("This is someone else's hold; start your own with /hold."),
    (Target.REMINDER, Reason.NOT_YOURS): N_("That is someone else's reminder."),
    (Target.DELIVERY, Reason.NOT_YOURS): N_("That is someone else's reminder."),
    (Target.REMINDER, Reason.NOT_MODERATOR): _EVERYONES,
    (Target.DELIVERY, Reason.NOT_MODERATOR): _EVERYONES,
    (Target.TIP, Reason.ELSEWHERE): N_("That tip is not in this community."),
    (Target.TIP, Reason.GONE): N_("That tip is not in this community."),
    (Target.ROUTINE, Reason.NOT_YOURS): N_(
        "That is someone else's routine; /routine new makes yours."
    ),
    # Whole sentences, one per thing, so each language can say them its own way.
    (Target.REMINDER, Reason.GONE): N_("That reminder no longer exists."),
    (Target.DELIVERY, Reason.GONE): N_("That reminder no longer exists."),
    (Target.ROUTINE, Reason.GONE): N_("That routine no longer exists."),
    (Target.TIP, Reason.NOT_YOURS): N_("That is someone else's tip."),
    (Target.HOLD, Reason.ELSEWHERE): N_("That hold belongs to another chat."),
    (Target.REMINDER, Reason.ELSEWHERE): N_("That reminder belongs to another chat."),
    (Target.DELIVERY, Reason.ELSEWHERE): N_("That reminder belongs to another chat."),
    (Target.ROUTINE, Reason.ELSEWHERE): N_("That routine belongs to another chat."),
}
# Requests whose refusal says what the request would have done.
_SAID_FOR: dict[tuple[type[Request], Reason], str] = {
    (DecideTip, Reason.NOT_MODERATOR): N_("Only moderators can approve, reject or remove tips."),
    (DeleteTip, Reason.NOT_YOURS): N_("You can only delete your own tips."),
    (VoteTip, Reason.WRONG_PLACE): N_("That tip is not in this community."),
    (ShareReminder, Reason.NOT_MODERATOR): N_(
        "Only moderators can set reminders for everyone here. "
        "I can remind you personally: /remind every 2 hours from 9 to 18."
    ),
    (SetCommunityZone, Reason.NOT_MODERATOR): N_(
        "Only moderators can set the time zone for everyone here."
    ),
    (ReviewTips, Reason.NOT_MODERATOR): N_("Only moderators can see tips waiting for review."),
    (SetModeration, Reason.NOT_MODERATOR): N_("Only moderators can change how tips are moderated."),
    (SetTipOfTheDay, Reason.NOT_MODERATOR): N_("Only moderators can set up the tip of the day."),
}


def refusal(request: Request | type[Request], reason: Reason) -> str:
    """What the person is told; never more than that they may not (no one else's details).
    In English: `Context.refuse` says it in the person's language."""
    kind = request if isinstance(request, type) else type(request)
    said = _SAID_FOR.get((kind, reason)) or _SAID.get((request.target, reason))
    if said:
        return said
    match reason:
        case Reason.GONE:
            return N_("That no longer exists.")
        case Reason.NOT_YOURS:
            return N_("That belongs to someone else.")
        case Reason.ELSEWHERE:
            return N_("That belongs to another chat.")
        case Reason.WRONG_PLACE:
            if request.where is Where.PRIVATE:
                return N_("That works only in a private chat with me.")
            return N_("That works only in a community: a Discord server or Telegram group I'm in.")
        case _:
            return N_("Only moderators can do that here.")


def place_refusal(command: str, where: Where, chat: ChatRef) -> str | None:
    """Why a command may not be used in this chat, if it may not."""
    if where is Where.PRIVATE and chat.is_community:
        return f"Send me /{command} in a private chat, so that it stays between us."
    if where is Where.COMMUNITY and not chat.is_community:
        return f"/{command} works in a community: a Discord server or Telegram group I'm in."
    return None


async def check(ctx: Context, request: Request) -> str | None:
    """None if the person may do `request` here; otherwise what to tell them."""
    reason = await _verdict(ctx, request)
    return None if reason is None else refusal(request, reason)


async def _verdict(ctx: Context, request: Request) -> Reason | None:
    chat, user = ctx.chat, ctx.user
    if request.where is Where.PRIVATE and chat.is_community:
        return Reason.WRONG_PLACE
    if request.where is Where.COMMUNITY and not chat.is_community:
        return Reason.WRONG_PLACE
    if request.target is Target.NONE:
        return None
    owned = await _load(ctx, request)
    if owned is None:
        return Reason.GONE
    here = chat.community_id if chat.is_community else None
    mine = owned.owner == user.user_id and owned.chat in (None, chat.chat_id)
    match request.rule:
        case Rule.ANYONE:
            return None
        case Rule.OWNER:
            return None if mine else Reason.NOT_YOURS
        case Rule.OWNER_OR_MODERATOR | Rule.OWNER_OR_MEMBER if owned.community is None:
            return None if mine else Reason.NOT_YOURS
        case Rule.MEMBER | Rule.OWNER_OR_MEMBER:
            return None if here is not None and here == owned.community else Reason.ELSEWHERE
        case Rule.MODERATOR | Rule.OWNER_OR_MODERATOR:
            if owned.community is None or here != owned.community:
                return Reason.ELSEWHERE
            return None if user.is_moderator else Reason.NOT_MODERATOR
    return Reason.NOT_YOURS  # a rule this function does not know refuses


async def _load(ctx: Context, request: Request) -> Owned | None:
    platform = ctx.chat.platform
    if request.target is Target.CHAT:
        return Owned(None, ctx.chat.community_id if ctx.chat.is_community else None)
    target_id = request.target_id()
    if target_id is None:
        return None
    if request.target is Target.HOLD:
        running = ctx.services.holds.get(target_id)
        if running is None or running.chat.platform != platform:
            return None
        return Owned(running.user.user_id, None, running.chat.chat_id)
    async with ctx.services.db.transaction() as tx:
        match request.target:
            case Target.REMINDER:
                found = await tx.ownership.reminder(target_id)
            case Target.DELIVERY:
                found = await tx.ownership.delivery(target_id)
            case Target.TIP:
                found = await tx.ownership.tip(target_id)
            case Target.ROUTINE:
                found = await tx.ownership.routine(target_id)
            case _:
                return None
    if found is None or found.platform != platform:
        return None
    return Owned(found.owner, found.community)
