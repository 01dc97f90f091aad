"""knotbot on Discord: the discord.py client built from settings, started and stopped. `run`
is what `knotbot run discord` calls.

Start: log in, register the slash commands, start the core (restart fix-ups, reminders),
then connect to the gateway, which is where interactions come from: none reaches the core
before it started, so a hold can always edit through the outbox (and `events` holds back any
that would). Stop: shut the core down while still connected (running holds say they stopped),
then disconnect. This module is the only one that starts or stops the core.

Buttons carry the core's stable action id as custom_id and are handled in `on_interaction`
whatever message they sit on, so they keep working after a restart without any per-message
state in memory; so are submitted forms (`modals`), by their fixed custom_id.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl

from adapters import startup
from adapters.discord.delivery import PLATFORM, DiscordOutbox, LiveInteractions
from adapters.discord.events import DiscordEvents
from adapters.discord.slash import SlashCommands
from adapters.errors import TokenRejected
from bot.core import Knotbot
from bot.outbox import PlatformLimits
from bot.settings import Settings

log = logging.getLogger(__name__)

# Edits of one message every 3 s fit Discord's per-channel buckets (about 5 per 5 s); 50
# requests/s is the global bot limit; about one new message per second per channel. Sends
# carry the core's key as nonce with enforce_nonce, so Discord drops a repeated send (for a
# few minutes).
LIMITS = PlatformLimits(
    min_edit_interval=3.0,
    sends_per_second=50.0,
    sends_per_chat_per_second=1.0,
    dedup_window=120.0,
)
# Above this discord.py raises RateLimited instead of sleeping, so the core can plan (30 is
# discord.py's minimum).
MAX_RATELIMIT_WAIT = 30.0
DISCONNECT_TIMEOUT = 10.0


def point_discord_py_at(settings: Settings) -> None:
    """Use the configured REST and gateway endpoints (a self-hosted proxy, a test stand-in).

    These are discord.py's two documented class-level settings, so they apply to the whole
    process; the defaults of the settings are discord.py's own values.
    """
    discord.http.Route.BASE = settings.discord_api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class DiscordApp:
    """One connection to Discord for one core: `start()`, then `stop()` (single use)."""

    def __init__(
        self,
        core: Knotbot,
        settings: Settings,
        *,
        limits: PlatformLimits = LIMITS,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        self._core = core
        self.settings = settings
        self.limits = limits
        self.client = _Client(self, settings, guild_ready_timeout=guild_ready_timeout)
        live = LiveInteractions()
        self.outbox = DiscordOutbox(self.client, limits, live)
        self.events = DiscordEvents(
            core, self.client, live, limits, settings.discord_moderator_role_id
        )
        self.commands = SlashCommands(self.client, self.events, core.commands)
        self._live = live
        self._task: asyncio.Task[None] | None = None
        self._core_started = False

    @property
    def connection(self) -> asyncio.Task[None] | None:
        """The running client; it ends when the client closes or fails for good."""
        return self._task

    async def start(self) -> None:
        """Log in, start the core, connect and wait until ready; on any failure (or
        cancellation), everything started so far is stopped again."""
        token = self.settings.discord_token
        if token is None:
            raise ValueError("KNOTBOT_DISCORD_TOKEN is not set")
        point_discord_py_at(self.settings)
        try:
            self._task = asyncio.create_task(self.client.start(token.get_secret_value()))
            ready = asyncio.create_task(self.client.wait_until_ready())
            try:
                await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                ready.cancel()
            if self._task.done():
                try:
                    self._task.result()  # raises why the client stopped
                except discord.LoginFailure:
                    raise TokenRejected("Discord rejected KNOTBOT_DISCORD_TOKEN") from None
                raise ConnectionError("the Discord client stopped before it was ready")
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Shut the core down while still connected (running holds say so), then disconnect."""
        self.events.close()
        try:
            if self._core_started:
                self._core_started = False
                await self._core.shutdown()
        finally:
            self._live.clear()
            await self.client.disconnect()
            if self._task is not None:
                await asyncio.wait({self._task}, timeout=DISCONNECT_TIMEOUT)
                if self._task.done() and not self._task.cancelled() and self._task.exception():
                    log.info("the Discord client ended with %r", self._task.exception())

    async def logged_in(self) -> None:
        """Logged in (REST works), not yet connected to the gateway: register the slash
        commands (from one process of several), then start the core."""
        shard_ids = self.settings.shard_ids
        if shard_ids is None or 0 in shard_ids:
            await self.commands.register(self.settings.discord_dev_guild_id)
        self._core_started = True
        await self._core.start(PLATFORM, self.outbox)
        self.events.core_started()


class _Client(discord.AutoShardedClient):
    """Runs every shard Discord recommends, or the ones this process is given
    (KNOTBOT_DISCORD_SHARD_IDS of KNOTBOT_DISCORD_SHARD_COUNT) when a bot outgrows one process."""

    def __init__(self, app: DiscordApp, settings: Settings, *, guild_ready_timeout: float) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # server names and roles; no privileged intents
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),  # nothing the bot says pings
            guild_ready_timeout=guild_ready_timeout,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            shard_count=settings.discord_shard_count,
            shard_ids=settings.shard_ids,
        )
        self._app = app
        self._connecting = False

    async def connect(self, *, reconnect: bool = True) -> None:
        self._connecting = True
        await super().connect(reconnect=reconnect)

    async def disconnect(self) -> None:
        """Close the connection, or only the HTTP session when login failed before connecting
        (discord.py's AutoShardedClient.close needs state that `connect` creates)."""
        if self._connecting:
            await self.close()
        else:
            await self.http.close()

    async def setup_hook(self) -> None:
        """discord.py's hook between logging in and connecting to the gateway."""
        await self._app.logged_in()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Button presses and submitted forms; slash commands, context-menu commands and
        autocomplete go through the command tree."""
        if interaction.type is discord.InteractionType.component:
            await self._app.events.on_press(interaction)
        elif interaction.type is discord.InteractionType.modal_submit:
            await self._app.events.on_form(interaction)


def unreachable(error: BaseException) -> bool:
    """Discord could not be reached (worth retrying), as opposed to refusing something."""
    retry = (OSError, aiohttp.ClientError, discord.GatewayNotFound, discord.DiscordServerError)
    return isinstance(error, retry)


async def run(core: Knotbot, settings: Settings, stop: asyncio.Event) -> None:
    """Run knotbot on Discord until `stop` is set (or the connection fails for good)."""

    async def connect() -> DiscordApp:
        app = DiscordApp(core, settings)
        await app.start()  # stops what it started if it fails or is cancelled
        return app

    app = await startup.when_reachable(connect, stop, unreachable=unreachable, platform="discord")
    if app is None:
        return
    stopping = asyncio.create_task(stop.wait())
    try:
        connection = app.connection
        assert connection is not None
        await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if connection.done() and not stop.is_set():
            connection.result()  # a fatal error: let the caller see it
    finally:
        stopping.cancel()
        await app.stop()
