"""Interactions the stand-in sends: the INTERACTION_CREATE payload and the state Discord keeps
per interaction token; slash commands and autocomplete are injected here.

Buttons, selects and modals are in ``components.py``; the bot's answers in ``responses.py``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.standins.discord_api.gateway import GatewayMixin
from tests.standins.discord_api.models import (
    ChannelSpec,
    InjectedInteraction,
    MemberSpec,
    StoredMessage,
)
from tests.standins.discord_api.options import OptionsMixin
from tests.standins.discord_api.payloads import channel_payload, member_payload

# Interaction types.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5


@dataclass
class InteractionState:
    """What Discord keeps per interaction token: whether and how it was answered, and which
    messages its webhook may fetch, edit and delete.
    """

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    user: dict[str, Any]
    created_at: float
    source_message_id: int | None = None
    callback_type: int | None = None
    original_id: int | None = None
    message_ids: set[int] = field(default_factory=set)
    expired: bool = False


class InteractionsMixin(GatewayMixin, OptionsMixin):
    """Interaction state by token, and the modals the bot showed by custom_id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._interactions: dict[str, InteractionState] = {}
        self._modals: dict[str, dict[str, Any]] = {}

    def expire_interaction(self, interaction: InjectedInteraction) -> None:
        """Invalidate the interaction token, as Discord does after 15 minutes."""
        self._interactions[interaction.token].expired = True

    async def inject_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Mapping[str, Any]] = (),
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        subcommand: str | None = None,
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Send a chat-input command invocation as a user would trigger it.

        ``options`` maps option names to values, encoded with the types of the synced command
        (so ``{"minutes": "5"}`` arrives as the integer 5 for an integer option); a list is
        passed through as raw option dicts. ``subcommand`` is ``"sub"`` or ``"group sub"``.
        ``permissions`` defaults to what @everyone plus ``roles`` grant. Raises AssertionError
        for things the Discord client would not let a user send (unsynced command, unknown or
        missing required option, a choice outside the list, hidden by default permissions).
        """
        data, definition = self._command_data(name, options, subcommand, guild_id, focused=None)
        return await self._inject(
            APPLICATION_COMMAND,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
            command=definition,
        )

    async def inject_autocomplete(
        self,
        name: str,
        focused_option: str,
        value: str,
        options: Mapping[str, Any] | None = None,
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        subcommand: str | None = None,
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Send an autocomplete request (interaction type 4) for a partially typed option.

        The focused value is sent as the typed string, as Discord does; ``options`` are the
        other, already filled options. Answer with callback type 8.
        """
        data, definition = self._command_data(
            name, dict(options or {}), subcommand, guild_id, focused=(focused_option, value)
        )
        return await self._inject(
            AUTOCOMPLETE,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
            command=definition,
        )

    async def _inject(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        permissions: int | None,
        roles: Iterable[int],
        locale: str,
        command: dict[str, Any] | None = None,
        source: StoredMessage | None = None,
    ) -> InjectedInteraction:
        await self.wait_until_identified()
        if user_id not in self._users:
            self.add_user(user_id)
        user = self._users[user_id]
        interaction_id = self._snowflake()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "app_permissions": str(self.app_permissions),
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.attachment_size_limit,
        }
        if guild_id is not None:
            guild = self._guild(guild_id)
            member = guild.members.get(user_id)
            role_ids = tuple(roles) or (member.roles if member else ())
            if member is None:
                member = MemberSpec(user_id, user["username"], role_ids)
                guild.members[user_id] = member
            perms = guild.permissions(role_ids) if permissions is None else permissions
            if command is not None:
                self._check_command_visible(command, perms, in_guild=True)
            channel_id = (
                channel_id if channel_id is not None else self._default_channel(guild_id, user_id)
            )
            channel = guild.channels.get(channel_id) or ChannelSpec(
                channel_id, f"channel-{channel_id}"
            )
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                channel_id=str(channel_id),
                channel={**channel_payload(guild_id, channel), "permissions": str(perms)},
                member={
                    **member_payload(guild, member, self._users),
                    "roles": [str(r) for r in role_ids],
                    "permissions": str(perms),
                },
                authorizing_integration_owners={"0": str(guild_id)},
                context=0,
            )
        else:
            if command is not None:
                self._check_command_visible(command, 0, in_guild=False)
            if channel_id is None:
                channel_id = self._open_dm(user_id)
            payload.update(
                channel_id=str(channel_id),
                channel={
                    "id": str(channel_id),
                    "type": 1,
                    "last_message_id": None,
                    "flags": 0,
                    "recipients": [user],
                },
                user=user,
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if source is not None:
            payload["message"] = source.to_payload()
        self._interactions[token] = InteractionState(
            id=interaction_id,
            token=token,
            type=kind,
            payload=payload,
            channel_id=channel_id,
            guild_id=guild_id,
            user=user,
            created_at=time.monotonic(),
            source_message_id=source.id if source else None,
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return InjectedInteraction(interaction_id, token, kind, payload)
