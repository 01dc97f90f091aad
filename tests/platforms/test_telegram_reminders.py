"""Reminders on Telegram end to end: the real python-telegram-bot app against the Bot API
stand-in, the real core and database, and the real clock. A reminder is set a second ahead,
the dispatcher sends it through the outbox, and the test plays the user: it reads the message
as Telegram shows it, presses its buttons, blocks and unblocks the bot.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.telegram.render import render_one
from bot.actions import ReminderDone, SnoozeReminder, StopReminder, decode
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.storage import Database
from bot.storage.schema import ReminderDone as DoneRow
from tests.conftest import make_settings
from tests.platforms.reminders import (
    an_hour_ago,
    comes_round,
    content_with_relax_texts,
    deliveries,
    remind_daily,
    remind_once,
    sent,
    snoozes_of,
    statuses,
    until,
)
from tests.platforms.spy import CoreSpy, Way, spy_on
from tests.platforms.telegram_user import (
    GROUP,
    OTHER,
    USER,
    as_sent,
    ask,
    buttons,
    data_for,
    group,
    markup_of,
    person,
    private,
    running,
)
from tests.standins.telegram_api import ApiCall, StoredMessage, TelegramStandIn

# Reminder texts a careless renderer would turn into markup (or that Telegram would refuse).
HOSTILE_TEXTS = [
    'Shoulders <down> & jaw "loose", <b>now</b> &amp; breathe > 3 times',
    "Unclench <i>your</i> jaw & <a href='x'>relax</a>",
]


@pytest.fixture
def hostile_content(tmp_path: Path) -> ContentLibrary:
    """The shipped content, with relax reminder texts full of HTML-looking characters."""
    return content_with_relax_texts(tmp_path, HOSTILE_TEXTS)


def to_user(call: ApiCall) -> bool:
    return int(call.params.get("chat_id", 0)) == USER


async def delivered(tg: TelegramStandIn, count: int = 1) -> StoredMessage:
    """The `count`-th message sent to USER, once it is there."""
    call = await tg.wait_for("sendMessage", lambda c: to_user(c) and not c.failed, count=count)
    return tg.messages[(USER, call.result["message_id"])]


async def press(tg: TelegramStandIn, message: StoredMessage, data: str) -> StoredMessage:
    """Press a button as USER; the message once it has been edited."""
    edits = len(tg.calls_to("editMessageText"))
    query = f"cbq{tg.push_callback(USER, USER, message.message_id, data)}"
    await tg.wait_for("editMessageText", count=edits + 1)
    await tg.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query)
    return tg.messages[(USER, message.message_id)]


def last_update(spy: CoreSpy) -> str:
    """The core's last in-place answer, as the adapter edits it into the pressed message."""
    return render_one(spy.replies(Way.UPDATE)[-1])


async def test_a_due_reminder_arrives_in_the_private_chat_with_its_buttons(
    tg: TelegramStandIn, hostile_content: ContentLibrary, db: Database
) -> None:
    core = Knotbot(settings=make_settings(), content=hostile_content, db=db)
    spy = spy_on(core)
    async with running(tg, core):
        started = time.monotonic()
        reminder = await remind_once(core, person(), private(), seconds=1.0)
        message = await delivered(tg)
        await until(lambda: sent(db, reminder.id))
    (call,) = tg.calls_to("sendMessage")
    assert call.at - started >= 0.9  # not before it was due
    assert message.chat_id == USER and message.from_bot
    (reminded,) = spy.replies(Way.SEND)
    assert message.raw_text == as_sent(reminded)[0]
    assert call.params["reply_markup"] == markup_of(reminded)
    _, prompt = (message.text or "").split("\n\n")
    assert prompt in HOSTILE_TEXTS  # shown exactly as written, not as markup
    raw = message.raw_text or ""
    assert "&lt;" in raw and "&amp;" in raw and "<i>" not in raw and "<a " not in raw
    (delivery,) = await deliveries(db, reminder.id)
    assert [decode(b["callback_data"]) for b in buttons(message)] == [
        ReminderDone(delivery.id),
        SnoozeReminder(delivery.id),
        StopReminder(reminder.id),
    ]
    assert delivery.status == "sent"


async def test_snooze_changes_the_message_in_place_and_sets_a_one_off_15_minutes_later(
    tg: TelegramStandIn, core: Knotbot, db: Database
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        reminder = await remind_once(core, person(), private(), seconds=0.5)
        message = await delivered(tg)
        before = datetime.now(UTC)
        shown = await press(tg, message, data_for(message, SnoozeReminder))
        after = datetime.now(UTC)
    (copy,) = await snoozes_of(db, reminder.id)
    assert (copy.chat_id, copy.chat_kind, copy.status) == (str(USER), "private", "active")
    assert Schedule.from_json(json.loads(copy.schedule)).kind is ScheduleKind.ONCE
    assert copy.next_due_at is not None
    assert before + timedelta(minutes=15) <= copy.next_due_at <= after + timedelta(minutes=15)
    assert shown.raw_text == last_update(spy)
    assert shown.reply_markup is None  # pressed once
    assert len(tg.calls_to("sendMessage")) == 1  # the message changed; no new one
    assert len(tg.calls_to("answerCallbackQuery")) == 1


async def test_done_is_logged_and_stop_pauses_a_daily_reminder(
    tg: TelegramStandIn, core: Knotbot, db: Database
) -> None:
    spy = spy_on(core)
    async with running(tg, core):
        once = await remind_once(core, person(), private(), seconds=0.5)
        daily = await remind_daily(core, person(), private(), an_hour_ago())
        await comes_round(core, daily.id)
        first, second = await delivered(tg), await delivered(tg, count=2)
        stop_of = {m.message_id: decode(data_for(m, StopReminder)) for m in (first, second)}
        once_message = first if stop_of[first.message_id] == StopReminder(once.id) else second
        daily_message = second if once_message is first else first
        done = await press(tg, once_message, data_for(once_message, ReminderDone))
        done_as = last_update(spy)
        stopped = await press(tg, daily_message, data_for(daily_message, StopReminder))
        after = await statuses(core, person(), private())
    assert done.raw_text == done_as
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(DoneRow)) == 1
    assert stopped.raw_text == last_update(spy)
    assert after[daily.id] == "paused"
    assert stopped.reply_markup is None


async def test_a_flood_limit_delays_the_reminder_and_it_arrives_once(
    tg: TelegramStandIn, core: Knotbot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB's future type; no deprecation warning
    tg.fail_next("sendMessage", error_code=429, retry_after=1, chat_id=USER)
    async with running(tg, core):
        reminder = await remind_once(core, person(), private(), seconds=0.5)
        message = await delivered(tg)
        await until(lambda: sent(db, reminder.id))
    refused, accepted = tg.calls_to("sendMessage")
    assert (refused.failed, refused.error_code, accepted.failed) == (True, 429, False)
    assert accepted.at - refused.at >= 1.0
    assert accepted.params["text"] == refused.params["text"]  # the same reminder, again
    assert [m.message_id for m in tg.sent_messages(USER)] == [message.message_id]
    assert [d.status for d in await deliveries(db, reminder.id)] == ["sent"]
    async with db.transaction() as tx:
        row = await tx.reminders.get(reminder.id)
        assert row is not None and row.status == "finished"  # nothing left to send


async def test_a_user_who_blocked_the_bot_has_every_reminder_paused_until_unblocking(
    tg: TelegramStandIn, core: Knotbot, db: Database
) -> None:
    tg.block(USER)  # sends answer 403 "Forbidden: bot was blocked by the user"
    async with running(tg, core):
        daily = await remind_daily(core, person(), private(), an_hour_ago())
        once = await remind_once(core, person(), private(), seconds=0.5)
        refused = await tg.wait_for("sendMessage", to_user)

        async def all_blocked() -> bool:
            return set((await statuses(core, person(), private())).values()) == {"blocked"}

        await until(all_blocked)
        async with db.transaction() as tx:
            assert await tx.reminders.next_due("telegram") is None  # nothing left to retry
        await asyncio.sleep(1.0)  # a quiet moment: the dispatcher does not try again
        attempts = len(tg.calls_to("sendMessage"))

        tg.push_my_chat_member(USER, USER, "member", old_status="kicked")

        async def daily_back() -> bool:
            return (await statuses(core, person(), private()))[daily.id] == "active"

        await until(daily_back)
        listed = await core.services.reminders.list_for(person(), private())
    assert refused.failed and refused.error_code == 403
    assert attempts == 1
    assert [d.status for d in await deliveries(db, once.id)] == ["failed"]
    (resumed,) = [r for r in listed.mine if r.id == daily.id]
    assert resumed.next_due is not None and resumed.next_due > datetime.now(UTC)
    assert len(tg.calls_to("sendMessage")) == 1  # resuming sends nothing by itself


async def test_only_a_group_admin_can_set_a_reminder_for_everyone(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    tg.set_admins(GROUP, [USER])
    said = f"/remind here daily at {an_hour_ago()} stretch break"
    spy = spy_on(core)
    async with running(tg, core):
        refused = await ask(tg, said, chat=GROUP, user=OTHER, chat_type="supergroup")
        accepted = await ask(tg, said, chat=GROUP, user=USER, chat_type="supergroup")
        listed = await core.services.reminders.list_for(person(OTHER), group())
    by_member, by_admin = spy.events
    assert not by_member.user.is_moderator and by_admin.user.is_moderator
    assert [refused.raw_text, accepted.raw_text] == [as_sent(r)[0] for r in spy.replies()]
    (reminder,) = listed.shared
    assert reminder.shared and reminder.kind == "stretch-break" and reminder.status == "active"
    assert not listed.mine  # the refused member got nothing set either
