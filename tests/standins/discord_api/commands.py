"""Application commands: syncing them over REST, and what Discord checks before it lets a
user invoke one (synced, available in this context, not hidden by default permissions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tests.standins.discord_api.errors import HttpError
from tests.standins.discord_api.guilds import GuildsMixin
from tests.standins.discord_api.models import ADMINISTRATOR
from tests.standins.discord_api.rest import Request

# Application command types: slash commands, and the user and message context menus.
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3
_KINDS = {CHAT_INPUT: "chat-input", USER_COMMAND: "user", MESSAGE_COMMAND: "message"}


class CommandsMixin(GuildsMixin):
    """Synced command definitions, as Discord echoed them back."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        """Synced application commands by guild id (None = global), as echoed back."""

    def command(self, name: str, guild_id: int | None = None) -> dict[str, Any] | None:
        """A synced command definition by name and scope (None = global)."""
        return next((c for c in self.commands.get(guild_id, []) if c["name"] == name), None)

    def _find_command(
        self, name: str, guild_id: int | None, kind: int = CHAT_INPUT
    ) -> tuple[dict[str, Any], int | None]:
        scopes: list[int | None] = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            found = next(
                (
                    c
                    for c in self.commands.get(scope, [])
                    if c["name"] == name and c.get("type", CHAT_INPUT) == kind
                ),
                None,
            )
            if found is not None:
                return found, scope
        synced = {str(k): [c["name"] for c in v] for k, v in self.commands.items()}
        shown = f"/{name}" if kind == CHAT_INPUT else repr(name)
        raise AssertionError(
            f"{shown} is not a synced {_KINDS.get(kind, kind)} command for guild {guild_id}"
            f" (synced: {synced})"
        )

    def _check_command_visible(
        self, command: Mapping[str, Any], perms: int, *, in_guild: bool
    ) -> None:
        contexts = command.get("contexts")
        context = 0 if in_guild else 1
        if contexts is not None and context not in contexts:
            raise AssertionError(f"/{command['name']} is not available in context {context}")
        if not in_guild and command.get("dm_permission") is False:
            raise AssertionError(f"/{command['name']} is not available in DMs")
        needed = command.get("default_member_permissions")
        if in_guild and needed is not None and not perms & ADMINISTRATOR:
            needed_int = int(needed)
            if perms & needed_int != needed_int:
                raise AssertionError(
                    f"Discord hides /{command['name']} from this member: needs permissions"
                    f" {needed_int}, member has {perms}"
                )

    # ---------------------------------------------------------------- REST handlers

    def _check_app(self, app_id: str) -> None:
        if int(app_id) != self.app_id:
            raise HttpError(403, 50001)

    async def _get_commands(
        self, req: Request, app_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        self._check_app(app_id)
        return 200, self.commands.get(int(guild_id) if guild_id else None, [])

    async def _put_commands(
        self, req: Request, app_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        self._check_app(app_id)
        if not isinstance(req.json, list):
            raise HttpError(400, 50035)
        scope = int(guild_id) if guild_id else None
        if scope is not None and scope not in self._guilds:
            raise HttpError(403, 50001)
        previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.commands.get(scope, [])}
        echoed = []
        for command in req.json:
            _check_localizations(command)
            kind = command.get("type", 1)
            item = {
                "id": previous.get((command["name"], kind)) or str(self._snowflake()),
                "application_id": str(self.app_id),
                "version": str(self._snowflake()),
                "type": kind,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
            }
            if item["default_member_permissions"] is not None:
                # discord.py sends an int; Discord answers with a string bitfield.
                item["default_member_permissions"] = str(item["default_member_permissions"])
            if scope is not None:
                item["guild_id"] = str(scope)
            echoed.append(item)
        self.commands[scope] = echoed
        return 200, echoed


# The locales Discord accepts in name_localizations and description_localizations.
LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)
_LOCAL_NAME = re.compile(r"^[-_\w]{1,32}$")


def _check_localizations(command: Mapping[str, Any]) -> None:
    """What Discord checks of localized names and descriptions (a bad one is a 400 for the
    whole sync): known locales, names as a command name must be, descriptions 1-100 chars."""
    names = command.get("name_localizations") or {}
    descriptions = command.get("description_localizations") or {}
    # A slash command's name is lower case without spaces; a user or message command's (a
    # context menu) may have capitals and spaces, 1-32 characters.
    menu = command.get("type", 1) in (2, 3)
    for locale, name in names.items():
        valid = (
            0 < len(name) <= 32 and name.strip() == name
            if menu
            else bool(_LOCAL_NAME.match(name)) and name == name.lower()
        )
        if locale not in LOCALES or not valid:
            raise HttpError(400, 50035, f"name_localizations.{locale}: invalid {name!r}")
    for locale, text in descriptions.items():
        if locale not in LOCALES or not 1 <= len(text) <= 100:
            raise HttpError(400, 50035, f"description_localizations.{locale}: invalid")
    for option in command.get("options") or ():
        _check_localizations(option)
