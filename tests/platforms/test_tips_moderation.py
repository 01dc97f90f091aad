"""Community tips through both apps: each platform's moderators (Telegram group admins,
Discord Manage Server) reach the core as moderators and members do not; a hostile tip never
pings and never turns into markup."""

from __future__ import annotations

from bot.actions import DecideTip, Decision, decode
from bot.core import Knotbot
from bot.messages import ChatRef, Command
from bot.tips.service import TipStatus
from tests.platforms import discord_user, telegram_user
from tests.platforms.spy import Way, spy_on
from tests.standins.discord_api import DiscordStandIn
from tests.standins.telegram_api import TelegramStandIn

HOSTILE = "@everyone @here <@&777> **press** <b>hard</b> on the knot for twenty seconds"


async def approved_tips(core: Knotbot, chat: ChatRef) -> list[str]:
    """The community's own approved tips for the upper back (not the curated ones)."""
    tips = await core.services.tips.visible(chat, order="top", area="upper-back")
    return [t.text for t in tips if t.status is TipStatus.APPROVED and not t.curated]


async def test_telegram_group_admins_approve_tips_and_members_cannot(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    member, admin, group = telegram_user.USER, telegram_user.OTHER, telegram_user.GROUP
    tg.set_admins(group, [admin])
    spy = spy_on(core)

    async def say(user: int, said: str) -> str:
        answer = await telegram_user.ask(tg, said, chat=group, user=user, chat_type="supergroup")
        return answer.raw_text or ""

    async with telegram_user.running(tg, core):
        await say(member, f"/tip share {HOSTILE} area:upper-back")
        (waiting,) = await core.services.tips.waiting(telegram_user.group())
        await say(member, f"/tip approve {waiting.id}")
        await say(admin, f"/tip approve {waiting.id}")
        shown = await say(member, "/tip area upper-back")
        approved = await approved_tips(core, telegram_user.group())
    said = [e.user.is_moderator for e in spy.events]
    assert said == [False, False, True, False]
    assert approved == [waiting.text]  # the member's approval did nothing, the admin's did
    sent = [c.params["text"] for c in tg.calls_to("sendMessage")]
    assert sent == [telegram_user.as_sent(r)[0] for r in spy.replies(Way.REPLY)]
    assert "@\u200beveryone" in shown and "@\u200bhere" in shown  # the core's; kept
    assert "&lt;b&gt;hard&lt;/b&gt;" in shown and "**press**" in shown  # escaped, never markup


async def test_discord_manage_server_approves_tips_and_members_cannot(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    member, manager = discord_user.USER_ID, discord_user.MANAGER_ID
    spy = spy_on(core)

    async def tip(user: int, sub: str, **options: str) -> discord_user.StoredMessage:
        return await discord_user.slash(discord_api, "tip", options, user_id=user, subcommand=sub)

    async with discord_user.running(discord_api, core):
        shared = await tip(member, "share", tip=HOSTILE, area="upper-back")
        await tip(member, "pending")
        queue = await tip(manager, "pending")
        approve = next(c for c in queue.custom_ids() if isinstance(decode(c), DecideTip))
        for user in (member, manager):
            press = await discord_api.inject_button(
                approve, queue.id, user_id=user, **discord_user.IN_GUILD
            )
            await discord_api.wait_for_callback(press)
        top = await tip(member, "area", area="upper-back")
        approved = await approved_tips(core, discord_user.channel())
    share = spy.events[0]
    assert isinstance(share, Command)
    assert (share.name, share.args, dict(share.options)) == (
        "tip",
        f"share {HOSTILE}",
        {"area": "upper-back"},
    )
    assert [e.user.is_moderator for e in spy.events] == [False, False, True, False, True, False]
    decision = decode(approve)
    assert isinstance(decision, DecideTip) and decision.decision is Decision.APPROVE
    assert approved == [HOSTILE]  # the member's press did nothing, the manager's did
    assert shared.ephemeral and not top.ephemeral  # tips are for everyone in the channel
    text = discord_user.shown(top)
    assert "everyone" in text and "@everyone" not in text and "@here" not in text
    bodies = discord_user.sent_message_bodies(discord_api)
    assert len(bodies) >= 5 and all(b.get("allowed_mentions") == {"parse": []} for b in bodies)
