"""Community tips through the real adapters: each platform's moderators, and no pings ever."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.storage import Database
from tests.conftest import make_settings
from tests.platforms import checked_telegram, discord_adapter, discord_settings, telegram_adapter
from tests.standins.discord_api import (
    ChannelSpec,
    DiscordStandIn,
    MemberSpec,
    RoleSpec,
    StoredMessage,
    discord_endpoints,
)
from tests.standins.telegram_api import TelegramStandIn

HOSTILE = "@everyone @here <@&777> **press** <b>hard</b> on the knot for twenty seconds"

# -- Telegram: group admins moderate ------------------------------------------------------------

GROUP, MEMBER, ADMIN = -1001234567890, 42, 43


async def say_in_group(tg: TelegramStandIn, user: int, said: str) -> str:
    before = len(tg.calls_to("sendMessage"))
    tg.push_text(GROUP, user, said, chat_type="supergroup", title="Knot Club")
    call = await tg.wait_for("sendMessage", count=before + 1)
    return str(call.params["text"])


@pytest.fixture
async def tg() -> AsyncIterator[TelegramStandIn]:
    async with checked_telegram() as standin:
        yield standin


@pytest.fixture
async def core(content: ContentLibrary, db: Database) -> AsyncIterator[Knotbot]:
    knotbot = Knotbot(settings=make_settings(), content=content, db=db)
    yield knotbot
    await knotbot.shutdown()


async def test_telegram_group_admins_approve_tips_and_members_cannot(
    tg: TelegramStandIn, core: Knotbot
):
    tg.set_admins(GROUP, [ADMIN])
    async with telegram_adapter(tg, core):
        shared = await say_in_group(tg, MEMBER, f"/tip share {HOSTILE} area:upper-back")
        assert "waits for a moderator" in shared
        number = re.search(r"#(\d+)", shared)
        assert number is not None
        refused = await say_in_group(tg, MEMBER, f"/tip approve {number.group(1)}")
        assert refused == "Only moderators can approve, reject or remove tips."
        approved = await say_in_group(tg, ADMIN, f"/tip approve {number.group(1)}")
        assert approved == f"Approved tip #{number.group(1)}."
        shown = await say_in_group(tg, MEMBER, "/tip area upper-back")
    assert "@\u200beveryone" in shown and "@\u200bhere" in shown
    assert "@everyone" not in shown and "@here" not in shown
    assert "&lt;b&gt;hard&lt;/b&gt;" in shown and "**press**" in shown  # escaped, never markup


# -- Discord: Manage Server (or the configured role) moderates -----------------------------------

GUILD_ID, CHANNEL_ID = 920_000_000_000_000_001, 920_000_000_000_000_002
MEMBER_ID, MANAGER_ID, MANAGER_ROLE = (
    920_000_000_000_000_005,
    920_000_000_000_000_006,
    920_000_000_000_000_007,
)
MANAGE_GUILD = 1 << 5


@pytest.fixture
async def api() -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn() as standin:
        standin.add_guild(
            GUILD_ID, "Knot Lab",
            channels=[ChannelSpec(CHANNEL_ID, "general")],
            roles=[RoleSpec(MANAGER_ROLE, "admins", permissions=MANAGE_GUILD)],
            members=[MemberSpec(MEMBER_ID, "tense"), MemberSpec(MANAGER_ID, "owner", roles=(MANAGER_ROLE,))],
        )  # fmt: skip
        with discord_endpoints():
            yield standin


async def tip_command(api: DiscordStandIn, user: int, sub: str, **options: str) -> StoredMessage:
    inj = await api.inject_slash_command(
        "tip", options, subcommand=sub, user_id=user, guild_id=GUILD_ID, channel_id=CHANNEL_ID
    )
    await api.wait_for_callback(inj)
    answer = api.original_response(inj)
    assert answer is not None
    return answer


def shown(message: StoredMessage) -> str:
    return "\n".join([message.content, *(e.get("description", "") for e in message.embeds)])


async def test_discord_manage_server_approves_tips_and_members_cannot(
    api: DiscordStandIn, content: ContentLibrary, db: Database
):
    bot = Knotbot(settings=discord_settings(api), content=content, db=db)
    async with discord_adapter(bot):
        shared = await tip_command(api, MEMBER_ID, "share", tip=HOSTILE, area="upper-back")
        assert "waits for a moderator" in shared.content
        assert shared.ephemeral
        refused = await tip_command(api, MEMBER_ID, "pending")
        assert refused.content == "Only moderators can see tips waiting for review."
        queue = await tip_command(api, MANAGER_ID, "pending")
        approve = next(c for c in queue.custom_ids() if c.startswith("ta:"))
        stranger = await api.inject_button(
            approve, queue.id, user_id=MEMBER_ID, guild_id=GUILD_ID, channel_id=CHANNEL_ID
        )
        answer = await api.wait_for_callback(stranger)
        assert (
            answer.json["data"]["content"] == "Only moderators can approve, reject or remove tips."
        )
        press = await api.inject_button(
            approve, queue.id, user_id=MANAGER_ID, guild_id=GUILD_ID, channel_id=CHANNEL_ID
        )
        await api.wait_for_callback(press)
        top = await tip_command(api, MEMBER_ID, "area", area="upper-back")
        await bot.shutdown()
    text = shown(top)
    assert "everyone" in text and "@everyone" not in text and "@here" not in text
    assert not top.ephemeral  # tips are for everyone in the channel
    checked = 0
    for call in api.calls:
        body = call.json if isinstance(call.json, dict) else {}
        data = body.get("data", body)
        if isinstance(data, dict) and "content" in data:
            assert data.get("allowed_mentions") == {"parse": []}, call.path
            checked += 1
    assert checked >= 5  # every message the bot sent
