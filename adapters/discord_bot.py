"""The Discord adapter: slash commands and buttons in, knotbot's replies out (discord.py 2.7).

It translates and nothing else. Slash commands are generated from `Knotbot.commands` and
synced at start; an interaction becomes one core event (`adapters.discord.events`), handed to
`Knotbot.handle` with a replier for that interaction (`adapters.discord.delivery`), whose
replies are rendered by `adapters.discord.render`.

Buttons carry the core's stable action id as custom_id and are handled in `on_interaction`
whatever message they sit on, so they keep working after a restart without any per-message
state in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

from adapters.discord import events
from adapters.discord.delivery import DiscordOutbox, InteractionReplier, acknowledge
from adapters.errors import TokenRejected
from bot.commands.spec import ArgSpec, CommandSpec, SubcommandSpec
from bot.core import Knotbot
from bot.messages import Incoming
from bot.outbox import PlatformLimits
from bot.settings import Settings

log = logging.getLogger(__name__)

PLATFORM = events.PLATFORM
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
CHOICES_LIMIT = 25
CHOICE_TEXT_LIMIT = 100
DESCRIPTION_LIMIT = 100
CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True)
# A slash command's callback: the interaction, then the option's value when there is one.
Callback = Callable[..., Awaitable[None]]


def point_discord_py_at(settings: Settings) -> None:
    """Use the configured REST and gateway endpoints (a self-hosted proxy, a test stand-in).

    These are discord.py's two documented class-level settings, so they apply to the whole
    process; the defaults of the settings are discord.py's own values.
    """
    discord.http.Route.BASE = settings.discord_api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class DiscordAdapter:
    """One connection to Discord for one `Knotbot`: `start()`, then `stop()` (single use)."""

    def __init__(
        self,
        bot: Knotbot,
        settings: Settings,
        *,
        limits: PlatformLimits = LIMITS,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        self.bot = bot
        self.settings = settings
        self.limits = limits
        self.client = _KnotClient(self, guild_ready_timeout=guild_ready_timeout)
        self.tree = _KnotTree(self.client, self)
        for spec in bot.commands:
            try:
                self.tree.add_command(_slash_command(self, spec))
            except (TypeError, ValueError) as exc:  # a name or text Discord would refuse
                log.error("cannot offer /%s on Discord: %s", spec.name, exc)
        self.outbox = DiscordOutbox(self.client, limits)
        self._task: asyncio.Task[None] | None = None

    @property
    def connection(self) -> asyncio.Task[None] | None:
        """The running client; it ends when the client closes or fails for good."""
        return self._task

    async def start(self) -> None:
        """Log in, sync commands, connect; once ready, let the core fix up what a restart left."""
        token = self.settings.discord_token
        if token is None:
            raise ValueError("KNOTBOT_DISCORD_TOKEN is not set")
        point_discord_py_at(self.settings)
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
        await self.bot.start(PLATFORM, self.outbox)

    async def stop(self) -> None:
        """Stop running holds while still connected (their messages say so), then disconnect."""
        try:
            await self.bot.shutdown()
        finally:
            await self.client.close()
            if self._task is not None:
                await asyncio.wait({self._task}, timeout=10)
                if self._task.done() and not self._task.cancelled() and self._task.exception():
                    log.info("the Discord client ended with %r", self._task.exception())

    async def sync_commands(self) -> None:
        """Register the slash commands: in the dev server only (instant) or globally."""
        guild_id = self.settings.discord_dev_guild_id
        try:
            if guild_id:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
            else:
                synced = await self.tree.sync()
        except discord.HTTPException as exc:  # the commands synced last time still work
            log.warning("could not sync slash commands: %s", exc)
            return
        where = f"server {guild_id}" if guild_id else "all servers"
        log.info("synced %d slash commands to %s", len(synced), where)

    async def on_command(
        self,
        interaction: discord.Interaction,
        name: str,
        args: str,
        options: dict[str, str] | None = None,
    ) -> None:
        role = self.settings.discord_moderator_role_id
        await self._handle(interaction, events.command(interaction, name, args, role, options))

    async def on_unknown_command(self, interaction: discord.Interaction) -> None:
        """A command synced by an older version: the core answers it like a typed one."""
        role = self.settings.discord_moderator_role_id
        await self._handle(interaction, events.raw_command(interaction, role))

    async def on_press(self, interaction: discord.Interaction) -> None:
        role = self.settings.discord_moderator_role_id
        await self._handle(interaction, events.press(interaction, role))

    async def complete(self, kind: str, current: str) -> list[app_commands.Choice[str]]:
        try:
            found = self.bot.complete(kind, str(current or ""), limit=CHOICES_LIMIT)
        except Exception:
            log.exception("autocomplete for %s failed", kind)
            return []
        return [
            app_commands.Choice(name=label[:CHOICE_TEXT_LIMIT], value=value[:CHOICE_TEXT_LIMIT])
            for label, value in found
            if label.strip() and value.strip()
        ]

    async def _handle(self, interaction: discord.Interaction, event: Incoming | None) -> None:
        if event is None:
            log.info("ignoring an interaction knotbot cannot read: %s", interaction.id)
            await acknowledge(interaction)
            return
        replier = InteractionReplier(self.client, interaction, event.chat, self.limits)
        try:
            await self.bot.handle(event, replier)
        except Exception:  # the core catches its own errors; this is a last guard
            log.exception("handling interaction %s failed", interaction.id)
        finally:
            await replier.finish()


class _KnotClient(discord.AutoShardedClient):
    """Runs every shard Discord recommends, or the ones this process is given
    (KNOTBOT_DISCORD_SHARD_IDS of KNOTBOT_DISCORD_SHARD_COUNT) when a bot outgrows one process."""

    def __init__(self, adapter: DiscordAdapter, *, guild_ready_timeout: float) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # server names and roles; no privileged intents
        settings = adapter.settings
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),  # nothing the bot says pings
            guild_ready_timeout=guild_ready_timeout,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            shard_count=settings.discord_shard_count,
            shard_ids=settings.shard_ids,
        )
        self._adapter = adapter

    async def setup_hook(self) -> None:
        shard_ids = self._adapter.settings.shard_ids
        if shard_ids is None or 0 in shard_ids:  # one process registers the commands
            await self._adapter.sync_commands()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            await self._adapter.on_press(interaction)


class _KnotTree(app_commands.CommandTree[_KnotClient]):
    def __init__(self, client: _KnotClient, adapter: DiscordAdapter) -> None:
        super().__init__(client)
        self._adapter = adapter

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        # The tree could not run one of its callbacks: a stale or changed command.
        not_run = (
            app_commands.CommandNotFound,
            app_commands.CommandSignatureMismatch,
            app_commands.TransformerError,
        )
        if isinstance(error, not_run):
            if interaction.type is discord.InteractionType.application_command:
                await self._adapter.on_unknown_command(interaction)
            elif not interaction.response.is_done():  # autocomplete: offer nothing
                with contextlib.suppress(discord.HTTPException):
                    await interaction.response.autocomplete([])
            return
        await super().on_error(interaction, error)


def _slash_command(
    adapter: DiscordAdapter, spec: CommandSpec
) -> app_commands.Command | app_commands.Group:
    """A slash command for one core command: at most one string option, its ArgSpec; a command
    with subcommands becomes a group (`/tip share tip: area:`)."""
    if spec.subcommands:
        return _group(adapter, spec)
    arg = spec.arg
    description = spec.description[:DESCRIPTION_LIMIT]
    if arg is None:

        async def run(interaction: discord.Interaction) -> None:
            await adapter.on_command(interaction, spec.name, "")

        return app_commands.Command(
            name=spec.name, description=description, callback=run, allowed_contexts=CONTEXTS
        )
    callback = _required_arg(adapter, spec) if arg.required else _optional_arg(adapter, spec)
    app_commands.rename(value=arg.name)(callback)
    app_commands.describe(value=arg.description[:DESCRIPTION_LIMIT])(callback)
    command = app_commands.Command(
        name=spec.name, description=description, callback=callback, allowed_contexts=CONTEXTS
    )
    if arg.complete:
        command.autocomplete("value")(_completer(adapter, arg))
    return command


def _optional_arg(adapter: DiscordAdapter, spec: CommandSpec) -> Callback:
    async def run(interaction: discord.Interaction, value: str | None = None) -> None:
        await adapter.on_command(interaction, spec.name, value or "")

    return run


def _required_arg(adapter: DiscordAdapter, spec: CommandSpec) -> Callback:
    async def run(interaction: discord.Interaction, value: str) -> None:
        await adapter.on_command(interaction, spec.name, value)

    return run


def _completer(
    adapter: DiscordAdapter, arg: ArgSpec
) -> Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]:
    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await adapter.complete(arg.complete, current)

    return complete


def _group(adapter: DiscordAdapter, spec: CommandSpec) -> app_commands.Group:
    group = app_commands.Group(
        name=spec.name, description=spec.description[:DESCRIPTION_LIMIT], allowed_contexts=CONTEXTS
    )
    for sub in spec.subcommands:
        group.add_command(_subcommand(adapter, spec.name, sub))
    return group


def _subcommand(adapter: DiscordAdapter, parent: str, sub: SubcommandSpec) -> app_commands.Command:
    """`/tip share tip:<text> area:<spot>` reaches the core as Command("tip", "share <text>",
    {"area": spot}): the same as the typed `/tip share <text> area:<spot>`."""
    arg, option = sub.arg, sub.option

    async def forward(
        interaction: discord.Interaction, value: str | None, extra: str | None
    ) -> None:
        options = {option.name: extra} if option is not None and extra else {}
        await adapter.on_command(interaction, parent, f"{sub.name} {value or ''}", options)

    if arg is not None and option is not None:
        if arg.required:

            async def run(
                interaction: discord.Interaction, value: str, extra: str | None = None
            ) -> None:
                await forward(interaction, value, extra)
        else:

            async def run(  # type: ignore[misc]
                interaction: discord.Interaction, value: str | None = None, extra: str | None = None
            ) -> None:
                await forward(interaction, value, extra)
    elif arg is not None or option is not None:
        single = arg or option
        assert single is not None
        to_extra = arg is None
        if single.required:

            async def run(interaction: discord.Interaction, value: str) -> None:  # type: ignore[misc]
                await forward(interaction, None if to_extra else value, value if to_extra else None)
        else:

            async def run(interaction: discord.Interaction, value: str | None = None) -> None:  # type: ignore[misc]
                await forward(interaction, None if to_extra else value, value if to_extra else None)
    else:

        async def run(interaction: discord.Interaction) -> None:  # type: ignore[misc]
            await forward(interaction, None, None)

    names, descriptions = {}, {}
    if arg is not None or option is not None:
        first = arg or option
        assert first is not None
        names["value"], descriptions["value"] = first.name, first.description[:DESCRIPTION_LIMIT]
    if arg is not None and option is not None:
        names["extra"], descriptions["extra"] = option.name, option.description[:DESCRIPTION_LIMIT]
    if names:
        app_commands.rename(**names)(run)
        app_commands.describe(**descriptions)(run)
    command = app_commands.Command(
        name=sub.name, description=sub.description[:DESCRIPTION_LIMIT], callback=run
    )
    for parameter, spec in (("value", arg or option), ("extra", option if arg else None)):
        if spec is not None and spec.complete:
            command.autocomplete(parameter)(_completer(adapter, spec))
    return command


async def run_discord(bot: Knotbot, settings: Settings, stop: asyncio.Event) -> None:
    """Run knotbot on Discord until `stop` is set (or the connection fails for good)."""
    adapter = DiscordAdapter(bot, settings)
    stopping = asyncio.create_task(stop.wait())
    try:
        starting = asyncio.create_task(adapter.start())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            return
        starting.result()
        connection = adapter.connection
        assert connection is not None
        await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if connection.done() and not stop.is_set():
            connection.result()  # a fatal error: let the caller see it
    finally:
        stopping.cancel()
        await adapter.stop()
