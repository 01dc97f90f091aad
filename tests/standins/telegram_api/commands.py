"""The bot's command list: setMyCommands, getMyCommands and deleteMyCommands per scope."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.standins.telegram_api.base import StandInBase
from tests.standins.telegram_api.models import ApiCall, Json, bad

_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class CommandsMixin(StandInBase):
    """``commands`` by (scope as sorted JSON, language code), as set by the bot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: dict[tuple[str, str], list[Json]] = {}

    @staticmethod
    def _commands_key(params: Json) -> tuple[str, str]:
        scope = params.get("scope")
        scope_key = json.dumps(scope, sort_keys=True) if scope else '{"type": "default"}'
        return scope_key, str(params.get("language_code") or "")

    async def _set_my_commands(self, params: Json, call: ApiCall) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad("commands not specified")
        for command in commands:
            if not isinstance(command, dict) or not _BOT_COMMAND_NAME_RE.match(
                str(command.get("command", ""))
            ):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad("command description must be non-empty")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _delete_my_commands(self, params: Json, call: ApiCall) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _get_my_commands(self, params: Json, call: ApiCall) -> list[Json]:
        return self.commands.get(self._commands_key(params), [])
