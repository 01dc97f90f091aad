"""Reminders on Discord end to end: the real discord.py app against the Discord stand-in, the
real core and database, and the real clock. A reminder is set a second ahead, the dispatcher
DMs it through the outbox, and the test plays the user: it reads the DM, presses its buttons,
closes its DMs, and tries to set reminders for a whole server.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.actions import (
    ReminderControl,
    ReminderDone,
    ReminderOp,
    SnoozeReminder,
    StopReminder,
    decode,
    encode,
)
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.storage import Database
from tests.conftest import make_settings
from tests.platforms.discord_user import (
    GUILD_ID,
    MANAGER_ID,
    USER_ID,
    as_sent,
    buttons,
    channel,
    components_of,
    person,
    private,
    running,
    slash,
)
from tests.platforms.reminders import (
    an_hour_ago,
    content_with_relax_texts,
    deliveries,
    remind_daily,
    remind_once,
    sent,
    snoozes_of,
    statuses,
    until,
)
from tests.platforms.spy import Way, spy_on
from tests.standins.discord_api import DiscordStandIn, StoredMessage

POSTS = r"/channels/\d+/messages"
# Reminder texts that would ping everyone or turn into markdown if not escaped.
HOSTILE_TEXTS = [
    "@everyone **shoulders** down, <@&910000000000000004> `now`",
    "@here unclench __your__ jaw ||please||",
]


@pytest.fixture
def hostile_content(tmp_path: Path) -> ContentLibrary:
    """The shipped content, with relax reminder texts full of mentions and markdown."""
    return content_with_relax_texts(tmp_path, HOSTILE_TEXTS)


async def delivered(api: DiscordStandIn) -> StoredMessage:
    """The reminder DM, once Discord has accepted it."""
    post = await api.wait_for("POST", POSTS, lambda c: c.status == 200)
    return api.message(int(post.response["id"]))


async def test_a_due_reminder_arrives_by_dm_with_three_buttons_and_pings_nobody(
    discord_api: DiscordStandIn, hostile_content: ContentLibrary, db: Database
) -> None:
    core = Knotbot(settings=make_settings(), content=hostile_content, db=db)
    spy = spy_on(core)
    async with running(discord_api, core):
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
    (reminded,) = spy.replies(Way.SEND)
    assert [message.content] == as_sent(reminded)
    assert message.components == components_of(reminded)
    _, prompt = message.content.split("\n\n")
    for raw in ("@everyone", "@here", "<@&", "**shoulders**", "`now`", "__your__", "||please||"):
        assert raw not in prompt
    # Discord shows the escapes as the text itself: what the user reads is what was written.
    assert prompt.replace("\\", "").replace("\u200b", "") in HOSTILE_TEXTS
    (delivery,) = await deliveries(db, reminder.id)
    assert [decode(c) for _, c, _ in buttons(message)] == [
        ReminderDone(delivery.id),
        SnoozeReminder(delivery.id),
        StopReminder(reminder.id),
    ]


async def test_snooze_on_the_dm_updates_it_and_sets_a_one_off_15_minutes_later(
    discord_api: DiscordStandIn, core: Knotbot, db: Database
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        reminder = await remind_once(core, person(), private(), seconds=0.5)
        message = await delivered(discord_api)
        before = datetime.now(UTC)
        (delivery,) = await deliveries(db, reminder.id)
        snooze = encode(SnoozeReminder(delivery.id))
        assert snooze in message.custom_ids()
        press = await discord_api.inject_button(snooze, message.id, user_id=USER_ID)
        callback = await discord_api.wait_for_callback(press)
        after = datetime.now(UTC)
    (copy,) = await snoozes_of(db, reminder.id)
    assert (copy.chat_id, copy.chat_kind, copy.status) == (str(USER_ID), "private", "active")
    assert Schedule.from_json(json.loads(copy.schedule)).kind is ScheduleKind.ONCE
    assert copy.next_due_at is not None
    assert before + timedelta(minutes=15) <= copy.next_due_at <= after + timedelta(minutes=15)
    assert callback.json["type"] == 7  # the pressed message itself changes
    (snoozed,) = spy.replies(Way.UPDATE)
    assert [callback.json["data"]["content"]] == as_sent(snoozed) == [message.content]
    assert message.components == []  # pressed once, done
    assert len(discord_api.calls_matching("POST", POSTS)) == 1  # no second message


async def test_a_rate_limited_dm_is_retried_and_arrives_once(
    discord_api: DiscordStandIn, core: Knotbot, db: Database
) -> None:
    discord_api.fail_next("POST", POSTS, status=429, retry_after=1.0)
    async with running(discord_api, core):
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
    discord_api: DiscordStandIn, core: Knotbot, db: Database
) -> None:
    discord_api.set_dms_closed(USER_ID)
    spy = spy_on(core)
    async with running(discord_api, core):
        daily = await remind_daily(core, person(), private(), an_hour_ago())
        once = await remind_once(core, person(), private(), seconds=0.5)
        refused = await discord_api.wait_for("POST", POSTS)

        async def all_blocked() -> bool:
            return set((await statuses(core, person(), private())).values()) == {"blocked"}

        await until(all_blocked)
        async with db.transaction() as tx:
            assert await tx.reminders.next_due("discord") is None  # nothing left to retry
        await asyncio.sleep(1.0)  # a quiet moment: the dispatcher does not try again
        attempts = len(discord_api.calls_matching("POST", POSTS))

        # The user opens their DMs again and looks at /reminders in the server.
        discord_api.set_dms_closed(USER_ID, closed=False)
        listed = await slash(discord_api, "reminders")
        listing_shown = listed.content  # before the press changes the message
        resume = encode(ReminderControl(ReminderOp.RESUME, daily.id))
        assert resume in listed.custom_ids()
        pressed = await discord_api.inject_button(
            resume, listed.id, user_id=USER_ID, guild_id=GUILD_ID
        )
        answer = await discord_api.wait_for_callback(pressed)
        after = await statuses(core, person(), private())
    assert (refused.status, refused.response["code"]) == (403, 50007)
    assert attempts == 1
    assert [d.status for d in await deliveries(db, once.id)] == ["failed"]
    listing, resumed = spy.replies(Way.REPLY, Way.UPDATE)
    assert [listing_shown] == as_sent(listing)
    assert answer.json["type"] == 7 and [answer.json["data"]["content"]] == as_sent(resumed)
    assert after[daily.id] == "active"


async def test_only_a_member_with_manage_server_can_set_a_reminder_for_everyone(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    said = {"when": f"here daily at {an_hour_ago()} stretch"}
    spy = spy_on(core)
    async with running(discord_api, core):
        refused = await slash(discord_api, "remind", said, user_id=USER_ID)
        accepted = await slash(discord_api, "remind", said, user_id=MANAGER_ID)
        listed = await core.services.reminders.list_for(person(), channel())
    member, manager = spy.events
    assert not member.user.is_moderator and manager.user.is_moderator
    assert refused.ephemeral and accepted.ephemeral  # personal answers stay private
    assert [refused.content, accepted.content] == [as_sent(r)[0] for r in spy.replies()]
    (reminder,) = listed.shared
    assert reminder.shared and reminder.kind == "stretch-break" and reminder.status == "active"
    assert not listed.mine  # the refused member got nothing set either
