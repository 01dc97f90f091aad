"""A Discord interaction as a core event: who acted, where, and with which command or button.

These functions never raise on odd payloads: a field that is missing makes them return None,
and the adapter then only acknowledges the interaction.
"""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.delivery import PLATFORM, Handle
from bot.messages import ButtonPress, ChatKind, ChatRef, Command, MessageRef, UserRef


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
