"""The aiohttp server: lifecycle, and the table of REST routes the stand-in implements.

:class:`DiscordStandIn` is assembled from one mixin per concern (see the package docstring).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web

from tests.standins.discord_api.base import API_PREFIX
from tests.standins.discord_api.components import ComponentsMixin
from tests.standins.discord_api.models import DEFAULT_APP_PERMISSIONS
from tests.standins.discord_api.payloads import user_payload
from tests.standins.discord_api.responses import ResponsesMixin
from tests.standins.discord_api.rest import Request, RestMixin, Route


class DiscordStandIn(ResponsesMixin, ComponentsMixin, RestMixin):
    """An aiohttp server on 127.0.0.1 that speaks enough Discord for the real discord.py client.

    Use ``async with DiscordStandIn() as discord_api:``, point discord.py at
    :attr:`api_base` / :attr:`gateway_url`, add guilds, inject interactions and assert on
    :attr:`calls` and :attr:`messages`.
    """

    def __init__(
        self,
        token: str = "TEST.TOKEN",
        *,
        app_id: int = 1_100_000_000_000_000_001,
        bot_user_id: int = 1_100_000_000_000_000_002,
        bot_name: str = "knotbot",
        heartbeat_interval_ms: int = 41_250,
        interaction_deadline: float | None = 3.0,
        app_permissions: int = DEFAULT_APP_PERMISSIONS,
        attachment_size_limit: int = 10 * 1024 * 1024,
    ) -> None:
        super().__init__(
            token,
            app_id=app_id,
            bot_user_id=bot_user_id,
            bot_name=bot_name,
            heartbeat_interval_ms=heartbeat_interval_ms,
            interaction_deadline=interaction_deadline,
            app_permissions=app_permissions,
            attachment_size_limit=attachment_size_limit,
        )
        self._runner: web.AppRunner | None = None
        self._routes = self._build_routes()

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start listening on an ephemeral loopback port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close gateway connections and the server; safe to call twice.

        Close the discord.py client first: a client still connected when the gateway goes away
        treats it as an outage and starts reconnecting with backoff.
        """
        for task in list(self._tasks):
            task.cancel()
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"stand-in stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- REST server

    def _build_routes(self) -> list[Route]:
        app = r"(?P<app_id>\d+)"
        token = r"(?P<token>[^/]+)"
        table: list[tuple[str, str, Callable[..., Any], bool]] = [
            ("GET", r"/users/@me", self._get_me, True),
            ("GET", r"/users/(?P<user_id>\d+)", self._get_user, True),
            ("POST", r"/users/@me/channels", self._open_dm_route, True),
            ("GET", r"/oauth2/applications/@me", self._get_application, True),
            ("GET", r"/applications/@me", self._get_application, True),
            ("GET", r"/gateway", self._get_gateway, False),
            ("GET", r"/gateway/bot", self._get_gateway_bot, True),
            ("GET", rf"/applications/{app}/commands", self._get_commands, True),
            ("PUT", rf"/applications/{app}/commands", self._put_commands, True),
            (
                "GET",
                rf"/applications/{app}/guilds/(?P<guild_id>\d+)/commands",
                self._get_commands,
                True,
            ),
            (
                "PUT",
                rf"/applications/{app}/guilds/(?P<guild_id>\d+)/commands",
                self._put_commands,
                True,
            ),
            (
                "POST",
                rf"/interactions/(?P<interaction_id>\d+)/{token}/callback",
                self._callback,
                False,
            ),
            (
                "GET",
                rf"/webhooks/{app}/{token}/messages/(?P<message_id>@original|\d+)",
                self._webhook_get,
                False,
            ),
            (
                "PATCH",
                rf"/webhooks/{app}/{token}/messages/(?P<message_id>@original|\d+)",
                self._webhook_edit,
                False,
            ),
            (
                "DELETE",
                rf"/webhooks/{app}/{token}/messages/(?P<message_id>@original|\d+)",
                self._webhook_delete,
                False,
            ),
            ("POST", rf"/webhooks/{app}/{token}", self._webhook_followup, False),
            ("GET", r"/channels/(?P<channel_id>\d+)", self._get_channel, True),
            ("POST", r"/channels/(?P<channel_id>\d+)/messages", self._create_message, True),
            ("POST", r"/channels/(?P<channel_id>\d+)/typing", self._typing, True),
            (
                "GET",
                r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)",
                self._get_message,
                True,
            ),
            (
                "PATCH",
                r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)",
                self._edit_message,
                True,
            ),
            (
                "DELETE",
                r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)",
                self._delete_message,
                True,
            ),
            ("GET", r"/guilds/(?P<guild_id>\d+)", self._get_guild, True),
            ("GET", r"/guilds/(?P<guild_id>\d+)/members/(?P<user_id>\d+)", self._get_member, True),
        ]
        routes = []
        for method, regex, handler, auth in table:
            bucket = hashlib.sha1(f"{method} {regex}".encode()).hexdigest()[:32]
            routes.append(Route(method, re.compile(regex), handler, auth, bucket))
        return routes

    # ---------------------------------------------------------------- REST handlers

    async def _get_me(self, req: Request) -> tuple[int, Any]:
        return 200, self._bot_user_payload()

    async def _get_application(self, req: Request) -> tuple[int, Any]:
        owner = user_payload(self.app_id + 1, "owner")
        return 200, {
            "id": str(self.app_id),
            "name": self.bot_name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": owner,
            "team": None,
            "bot": self._users[self.bot_user_id],
            "hook": True,
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "tags": [],
        }
