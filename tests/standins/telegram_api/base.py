"""The part of the Telegram stand-in every other part builds on: the bot it plays Telegram for.

:class:`~tests.standins.telegram_api.server.TelegramStandIn` is assembled from one mixin per
concern; each mixin sets up its own state in a cooperative ``__init__`` on top of this one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.standins.telegram_api.models import ApiCall, Json

Handler = Callable[[Json, ApiCall], Awaitable[Any]]
"""A Bot API method: decoded parameters and the call record in, the call's ``result`` out."""


class StandInBase:
    """The bot's token and identity, which every concern of the stand-in needs."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_id: int,
        *,
        bot_first_name: str,
        strict_html: bool,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.strict_html = strict_html
        self.bot_user: Json = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
