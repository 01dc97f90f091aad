"""Telegram's command menu (the list behind "/"), built from the core's command table.

Telegram's counterpart of Discord's slash commands: a name and a line each; arguments are typed
after the name, so every command reaches the core as text whatever the menu shows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.commands.spec import CommandSpec

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 256
_NAME = re.compile(r"[a-z0-9_]{1,32}")  # what Telegram accepts as a command name


def menu(commands: Iterable[CommandSpec]) -> list[BotCommand]:
    """The menu entries: commands Telegram cannot list are left out (they still work typed)."""
    return [
        BotCommand(spec.name, spec.description[:DESCRIPTION_LIMIT])
        for spec in commands
        if _NAME.fullmatch(spec.name) and spec.description
    ]


async def register(bot: Bot, commands: Iterable[CommandSpec]) -> None:
    """Register the menu; a failure here is not worth not starting (last time's menu stays)."""
    try:
        await bot.set_my_commands(menu(commands))
    except TelegramError as error:
        log.warning("telegram: could not register the command menu: %s", error)
