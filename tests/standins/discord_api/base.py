"""The part of the Discord stand-in every other part builds on: the bot's application and
identity, where the server listens, and fresh snowflakes.

:class:`~tests.standins.discord_api.server.DiscordStandIn` is assembled from one mixin per
concern; each mixin sets up its own state in a cooperative ``__init__`` on top of this one.
"""

from __future__ import annotations

import itertools
import time

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000


class StandInBase:
    """The bot's token, application and user, and the settings every concern reads."""

    def __init__(
        self,
        token: str,
        *,
        app_id: int,
        bot_user_id: int,
        bot_name: str,
        heartbeat_interval_ms: int,
        interaction_deadline: float | None,
        app_permissions: int,
        attachment_size_limit: int,
    ) -> None:
        self.token = token
        self.app_id = app_id
        self.bot_user_id = bot_user_id
        self.bot_name = bot_name
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        """Seconds an interaction may wait for its callback (Discord: 3); None disables it."""
        self.app_permissions = app_permissions
        self.attachment_size_limit = attachment_size_limit
        self._snowflake_seq = itertools.count()
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("DiscordStandIn is not started")
        return self._port

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE`` / KNOTBOT_DISCORD_API_BASE_URL."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` / KNOTBOT_DISCORD_GATEWAY_URL."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def _snowflake(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._snowflake_seq) & 0x3FFFFF)
