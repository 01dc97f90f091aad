"""Reminders on Discord end to end: the real discord.py adapter against the Discord stand-in,
the real core and database, and the real clock. A reminder is set a second ahead, the
dispatcher DMs it, and the test plays the user: it reads the DM, presses its buttons, closes
its DMs, and tries to set reminders for a whole server.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import ChatKind, ChatRef, UserRef
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.storage import Database
from bot.storage.schema import Reminder
from tests.platforms import (
    an_hour_ago,
    content_with_relax_texts,
    deliveries,
    discord_adapter,
    discord_settings,
    remind_daily,
    remind_once,
    sent,
    until,
)
from tests.standins.discord_api import (
    ChannelSpec,
    DiscordStandIn,
    MemberSpec,
    RoleSpec,
    StoredMessage,
    discord_endpoints,
)

GUILD_ID = 910_000_000_000_000_001
CHANNEL_ID = 910_000_000_000_000_002
MANAGER_ROLE_ID = 910_000_000_000_000_004  # a role with Manage Server
USER_ID = 910_000_000_000_000_005
MANAGER_ID = 910_000_000_000_000_008
MANAGE_GUILD = 1 << 5
POSTS = r"/channels/\d+/messages"
# Reminder texts that would ping everyone or turn into markdown if not escaped.
HOSTILE_TEXTS = [
    "@everyone **shoulders** down, <@&910000000000000004> `now`",
    "@here unclench __your__ jaw ||please||",
]


# -- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
async def discord_api() -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn() as api:
        api.add_guild(
            GUILD_ID,
            "Knot Lab",
            channels=[ChannelSpec(CHANNEL_ID, "general")],
            roles=[RoleSpec(MANAGER_ROLE_ID, "admins", permissions=MANAGE_GUILD)],
            members=[
                MemberSpec(USER_ID, "tense"),
                MemberSpec(MANAGER_ID, "owner", roles=(MANAGER_ROLE_ID,)),
            ],
        )
        with discord_endpoints():  # the adapter repoints discord.py; this restores it
            yield api


@pytest.fixture
def hostile_content(tmp_path: Path) -> ContentLibrary:
    """The shipped content, with relax reminder texts full of mentions and markdown."""
    return content_with_relax_texts(tmp_path, HOSTILE_TEXTS)


@asynccontextmanager
async def running(
    api: DiscordStandIn, db: Database, content: ContentLibrary
) -> AsyncIterator[Knotbot]:
    """The core (on the system clock) behind a connected adapter; stopped afterwards."""
    core = Knotbot(settings=discord_settings(api), content=content, db=db)
    try:
        async with discord_adapter(core):
            yield core
    finally:
        await core.shutdown()


def person(user_id: int = USER_ID) -> UserRef:
    """The user as the adapter names a Discord user in a DM."""
    return UserRef("discord", str(user_id), "Tense", "en-US")


def private(user_id: int = USER_ID) -> ChatRef:
    return ChatRef("discord", str(user_id), ChatKind.PRIVATE)


def channel() -> ChatRef:
    return ChatRef("discord", str(CHANNEL_ID), ChatKind.COMMUNITY, str(GUILD_ID), "Knot Lab")


async def statuses(core: Knotbot) -> dict[int, str]:
    mine, _, _ = await core.services.reminders.list_for(person(), private())
    return {r.id: r.status for r in mine}


def buttons(message: StoredMessage) -> list[tuple[str, str, int]]:
    return [
        (b["label"], b["custom_id"], b["style"])
        for row in message.components
        for b in row.get("components", [])
    ]


def custom_id(message: StoredMessage, label: str) -> str:
    return next(c for lbl, c, _ in buttons(message) if lbl == label)


async def delivered(api: DiscordStandIn) -> StoredMessage:
    """The reminder DM, once Discord has accepted it."""
    post = await api.wait_for("POST", POSTS, lambda c: c.status == 200)
    return api.message(int(post.response["id"]))


async def slash(api: DiscordStandIn, name: str, value: str, *, user_id: int) -> StoredMessage:
    """A slash command in the server's channel; the answer its user sees."""
    options = {"when": value} if name == "remind" else {}
    inj = await api.inject_slash_command(
        name, options, user_id=user_id, guild_id=GUILD_ID, channel_id=CHANNEL_ID
    )
    callback = await api.wait_for_callback(inj)
    assert callback.status == 200, callback.response
    message = api.original_response(inj)
    assert message is not None and message.ephemeral  # personal answers stay private
    return message


# -- delivery --------------------------------------------------------------------------------


async def test_a_due_reminder_arrives_by_dm_with_three_buttons_and_pings_nobody(
    discord_api: DiscordStandIn, hostile_content: ContentLibrary, db: Database
) -> None:
    async with running(discord_api, db, hostile_content) as core:
        started = time.monotonic()
        reminder = await remind_once(core, person(), private(), seconds=1.0)
        message = await delivered(discord_api)
        await until(lambda: sent(db, reminder.id))
    opened = discord_api.calls_matching("POST", r"/users/@me/channels")
    assert [c.json for c in opened] == [{"recipient_id": USER_ID}]
    dm = discord_api.dm_channel_id(USER_ID)
    (post,) = discord_api.calls_matching("POST", POSTS)
    assert post.path == f"/channels/{dm}/messages" and post.at > opened[0].at
    assert post.at - started >= 0.9  # not before it was due
    assert re.fullmatch(rf"r{reminder.id}-\d+", post.json["nonce"])
    assert len(post.json["nonce"]) <= 25 and post.json["enforce_nonce"] is True
    assert post.json["allowed_mentions"] == {"parse": []}
    assert message.channel_id == dm and not message.ephemeral
    title, prompt = message.content.split("\n\n")
    assert title == "**Relax break**"
    for raw in ("@everyone", "@here", "<@&", "**shoulders**", "`now`", "__your__", "||please||"):
        assert raw not in prompt
    # Discord shows the escapes as the text itself: what the user reads is what was written.
    assert prompt.replace("\\", "").replace("\u200b", "") in HOSTILE_TEXTS
    (delivery,) = await deliveries(db, reminder.id)
    assert buttons(message) == [
        ("Done", f"rd:{delivery.id}", 1),
        ("Snooze 15 min", f"rz:{delivery.id}", 2),
        ("Stop these reminders", f"rx:{reminder.id}", 4),
    ]


async def test_snooze_on_the_dm_updates_it_and_sets_a_one_off_15_minutes_later(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    async with running(discord_api, db, content) as core:
        reminder = await remind_once(core, person(), private(), seconds=0.5)
        message = await delivered(discord_api)
        before = datetime.now(UTC)
        press = await discord_api.inject_button(
            custom_id(message, "Snooze 15 min"), message.id, user_id=USER_ID
        )
        callback = await discord_api.wait_for_callback(press)
        after = datetime.now(UTC)
    async with db.session() as session:  # snoozed copies are not listed in /reminders
        found = await session.scalars(select(Reminder).where(Reminder.snooze_of == reminder.id))
        (copy,) = found.all()
    assert (copy.chat_id, copy.chat_kind, copy.status) == (str(USER_ID), "private", "active")
    assert Schedule.from_json(json.loads(copy.schedule)).kind is ScheduleKind.ONCE
    assert copy.next_due_at is not None
    assert before + timedelta(minutes=15) <= copy.next_due_at <= after + timedelta(minutes=15)
    assert callback.json["type"] == 7  # the pressed message itself changes
    snoozed = f"*Snoozed until {copy.next_due_at:%H:%M}.*"  # the user's zone: UTC
    assert callback.json["data"]["content"].endswith(snoozed)
    assert message.content.startswith("**Relax break**") and message.content.endswith(snoozed)
    assert message.components == []  # pressed once, done
    assert len(discord_api.calls_matching("POST", POSTS)) == 1  # no second message


# -- platform trouble ------------------------------------------------------------------------


async def test_a_rate_limited_dm_is_retried_and_arrives_once(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    discord_api.fail_next("POST", POSTS, status=429, retry_after=1.0)
    async with running(discord_api, db, content) as core:
        reminder = await remind_once(core, person(), private(), seconds=0.5)
        message = await delivered(discord_api)
        await until(lambda: sent(db, reminder.id))
    limited, accepted = discord_api.calls_matching("POST", POSTS)
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.at - limited.at >= 1.0
    assert limited.json["nonce"] == accepted.json["nonce"]  # the same logical message
    dm = discord_api.dm_channel_id(USER_ID)
    assert dm is not None
    assert [m.id for m in discord_api.messages_in(dm)] == [message.id]
    assert [d.status for d in await deliveries(db, reminder.id)] == ["sent"]


async def test_closed_dms_pause_every_reminder_without_retrying_and_resume_offers_them_again(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    discord_api.set_dms_closed(USER_ID)
    async with running(discord_api, db, content) as core:
        daily = await remind_daily(core, person(), private(), an_hour_ago())
        once = await remind_once(core, person(), private(), seconds=0.5)
        refused = await discord_api.wait_for("POST", POSTS)

        async def all_blocked() -> bool:
            return set((await statuses(core)).values()) == {"blocked"}

        await until(all_blocked)
        async with db.transaction() as tx:
            assert await tx.reminders.next_due("discord") is None  # nothing left to retry
        await asyncio.sleep(1.0)  # a quiet moment: the dispatcher does not try again
        attempts = len(discord_api.calls_matching("POST", POSTS))

        # The user opens their DMs again and looks at /reminders in the server.
        discord_api.set_dms_closed(USER_ID, closed=False)
        listed = await slash(discord_api, "reminders", "", user_id=USER_ID)
        listing = listed.content
        resume = await discord_api.inject_button(
            f"rr:{daily.id}", listed.id, user_id=USER_ID, guild_id=GUILD_ID
        )
        answer = await discord_api.wait_for_callback(resume)
        after = await statuses(core)
    assert (refused.status, refused.response["code"]) == (403, 50007)
    assert attempts == 1
    assert [d.status for d in await deliveries(db, once.id)] == ["failed"]
    assert "paused: I couldn't reach you (did you block me or close your DMs?)" in listing
    assert answer.json["type"] == 7 and answer.json["data"]["content"].startswith(
        f"Resumed #{daily.id}."
    )
    assert after[daily.id] == "active"


# -- shared reminders in a server ------------------------------------------------------------


async def test_only_a_member_with_manage_server_can_set_a_reminder_for_everyone(
    discord_api: DiscordStandIn, content: ContentLibrary, db: Database
) -> None:
    at = an_hour_ago()
    said = f"here daily at {at} stretch"
    async with running(discord_api, db, content) as core:
        refused = (await slash(discord_api, "remind", said, user_id=USER_ID)).content
        accepted = (await slash(discord_api, "remind", said, user_id=MANAGER_ID)).content
        mine, shared, _ = await core.services.reminders.list_for(person(), channel())
    assert refused == (
        "Only moderators can set reminders for everyone here. "
        "I can remind you personally: /remind every 2 hours from 9 to 18."
    )
    assert accepted.startswith(f"Set: stretch break reminders, daily at {at} (UTC).")
    assert "Everyone here gets it." in accepted
    (reminder,) = shared
    assert reminder.shared and reminder.kind == "stretch-break" and reminder.status == "active"
    assert not mine  # the refused member got nothing set either
    remind = discord_api.command("remind")
    assert remind is not None and [o["name"] for o in remind["options"]] == ["when"]
