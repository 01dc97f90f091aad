"""Records of the Discord stand-in: the specs tests build guilds from, and what it stores.

Plain data: message flags, permissions, the public value types tests import, and the
internal record of a guild.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

EPHEMERAL = 1 << 6
"""Message flag: only the invoking user sees the message."""
LOADING = 1 << 7
"""Message flag: the "Bot is thinking..." state of a deferred interaction response."""
SUPPRESS_EMBEDS = 1 << 2

ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 51) - 1
DEFAULT_APP_PERMISSIONS = (
    (1 << 6)  # add reactions
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 18)  # use external emojis
    | (1 << 38)  # send messages in threads
)


@dataclass(frozen=True)
class ChannelSpec:
    """A guild channel for :meth:`DiscordStandIn.add_guild` (type 0 = text)."""

    id: int
    name: str
    type: int = 0
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None


@dataclass(frozen=True)
class RoleSpec:
    """A guild role; ``permissions`` is the Discord permission bitfield."""

    id: int
    name: str
    permissions: int = 0
    position: int = 1


@dataclass(frozen=True)
class MemberSpec:
    """A guild member (and the user behind it)."""

    id: int
    name: str
    roles: tuple[int, ...] = ()
    nick: str | None = None
    bot: bool = False


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    field: str
    filename: str
    size: int
    content_type: str | None


@dataclass
class RestCall:
    """One REST request as the stand-in saw it, with the status it answered."""

    method: str
    path: str
    """Path relative to the API base, e.g. ``/channels/1/messages`` (no query string)."""
    query: dict[str, str]
    json: Any
    """The JSON body, or the decoded ``payload_json`` part of a multipart body."""
    at: float
    """``time.monotonic()`` when the request arrived."""
    status: int = 0
    files: list[UploadedFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    response: Any = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(frozen=True)
class InjectedInteraction:
    """An interaction the stand-in sent over the gateway; ``payload`` is its INTERACTION_CREATE."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]


@dataclass
class StoredMessage:
    """Current server-side state of one message."""

    id: int
    channel_id: int
    author: dict[str, Any]
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    guild_id: int | None = None
    type: int = 0
    tts: bool = False
    nonce: str | int | None = None
    webhook_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    edited: datetime | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees this message."""
        return bool(self.flags & EPHEMERAL)

    def custom_ids(self) -> list[str]:
        """All component custom_ids on the message, depth first."""
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]

    def to_payload(self) -> dict[str, Any]:
        """The message object as Discord returns it."""
        payload: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "content": self.content,
            "embeds": self.embeds,
            "attachments": self.attachments,
            "components": self.components,
            "flags": self.flags,
            "author": self.author,
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": self.tts,
            "timestamp": self.created.isoformat(),
            "edited_timestamp": self.edited.isoformat() if self.edited else None,
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            payload["nonce"] = self.nonce
        if self.webhook_id is not None:
            payload["webhook_id"] = str(self.webhook_id)
            payload["application_id"] = str(self.webhook_id)
        if self.interaction_metadata is not None:
            payload["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            payload["message_reference"] = self.message_reference
        return payload


@dataclass
class Guild:
    """A guild the bot is in, as :meth:`DiscordStandIn.add_guild` built it."""

    id: int
    name: str
    owner_id: int
    channels: dict[int, ChannelSpec]
    roles: dict[int, RoleSpec]
    members: dict[int, MemberSpec]
    joined_at: datetime

    def permissions(self, role_ids: Iterable[int]) -> int:
        """What @everyone plus these roles grant; Administrator grants everything."""
        perms = self.roles[self.id].permissions
        for role_id in role_ids:
            role = self.roles.get(role_id)
            if role is not None:
                perms |= role.permissions
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms


def walk_components(components: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for component in components:
        yield component
        yield from walk_components(component.get("components", ()))
        if isinstance(component.get("component"), Mapping):
            yield from walk_components([component["component"]])
        if isinstance(component.get("accessory"), Mapping):
            yield from walk_components([component["accessory"]])
