"""Running the real adapters against the loopback stand-ins: the setup every adapter test uses."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import yaml

from adapters.discord_bot import DiscordAdapter
from adapters.telegram import TelegramAdapter
from bot.content import ContentLibrary, load_content
from bot.core import Knotbot
from bot.outbox import PlatformLimits
from bot.settings import SHIPPED_CONTENT, Settings
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
) -> AsyncIterator[TelegramAdapter]:
    """The real python-telegram-bot Application, polling the stand-in, around `core`."""
    extra = {"limits": limits} if limits else {}
    adapter = TelegramAdapter(
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
) -> AsyncIterator[DiscordAdapter]:
    """The real discord.py client, connected to the stand-in, around `bot`."""
    extra = {"limits": limits} if limits else {}
    adapter = DiscordAdapter(bot, bot.services.settings, guild_ready_timeout=0.05, **extra)
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
