"""The world the bot lives in: users, guilds (channels, roles, members) and DM channels.

Tests build it with :meth:`GuildsMixin.add_guild` and friends; the REST routes that only read
it (users, guilds, members, channels, opening a DM) live here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tests.standins.discord_api.base import StandInBase
from tests.standins.discord_api.errors import HttpError
from tests.standins.discord_api.models import ChannelSpec, Guild, MemberSpec, RoleSpec
from tests.standins.discord_api.payloads import (
    channel_payload,
    guild_payload,
    member_payload,
    user_payload,
)
from tests.standins.discord_api.rest import Request


class GuildsMixin(StandInBase):
    """Known users' payloads, guilds by id, and each user's DM channel."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._users: dict[int, dict[str, Any]] = {}
        self._guilds: dict[int, Guild] = {}
        self._dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self._dms_closed: set[int] = set()
        self._users[self.bot_user_id] = user_payload(self.bot_user_id, self.bot_name, bot=True)

    # ---------------------------------------------------------------- world setup

    def add_user(self, user_id: int, name: str | None = None, *, bot: bool = False) -> None:
        """Make a user known (for DMs and GET /users/{id}) without a shared guild."""
        self._users[user_id] = user_payload(user_id, name or f"user{user_id}", bot=bot)

    def add_guild(
        self,
        guild_id: int,
        name: str = "Test Guild",
        channels: Iterable[ChannelSpec | int] = (),
        roles: Iterable[RoleSpec] = (),
        members: Iterable[MemberSpec | int] = (),
        *,
        owner_id: int | None = None,
        everyone_permissions: int = 0,
    ) -> None:
        """Add a guild the bot is in; sent as GUILD_CREATE after READY (or at once if connected).

        Plain ints are accepted for text channels and members. The @everyone role (id =
        guild id) is added unless given, and the bot itself is always a member.
        """
        channel_specs = {
            c.id: c
            for c in (
                ch if isinstance(ch, ChannelSpec) else ChannelSpec(ch, f"channel-{i}", position=i)
                for i, ch in enumerate(channels)
            )
        }
        role_specs = {r.id: r for r in roles}
        role_specs.setdefault(guild_id, RoleSpec(guild_id, "@everyone", everyone_permissions, 0))
        member_specs = {
            m.id: m
            for m in (
                mb if isinstance(mb, MemberSpec) else MemberSpec(mb, f"user{mb}") for mb in members
            )
        }
        member_specs.setdefault(
            self.bot_user_id, MemberSpec(self.bot_user_id, self.bot_name, bot=True)
        )
        for member in member_specs.values():
            if member.id != self.bot_user_id:
                self._users[member.id] = user_payload(member.id, member.name, bot=member.bot)
        first_member = next((m for m in member_specs if m != self.bot_user_id), self.bot_user_id)
        guild = Guild(
            id=guild_id,
            name=name,
            owner_id=owner_id or first_member,
            channels=channel_specs,
            roles=role_specs,
            members=member_specs,
            joined_at=datetime.now(UTC),
        )
        self._guilds[guild_id] = guild
        self._guild_added(guild)

    def _guild_added(self, guild: Guild) -> None:
        """Hook called by :meth:`add_guild`; the gateway announces the guild if connected."""

    def set_dms_closed(self, user_id: int, closed: bool = True) -> None:
        """Make sends to this user's DM channel fail with 403 / 50007, like closed DMs."""
        if closed:
            self._dms_closed.add(user_id)
        else:
            self._dms_closed.discard(user_id)

    def dm_channel_id(self, user_id: int) -> int | None:
        """The DM channel opened with this user, if any."""
        return self._dm_channels.get(user_id)

    # ---------------------------------------------------------------- lookups

    def _bot_user_payload(self) -> dict[str, Any]:
        return {
            **self._users[self.bot_user_id],
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
            "email": None,
        }

    def _guild(self, guild_id: int) -> Guild:
        try:
            return self._guilds[guild_id]
        except KeyError:
            raise AssertionError(f"guild {guild_id} was not added with add_guild()") from None

    def _guild_of_channel(self, channel_id: int) -> int | None:
        return next((g.id for g in self._guilds.values() if channel_id in g.channels), None)

    def _default_channel(self, guild_id: int | None, user_id: int) -> int:
        if guild_id is None:
            return self._open_dm(user_id)
        guild = self._guild(guild_id)
        text = [c.id for c in guild.channels.values() if c.type == 0]
        if not text:
            raise AssertionError(f"guild {guild_id} has no text channel; pass channel_id")
        return text[0]

    def _open_dm(self, user_id: int) -> int:
        if user_id not in self._users:
            self.add_user(user_id)
        if user_id not in self._dm_channels:
            self._dm_channels[user_id] = self._snowflake()
        return self._dm_channels[user_id]

    def _dm_channel_payload(self, user_id: int) -> dict[str, Any]:
        return {
            "id": str(self._dm_channels[user_id]),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [self._users[user_id]],
        }

    # ---------------------------------------------------------------- REST handlers

    async def _get_user(self, req: Request, user_id: str) -> tuple[int, Any]:
        user = self._users.get(int(user_id))
        if user is None:
            raise HttpError(404, 10013)
        return 200, user

    async def _open_dm_route(self, req: Request) -> tuple[int, Any]:
        recipient = int((req.json or {}).get("recipient_id", 0))
        if not recipient:
            raise HttpError(400, 50035)
        self._open_dm(recipient)
        return 200, self._dm_channel_payload(recipient)

    async def _get_channel(self, req: Request, channel_id: str) -> tuple[int, Any]:
        cid = int(channel_id)
        for user_id, dm_id in self._dm_channels.items():
            if dm_id == cid:
                return 200, self._dm_channel_payload(user_id)
        gid = self._guild_of_channel(cid)
        if gid is None:
            raise HttpError(404, 10003)
        return 200, channel_payload(gid, self._guilds[gid].channels[cid])

    async def _get_guild(self, req: Request, guild_id: str) -> tuple[int, Any]:
        guild = self._guilds.get(int(guild_id))
        if guild is None:
            raise HttpError(404, 10004)
        payload = guild_payload(guild, self._users)
        for key in (
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
        ):
            payload.pop(key, None)
        return 200, payload

    async def _get_member(self, req: Request, guild_id: str, user_id: str) -> tuple[int, Any]:
        guild = self._guilds.get(int(guild_id))
        if guild is None:
            raise HttpError(404, 10004)
        member = guild.members.get(int(user_id))
        if member is None:
            raise HttpError(404, 10007)
        return 200, member_payload(guild, member, self._users)
