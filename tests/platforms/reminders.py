"""Reminders that come due during a test, on the real clock, and what became of them."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path

import yaml
from sqlalchemy import select

from bot.content import ContentLibrary, load_content
from bot.core import Knotbot
from bot.messages import ChatRef, UserRef
from bot.reminders.parse import ReminderRequest
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.reminders.service import ReminderView
from bot.settings import SHIPPED_CONTENT
from bot.storage import Database
from bot.storage.schema import Reminder, ReminderDelivery


def content_with_relax_texts(tmp_path: Path, texts: list[str]) -> ContentLibrary:
    """The shipped content with other relax reminder texts (hostile ones, in these tests)."""
    folder = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, folder)
    path = folder / "reminders.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["kinds"]["relax"]["texts"] = texts
    data["kinds"]["relax"].pop("translations", None)  # they translate the shipped texts
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_content(folder)


async def remind_once(
    core: Knotbot, user: UserRef, chat: ChatRef, seconds: float = 1.0
) -> ReminderView:
    """A one-off relax reminder, due `seconds` from now on the real clock."""
    at = datetime.now(UTC) + timedelta(seconds=seconds)
    request = ReminderRequest("relax", Schedule(ScheduleKind.ONCE, at=at), shared=False)
    return await core.services.reminders.create(user, chat, request)


def an_hour_ago() -> str:
    """A time of day whose next occurrence is about 23 hours away: never due during a test."""
    return f"{datetime.now(UTC) - timedelta(hours=1):%H:%M}"


async def remind_daily(core: Knotbot, user: UserRef, chat: ChatRef, at: str) -> ReminderView:
    schedule = Schedule(ScheduleKind.DAILY, times=(wall_time.fromisoformat(at),))
    request = ReminderRequest("relax", schedule, shared=False)
    return await core.services.reminders.create(user, chat, request)


async def comes_round(core: Knotbot, reminder_id: int, seconds: float = 0.5) -> None:
    """A daily reminder's time has come: its next occurrence is `seconds` from now."""
    soon = datetime.now(UTC) + timedelta(seconds=seconds)
    async with core.services.db.transaction() as tx:
        row = await tx.reminders.get(reminder_id)
        assert row is not None
        row.occurrence_at = row.next_due_at = soon
        platform = row.platform
    core.dispatchers.wake(platform)


async def statuses(core: Knotbot, user: UserRef, chat: ChatRef) -> dict[int, str]:
    """The person's reminders by id, with their status as /reminders lists them."""
    listed = await core.services.reminders.list_for(user, chat)
    return {r.id: r.status for r in listed.mine}


async def snoozes_of(db: Database, reminder_id: int) -> list[Reminder]:
    """Snoozed copies: one-offs that /reminders does not list, so read from the database."""
    async with db.session() as session:
        found = await session.scalars(select(Reminder).where(Reminder.snooze_of == reminder_id))
        return list(found.all())


async def deliveries(db: Database, reminder_id: int) -> list[ReminderDelivery]:
    async with db.session() as session:
        found = await session.scalars(
            select(ReminderDelivery).where(ReminderDelivery.reminder_id == reminder_id)
        )
        return list(found.all())


async def sent(db: Database, reminder_id: int) -> bool:
    return any(d.status == "sent" for d in await deliveries(db, reminder_id))


async def until(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Poll an awaitable condition (a database read) until it holds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
