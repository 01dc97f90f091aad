"""Reminders on Telegram end to end: the real python-telegram-bot adapter against the Bot API
stand-in, the real core and database, and the real clock. A reminder is set a second ahead,
the dispatcher sends it, and the test plays the user: it reads the message as Telegram shows
it, presses its buttons, blocks and unblocks the bot.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import ChatKind, ChatRef, UserRef
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.storage import Database
from bot.storage.schema import Reminder, ReminderDone
from tests.conftest import make_settings
from tests.platforms import (
    an_hour_ago,
    checked_telegram,
    content_with_relax_texts,
    deliveries,
    remind_daily,
    remind_once,
    sent,
    telegram_adapter,
    until,
)
from tests.standins.telegram_api import ApiCall, StoredMessage, TelegramStandIn

USER = 42
OTHER = 43
GROUP = -1001234567890
# Reminder texts a careless renderer would turn into markup (or that Telegram would refuse).
HOSTILE_TEXTS = [
    'Shoulders <down> & jaw "loose", <b>now</b> &amp; breathe > 3 times',
    "Unclench <i>your</i> jaw & <a href='x'>relax</a>",
]


# -- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
async def tg() -> AsyncIterator[TelegramStandIn]:
    async with checked_telegram() as standin:
        yield standin


@pytest.fixture
def hostile_content(tmp_path: Path) -> ContentLibrary:
    """The shipped content, with relax reminder texts full of HTML-looking characters."""
    return content_with_relax_texts(tmp_path, HOSTILE_TEXTS)


@pytest.fixture
async def core(content: ContentLibrary, db: Database) -> AsyncIterator[Knotbot]:
    knotbot = Knotbot(settings=make_settings(), content=content, db=db)  # the system clock
    yield knotbot
    await knotbot.shutdown()


def running(tg: TelegramStandIn, core: Knotbot):  # type: ignore[no-untyped-def]
    return telegram_adapter(tg, core)


def person(user_id: int = USER) -> UserRef:
    """The user as the adapter names a Telegram user in a private chat."""
    return UserRef("telegram", str(user_id), "Ada", "en")


def private(user_id: int = USER) -> ChatRef:
    return ChatRef("telegram", str(user_id), ChatKind.PRIVATE)


def group() -> ChatRef:
    return ChatRef("telegram", str(GROUP), ChatKind.COMMUNITY, str(GROUP), "Knot Club")


async def comes_round(core: Knotbot, reminder_id: int, seconds: float = 0.5) -> None:
    """A daily reminder's time has come: its next occurrence is `seconds` from now."""
    soon = datetime.now(UTC) + timedelta(seconds=seconds)
    async with core.services.db.transaction() as tx:
        row = await tx.reminders.get(reminder_id)
        assert row is not None
        row.occurrence_at = row.next_due_at = soon
    core.services.reminders.wake("telegram")


async def statuses(core: Knotbot) -> dict[int, str]:
    mine, _, _ = await core.services.reminders.list_for(person(), private())
    return {r.id: r.status for r in mine}


async def snoozes_of(db: Database, reminder_id: int) -> list[Reminder]:
    """Snoozed copies: one-offs that /reminders does not list, so read from the database."""
    async with db.session() as session:
        found = await session.scalars(select(Reminder).where(Reminder.snooze_of == reminder_id))
        return list(found.all())


def to(chat_id: int) -> Callable[[ApiCall], bool]:
    return lambda call: int(call.params.get("chat_id", 0)) == chat_id


async def delivered(tg: TelegramStandIn, count: int = 1) -> StoredMessage:
    """The `count`-th message sent to USER, once it is there."""
    call = await tg.wait_for("sendMessage", lambda c: to(USER)(c) and not c.failed, count=count)
    return tg.messages[(USER, call.result["message_id"])]


def buttons(message: StoredMessage) -> list[dict[str, str]]:
    markup = message.reply_markup or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def data_of(message: StoredMessage, label: str) -> str:
    return next(b["callback_data"] for b in buttons(message) if b["text"] == label)


async def press(tg: TelegramStandIn, message: StoredMessage, label: str) -> str:
    """Press a button as USER; returns the message's text once it has been edited."""
    edits = len(tg.calls_to("editMessageText"))
    update_id = tg.push_callback(USER, USER, message.message_id, data_of(message, label))
    query = f"cbq{update_id}"
    await tg.wait_for("editMessageText", count=edits + 1)
    await tg.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query)
    return tg.messages[(USER, message.message_id)].text or ""


async def ask(tg: TelegramStandIn, said: str, *, user: int, chat: int = GROUP) -> str:
    """Say `said` in the group; the bot's answer as shown."""
    before = len(tg.calls_to("sendMessage"))
    tg.push_text(chat, user, said, chat_type="supergroup", title="Knot Club")
    call = await tg.wait_for("sendMessage", count=before + 1)
    assert not call.failed, call.description
    return tg.messages[(chat, call.result["message_id"])].text or ""


# -- delivery --------------------------------------------------------------------------------


async def test_a_due_reminder_arrives_in_the_private_chat_with_done_snooze_and_stop(
    tg: TelegramStandIn, hostile_content: ContentLibrary, db: Database
) -> None:
    core = Knotbot(settings=make_settings(), content=hostile_content, db=db)
    async with running(tg, core):
        started = time.monotonic()
        reminder = await remind_once(core, person(), private(), seconds=1.0)
        message = await delivered(tg)
        await until(lambda: sent(db, reminder.id))
    (call,) = tg.calls_to("sendMessage")
    assert call.at - started >= 0.9  # not before it was due
    assert message.chat_id == USER and message.from_bot
    title, prompt = (message.text or "").split("\n\n")
    assert title == "Relax break"
    assert prompt in HOSTILE_TEXTS  # shown exactly as written, not as markup
    assert message.entities == [{"type": "bold", "offset": 0, "length": len("Relax break")}]
    raw = message.raw_text or ""
    assert raw.startswith("<b>Relax break</b>\n\n")
    assert "&lt;" in raw and "&amp;" in raw and "<i>" not in raw and "<a " not in raw
    (delivery,) = await deliveries(db, reminder.id)
    assert [(b["text"], b["callback_data"], b.get("style")) for b in buttons(message)] == [
        ("Done", f"rd:{delivery.id}", "primary"),
        ("Snooze 15 min", f"rz:{delivery.id}", None),
        ("Stop these reminders", f"rx:{reminder.id}", "danger"),
    ]
    assert delivery.status == "sent"


# -- the buttons -----------------------------------------------------------------------------


async def test_snooze_says_until_when_and_sets_a_one_off_15_minutes_later(
    tg: TelegramStandIn, core: Knotbot, db: Database
) -> None:
    async with running(tg, core):
        reminder = await remind_once(core, person(), private(), seconds=0.5)
        message = await delivered(tg)
        before = datetime.now(UTC)
        shown = await press(tg, message, "Snooze 15 min")
        after = datetime.now(UTC)
    (copy,) = await snoozes_of(db, reminder.id)
    assert (copy.chat_id, copy.chat_kind, copy.status) == (str(USER), "private", "active")
    assert Schedule.from_json(json.loads(copy.schedule)).kind is ScheduleKind.ONCE
    assert copy.next_due_at is not None
    assert before + timedelta(minutes=15) <= copy.next_due_at <= after + timedelta(minutes=15)
    assert shown.startswith("Relax break\n\n")
    assert shown.endswith(f"Snoozed until {copy.next_due_at:%H:%M}.")  # the user's zone: UTC
    assert tg.messages[(USER, message.message_id)].reply_markup is None  # pressed once
    assert len(tg.calls_to("sendMessage")) == 1  # the message changed; no new one
    assert len(tg.calls_to("answerCallbackQuery")) == 1


async def test_done_is_logged_and_stop_pauses_a_daily_reminder(
    tg: TelegramStandIn, core: Knotbot, db: Database
) -> None:
    daily_at = an_hour_ago()
    async with running(tg, core):
        once = await remind_once(core, person(), private(), seconds=0.5)
        daily = await remind_daily(core, person(), private(), daily_at)
        await comes_round(core, daily.id)
        first, second = await delivered(tg), await delivered(tg, count=2)
        by_stop = {m.message_id: data_of(m, "Stop these reminders") for m in (first, second)}
        once_message = first if by_stop[first.message_id] == f"rx:{once.id}" else second
        daily_message = second if once_message is first else first
        done = await press(tg, once_message, "Done")
        stopped = await press(tg, daily_message, "Stop these reminders")
        after = await statuses(core)
    assert done.endswith("Done. Nice work, that counts.")
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(ReminderDone)) == 1
    assert f"daily at {daily_at} \u00b7 /reminders to change" in (daily_message.history[0])
    assert stopped == (
        f"Paused: Relax break, daily at {daily_at}.\n/reminders resumes or changes them."
    )
    assert after[daily.id] == "paused"
    assert tg.messages[(USER, daily_message.message_id)].reply_markup is None


# -- platform trouble ------------------------------------------------------------------------


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
    assert [m.message_id for m in tg.sent_messages(USER)] == [message.message_id]
    assert (message.text or "").startswith("Relax break\n\n")
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
        refused = await tg.wait_for("sendMessage", to(USER))

        async def all_blocked() -> bool:
            return set((await statuses(core)).values()) == {"blocked"}

        await until(all_blocked)
        async with db.transaction() as tx:
            assert await tx.reminders.next_due("telegram") is None  # nothing left to retry
        await asyncio.sleep(1.0)  # a quiet moment: the dispatcher does not try again
        attempts = len(tg.calls_to("sendMessage"))

        tg.push_my_chat_member(USER, USER, "member", old_status="kicked")

        async def daily_back() -> bool:
            return (await statuses(core))[daily.id] == "active"

        await until(daily_back)
        mine, _, _ = await core.services.reminders.list_for(person(), private())
    assert refused.failed and refused.error_code == 403
    assert attempts == 1
    assert [d.status for d in await deliveries(db, once.id)] == ["failed"]
    (resumed,) = [r for r in mine if r.id == daily.id]
    assert resumed.next_due is not None and resumed.next_due > datetime.now(UTC)
    assert len(tg.calls_to("sendMessage")) == 1  # resuming sends nothing by itself


# -- shared reminders in a group -------------------------------------------------------------


async def test_only_a_group_admin_can_set_a_reminder_for_everyone(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    tg.set_admins(GROUP, [USER])
    at = an_hour_ago()
    said = f"/remind here daily at {at} stretch break"
    async with running(tg, core):
        refused = await ask(tg, said, user=OTHER)
        accepted = await ask(tg, said, user=USER)
        mine, shared, _ = await core.services.reminders.list_for(person(OTHER), group())
    assert refused == (
        "Only moderators can set reminders for everyone here. "
        "I can remind you personally: /remind every 2 hours from 9 to 18."
    )
    assert accepted.startswith(f"Set: stretch break reminders, daily at {at} (UTC).")
    assert "Everyone here gets it." in accepted
    (reminder,) = shared
    assert reminder.shared and reminder.kind == "stretch-break" and reminder.status == "active"
    assert not mine  # the refused member got nothing set either
