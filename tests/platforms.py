"""Running the real adapters against the loopback stand-ins: the setup every adapter test uses."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path

import yaml
from sqlalchemy import select

from adapters.discord.app import DiscordApp
from adapters.telegram.app import TelegramApp
from bot.content import ContentLibrary, load_content
from bot.core import Knotbot
from bot.messages import ChatRef, UserRef
from bot.outbox import PlatformLimits
from bot.reminders.parse import ReminderRequest
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.reminders.service import ReminderView
from bot.settings import SHIPPED_CONTENT, Settings
from bot.storage import Database
from bot.storage.schema import ReminderDelivery
from tests.conftest import make_settings
from tests.standins.discord_api import DiscordStandIn
from tests.standins.telegram_api import TelegramStandIn

# What Telegram says when the bot sent something it must not: broken HTML, too long, empty.
REFUSALS = ("can't parse entities", "too long", "text is empty", "DATA_INVALID")


@asynccontextmanager
async def checked_telegram() -> AsyncIterator[TelegramStandIn]:
    """The Telegram stand-in; afterwards, Telegram refused nothing the bot sent."""
    async with TelegramStandIn() as standin:
        yield standin
    refused = [
        f"{c.method}: {c.description}"
        for c in standin.calls
        if c.failed and any(marker in (c.description or "") for marker in REFUSALS)
    ]
    assert not refused, refused
    assert not standin.internal_errors


@asynccontextmanager
async def telegram_adapter(
    tg: TelegramStandIn, core: Knotbot, limits: PlatformLimits | None = None
) -> AsyncIterator[TelegramApp]:
    """The real python-telegram-bot Application, polling the stand-in, around `core`."""
    extra = {"limits": limits} if limits else {}
    adapter = TelegramApp(
        core, token=tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url, **extra
    )
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.stop()


def discord_settings(api: DiscordStandIn, **overrides: object) -> Settings:
    return make_settings(
        discord_token=api.token,
        discord_api_base_url=api.api_base,
        discord_gateway_url=api.gateway_url,
        **overrides,
    )


@asynccontextmanager
async def discord_adapter(
    bot: Knotbot, limits: PlatformLimits | None = None
) -> AsyncIterator[DiscordApp]:
    """The real discord.py client, connected to the stand-in, around `bot`."""
    extra = {"limits": limits} if limits else {}
    adapter = DiscordApp(bot, bot.services.settings, guild_ready_timeout=0.05, **extra)
    try:
        await asyncio.wait_for(adapter.start(), 10)
        yield adapter
    finally:
        await adapter.stop()


def content_with_relax_texts(tmp_path: Path, texts: list[str]) -> ContentLibrary:
    """The shipped content with other relax reminder texts (hostile ones, in these tests)."""
    folder = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, folder)
    path = folder / "reminders.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["kinds"]["relax"]["texts"] = texts
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
