"""The fixtures every adapter test shares: the stand-ins, and the core on real or short content.

The core here is never started or shut down by a fixture: the app a test runs does both, as it
does in production (adapters/<platform>/app.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content import ContentLibrary, load_content
from bot.core import Knotbot
from bot.settings import SHIPPED_CONTENT
from bot.storage import Database
from tests.conftest import make_settings
from tests.platforms.discord_user import add_knot_lab
from tests.platforms.telegram_user import checked_telegram
from tests.shortholds import write_short_content
from tests.standins.discord_api import DiscordStandIn, discord_endpoints
from tests.standins.telegram_api import TelegramStandIn


@pytest.fixture
async def tg() -> AsyncIterator[TelegramStandIn]:
    """The Telegram stand-in; afterwards, Telegram refused nothing the bot sent."""
    async with checked_telegram() as standin:
        yield standin


@pytest.fixture
async def discord_api() -> AsyncIterator[DiscordStandIn]:
    """The Discord stand-in with the Knot Lab server; discord.py's endpoints restored after."""
    async with DiscordStandIn() as api:
        add_knot_lab(api)
        with discord_endpoints():
            yield api


@pytest.fixture
def core(content: ContentLibrary, db: Database) -> Knotbot:
    """The core on the shipped content and the system clock."""
    return Knotbot(settings=make_settings(), content=content, db=db)


@pytest.fixture
def quick_content(tmp_path: Path) -> ContentLibrary:
    """The shipped content with every hold cut to 1 s phases and 2 rounds (6 s in all)."""
    return load_content(write_short_content(SHIPPED_CONTENT, tmp_path / "content", press=1))


@pytest.fixture
def quick_core(quick_content: ContentLibrary, db: Database) -> Knotbot:
    """The core with short holds (run it with QUICK limits)."""
    return Knotbot(settings=make_settings(), content=quick_content, db=db)
