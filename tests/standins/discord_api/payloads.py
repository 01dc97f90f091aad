"""Discord objects as the API sends them (users, roles, channels, members, guilds).

Pure functions of the stand-in's records, shared by the gateway (READY, GUILD_CREATE), the
REST routes and interaction payloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tests.standins.discord_api.models import ChannelSpec, Guild, MemberSpec, RoleSpec

Users = Mapping[int, dict[str, Any]]
"""Known users' payloads by id."""


def _iso(dt: datetime) -> str:
    return dt.isoformat()


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": None if bot else name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
    }


def role_payload(role: RoleSpec) -> dict[str, Any]:
    return {
        "id": str(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def channel_payload(guild_id: int, channel: ChannelSpec) -> dict[str, Any]:
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": str(channel.parent_id) if channel.parent_id else None,
        "topic": channel.topic,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def member_payload(guild: Guild, member: MemberSpec, users: Users) -> dict[str, Any]:
    return {
        "user": users[member.id],
        "roles": [str(r) for r in member.roles],
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "joined_at": _iso(guild.joined_at),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }


def guild_payload(guild: Guild, users: Users) -> dict[str, Any]:
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "features": [],
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "max_members": 500_000,
        "application_id": None,
        "joined_at": _iso(guild.joined_at),
        "large": False,
        "unavailable": False,
        # member_count == len(members) marks the guild as chunked, so discord.py does not
        # ask for members (op 8) even with the members intent.
        "member_count": len(guild.members),
        "roles": [role_payload(r) for r in guild.roles.values()],
        "channels": [channel_payload(guild.id, c) for c in guild.channels.values()],
        "members": [member_payload(guild, m, users) for m in guild.members.values()],
        "emojis": [],
        "stickers": [],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }
