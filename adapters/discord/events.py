"""Discord interactions as core events: who acted, where, and with which command or button.

    /knot area:jaw (slash command)   -> Command(chat, user, "knot", "jaw")
    /tip share tip:... area:jaw      -> Command(chat, user, "tip", "share ...", {"area": "jaw"})
    the tip form submitted (modals)  -> Command(chat, user, "tip", "share ...", {"area": "jaw"})
    a command an older version synced -> Command(chat, user, name, its first text option)
    button press (any message)       -> ButtonPress(chat, user, custom_id, the pressed message)
    autocomplete                     -> Knotbot.complete (no event)

Each event is handed to `Knotbot.handle` with an `InteractionReplier` for it, once the core
has started (interactions that come earlier wait, deferred in time). A server channel is a
community chat; Manage Server, Administrator or the configured role make a moderator.

The translation functions never raise on odd payloads: a field that is missing makes them
return None, and the interaction is then only acknowledged.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord import modals, routine_form
from adapters.discord.delivery import PLATFORM, Handle, LiveInteractions, acknowledge
from adapters.discord.replier import InteractionReplier
from bot.core import Knotbot
from bot.messages import ButtonPress, ChatKind, ChatRef, Command, Incoming, MessageRef, UserRef
from bot.outbox import PlatformLimits

log = logging.getLogger(__name__)

CHOICES_LIMIT = 25
CHOICE_TEXT_LIMIT = 100


class DiscordEvents:
    """What the client and the slash commands call: each builds one core event for `core`."""

    def __init__(
        self,
        core: Knotbot,
        client: discord.Client,
        live: LiveInteractions,
        limits: PlatformLimits,
        moderator_role_id: int | None,
    ) -> None:
        self._core = core
        self._client = client
        self._live = live
        self._limits = limits
        self._role = moderator_role_id
        self._started = asyncio.Event()
        self._closed = False

    def core_started(self) -> None:
        """From now on events reach the core (until `close`)."""
        self._started.set()

    def close(self) -> None:
        """No more events for the core: those still waiting are only acknowledged."""
        self._closed = True
        self._started.set()

    async def on_command(
        self,
        interaction: discord.Interaction,
        name: str,
        args: str,
        options: dict[str, object] | None = None,
    ) -> None:
        """A slash command of the core's table, its options read by the command tree."""
        await self._handle(interaction, command(interaction, name, args, self._role, options))

    async def on_unknown_command(self, interaction: discord.Interaction) -> None:
        """A command synced by an older version: the core answers it like a typed one."""
        await self._handle(interaction, raw_command(interaction, self._role))

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Any component interaction, whatever message it comes from."""
        await self._handle(interaction, press(interaction, self._role))

    async def on_form(self, interaction: discord.Interaction) -> None:
        """A submitted form: the command it fills in (a form knotbot does not know: ignored)."""
        said = modals.submitted(interaction) or routine_form.submitted(interaction)
        if said is None:
            log.info("ignoring a form knotbot does not know: %s", interaction.id)
            return
        name, args, options = said
        await self._handle(interaction, command(interaction, name, args, self._role, options))

    def spots(self, language: str = "en") -> list[tuple[str, str]]:
        """The spots a form offers, as (label, value): the core's autocomplete choices, named
        in the client's `language`."""
        try:
            return self._core.complete("areas", "", limit=modals.CHOICES_LIMIT, language=language)
        except Exception:
            log.exception("could not list the spots for a form")
            return []

    async def complete(
        self, kind: str, current: str, language: str = "en"
    ) -> list[app_commands.Choice[str]]:
        """Autocomplete choices (areas, techniques, time zones) as Discord takes them, named in
        the client's `language`."""
        try:
            found = self._core.complete(
                kind, str(current or ""), limit=CHOICES_LIMIT, language=language
            )
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
        # Made first: its timer defers the interaction in time even while the core starts.
        replier = InteractionReplier(
            self._client, self._live, interaction, event.chat, self._limits
        )
        try:
            await self._started.wait()
            if not self._closed:
                await self._core.handle(event, replier)
        except Exception:  # the core catches its own errors; this is a last guard
            log.exception("handling interaction %s failed", interaction.id)
        finally:
            await replier.finish()


def chat_of(interaction: discord.Interaction) -> ChatRef | None:
    """A server channel is a COMMUNITY chat; a DM is PRIVATE, named by the user's id."""
    if interaction.guild_id is not None:
        if interaction.channel_id is None:
            return None
        return ChatRef(
            PLATFORM,
            str(interaction.channel_id),
            ChatKind.COMMUNITY,
            community_id=str(interaction.guild_id),
            community_name=getattr(interaction.guild, "name", None) or "",  # None if uncached
        )
    user = _user(interaction)
    return None if user is None else ChatRef(PLATFORM, str(user.id), ChatKind.PRIVATE)


def is_moderator(interaction: discord.Interaction, moderator_role_id: int | None) -> bool:
    """Manage Server (or Administrator), or the configured moderator role; never in DMs."""
    if interaction.guild_id is None:
        return False
    permissions = interaction.permissions  # the member's permissions as Discord resolved them
    if permissions.manage_guild or permissions.administrator:
        return True
    member = _user(interaction)
    if moderator_role_id is None or not isinstance(member, discord.Member):
        return False
    return member.get_role(moderator_role_id) is not None


def user_of(interaction: discord.Interaction, moderator_role_id: int | None) -> UserRef | None:
    user = _user(interaction)
    if user is None:
        return None
    return UserRef(
        PLATFORM,
        str(user.id),
        user.display_name,
        str(interaction.locale) if interaction.locale else None,
        is_moderator=is_moderator(interaction, moderator_role_id),
    )


def command(
    interaction: discord.Interaction,
    name: str,
    args: object,
    moderator_role_id: int | None,
    options: dict[str, object] | None = None,
) -> Command | None:
    """Option values become text: a command synced by another version may send a number."""
    chat, user = chat_of(interaction), user_of(interaction, moderator_role_id)
    if chat is None or user is None:
        return None
    named = {key: str(value) for key, value in (options or {}).items() if value is not None}
    return Command(chat, user, name.lower(), str(args or "").strip(), named)


def raw_command(interaction: discord.Interaction, moderator_role_id: int | None) -> Command | None:
    """A command the command tree does not know (synced by an older version): name and text."""
    data: Any = interaction.data
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return None
    args = next(
        (
            o["value"]
            for o in data.get("options") or ()
            if isinstance(o, dict) and isinstance(o.get("value"), str)
        ),
        "",
    )
    return command(interaction, data["name"], args, moderator_role_id)


def press(interaction: discord.Interaction, moderator_role_id: int | None) -> ButtonPress | None:
    """Any component interaction: its custom_id is the core's Button.action."""
    data: Any = interaction.data
    custom_id = data.get("custom_id") if isinstance(data, dict) else None
    if not isinstance(custom_id, str) or not custom_id:
        return None
    chat, user = chat_of(interaction), user_of(interaction, moderator_role_id)
    if chat is None or user is None:
        return None
    return ButtonPress(chat, user, custom_id, pressed_message(interaction))


def pressed_message(interaction: discord.Interaction) -> MessageRef | None:
    """The message carrying the pressed button (no token: it was sent by an older interaction)."""
    message = interaction.message
    if message is None or interaction.channel_id is None:
        return None
    handle = Handle(ephemeral=bool(message.flags.ephemeral))
    return MessageRef(PLATFORM, str(interaction.channel_id), str(message.id), handle.to_extra())


def _user(interaction: discord.Interaction) -> discord.User | discord.Member | None:
    user = interaction.user
    # discord.py leaves `user` as MISSING when a payload has neither member nor user.
    return user if isinstance(user, discord.User | discord.Member) else None
