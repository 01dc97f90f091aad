"""Telegram's command menus (the lists behind "/"), built from the core's command table.

Telegram's counterpart of Discord's slash commands: a name and a line each; arguments are typed
after the name, so every command reaches the core as text whatever a menu shows. One menu per
scope, each derived from the table (`where`, and `moderators` on commands and subcommands):

    private chats         the commands usable there (`where` is not COMMUNITY)
    groups                the commands members use there (`where` is not PRIVATE)
    group administrators  the groups' menu with the moderators' commands, and lines that name
                          the subcommands only moderators use (`/tip`: "...; moderators: ...")
    default               the commands usable anywhere (for any chat no other scope covers)

Telegram shows a person the most specific menu that is set (administrators' before groups',
groups' or private chats' before the default), so each scope's list is complete on its own.
A menu is a convenience, not a permission: the core checks who may do what.

Each scope's menu is set once without a language (English, for everyone else) and once per
language the core speaks (`language_code`), with the lines from its catalogs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from bot.actions import Where
from bot.commands.spec import CommandSpec
from bot.i18n import LANGUAGES, Translator, translator

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 256
COMMANDS_LIMIT = 100  # per scope
_NAME = re.compile(r"[a-z0-9_]{1,32}")  # what Telegram accepts as a command name


def menu(
    commands: Iterable[CommandSpec], *, moderator: bool = False, t: Translator | None = None
) -> list[BotCommand]:
    """The entries for `commands`: those Telegram cannot list are left out (they still work
    typed); a moderator's lines name the moderators' subcommands too."""
    entries = [
        BotCommand(spec.name, spec.menu_line(moderator=moderator, t=t)[:DESCRIPTION_LIMIT])
        for spec in commands
        if _NAME.fullmatch(spec.name) and spec.description
    ]
    return entries[:COMMANDS_LIMIT]


def menus(
    commands: Iterable[CommandSpec], t: Translator | None = None
) -> list[tuple[BotCommandScope, list[BotCommand]]]:
    """Each scope with its menu (in `t`'s language), in the order they are registered."""
    table = list(commands)
    members = [spec for spec in table if not spec.moderators]
    anywhere = [spec for spec in members if spec.where is Where.ANYWHERE]
    private = [spec for spec in members if spec.where is not Where.COMMUNITY]
    groups = [spec for spec in members if spec.where is not Where.PRIVATE]
    moderators = [spec for spec in table if spec.where is not Where.PRIVATE]
    return [
        (BotCommandScopeDefault(), menu(anywhere, t=t)),
        (BotCommandScopeAllPrivateChats(), menu(private, t=t)),
        (BotCommandScopeAllGroupChats(), menu(groups, t=t)),
        (BotCommandScopeAllChatAdministrators(), menu(moderators, moderator=True, t=t)),
    ]


async def register(bot: Bot, commands: Iterable[CommandSpec]) -> None:
    """Register every scope's menu, in English for everyone and in each other language for
    the people whose app speaks it; a failure is not worth not starting (that scope keeps last
    time's menu), nor worth leaving the other scopes unset."""
    table = list(commands)
    for language in LANGUAGES:
        code = None if language == "en" else language
        for scope, entries in menus(table, translator(language)):
            try:
                await bot.set_my_commands(entries, scope=scope, language_code=code)
            except TelegramError as error:
                log.warning(
                    "telegram: could not register the %s command menu (%s): %s",
                    scope.type,
                    language,
                    error,
                )
