"""Channels, DMs and messages: creating, fetching, editing and deleting them over REST.

Interaction responses create and edit messages through the same helpers
(:meth:`MessagesMixin._new_message`, :meth:`MessagesMixin._apply_edit`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.standins.discord_api.errors import HttpError
from tests.standins.discord_api.guilds import GuildsMixin
from tests.standins.discord_api.models import SUPPRESS_EMBEDS, StoredMessage, UploadedFile
from tests.standins.discord_api.rest import Request

if TYPE_CHECKING:
    from tests.standins.discord_api.interactions import InteractionState


class MessagesMixin(GuildsMixin):
    """``messages`` by id, deleted ones included (flagged ``deleted``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.messages: dict[int, StoredMessage] = {}

    def seed_message(
        self,
        channel_id: int,
        content: str = "",
        *,
        components: Sequence[Mapping[str, Any]] = (),
        embeds: Sequence[Mapping[str, Any]] = (),
        author_id: int | None = None,
        flags: int = 0,
    ) -> StoredMessage:
        """Put an existing message in a channel, e.g. one a previous bot run posted."""
        author_id = self.bot_user_id if author_id is None else author_id
        if author_id not in self._users:
            self.add_user(author_id)
        message = StoredMessage(
            id=self._snowflake(),
            channel_id=channel_id,
            author=self._users[author_id],
            content=content,
            embeds=[dict(e) for e in embeds],
            components=[dict(c) for c in components],
            flags=flags,
            guild_id=self._guild_of_channel(channel_id),
        )
        self.messages[message.id] = message
        return message

    # ---------------------------------------------------------------- inspection

    def message(self, message_id: int) -> StoredMessage:
        """The stored message (deleted ones too); KeyError if it never existed."""
        return self.messages[message_id]

    def messages_in(self, channel_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        """Messages of a channel, oldest first."""
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and (include_deleted or not m.deleted)
        ]

    # ---------------------------------------------------------------- REST handlers

    def _check_channel(self, channel_id: int) -> None:
        dm_user = next((u for u, c in self._dm_channels.items() if c == channel_id), None)
        if dm_user is not None:
            if dm_user in self._dms_closed:
                raise HttpError(403, 50007)
            return
        if self._guild_of_channel(channel_id) is None:
            raise HttpError(404, 10003)

    @staticmethod
    def _check_not_empty(data: Mapping[str, Any], files: Sequence[Any]) -> None:
        if not (
            data.get("content")
            or data.get("embeds")
            or data.get("components")
            or data.get("sticker_ids")
            or data.get("poll")
            or files
        ):
            raise HttpError(400, 50006)

    async def _create_message(self, req: Request, channel_id: str) -> tuple[int, Any]:
        cid = int(channel_id)
        self._check_channel(cid)
        data = req.json or {}
        self._check_not_empty(data, req.files)
        nonce = data.get("nonce")
        if nonce is not None and data.get("enforce_nonce"):
            for existing in self.messages.values():
                if existing.channel_id == cid and existing.nonce == nonce:
                    return 200, existing.to_payload()
        message = self._new_message(cid, data, req.files)
        return 200, message.to_payload()

    async def _typing(self, req: Request, channel_id: str) -> tuple[int, Any]:
        self._check_channel(int(channel_id))
        return 204, None

    def _channel_message(self, channel_id: str, message_id: str) -> StoredMessage:
        message = self.messages.get(int(message_id))
        if (
            message is None
            or message.deleted
            or message.channel_id != int(channel_id)
            or message.ephemeral
        ):
            raise HttpError(404, 10008)
        return message

    async def _get_message(self, req: Request, channel_id: str, message_id: str) -> tuple[int, Any]:
        return 200, self._channel_message(channel_id, message_id).to_payload()

    async def _edit_message(
        self, req: Request, channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._channel_message(channel_id, message_id)
        if int(message.author["id"]) != self.bot_user_id:
            raise HttpError(403, 50005)
        self._apply_edit(message, req.json or {}, req.files)
        return 200, message.to_payload()

    async def _delete_message(
        self, req: Request, channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        self._channel_message(channel_id, message_id).deleted = True
        return 204, None

    # ---------------------------------------------------------------- message state

    def _new_message(
        self,
        channel_id: int,
        data: Mapping[str, Any],
        files: Sequence[tuple[UploadedFile, bytes]],
        *,
        interaction: InteractionState | None = None,
    ) -> StoredMessage:
        message = StoredMessage(
            id=self._snowflake(),
            channel_id=channel_id,
            author=self._users[self.bot_user_id],
            content=data.get("content") or "",
            embeds=list(data.get("embeds") or []),
            components=list(data.get("components") or []),
            attachments=self._attachments(data.get("attachments"), files, []),
            flags=int(data.get("flags") or 0),
            allowed_mentions=data.get("allowed_mentions"),
            guild_id=self._guild_of_channel(channel_id),
            tts=bool(data.get("tts")),
            nonce=data.get("nonce"),
            message_reference=data.get("message_reference"),
        )
        if interaction is not None:
            message.webhook_id = self.app_id
            message.interaction_metadata = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user,
                "authorizing_integration_owners": interaction.payload[
                    "authorizing_integration_owners"
                ],
            }
        self.messages[message.id] = message
        return message

    def _apply_edit(
        self,
        message: StoredMessage,
        data: Mapping[str, Any],
        files: Sequence[tuple[UploadedFile, bytes]],
    ) -> None:
        if "content" in data:
            message.content = data["content"] or ""
        if "embeds" in data:
            message.embeds = list(data["embeds"] or [])
        if "components" in data:
            message.components = list(data["components"] or [])
        if "allowed_mentions" in data:
            message.allowed_mentions = data["allowed_mentions"]
        if "attachments" in data or files:
            message.attachments = self._attachments(
                data.get("attachments"), files, message.attachments
            )
        if data.get("flags") is not None:
            # Only SUPPRESS_EMBEDS can change on an existing message.
            message.flags = (message.flags & ~SUPPRESS_EMBEDS) | (
                int(data["flags"]) & SUPPRESS_EMBEDS
            )
        message.edited = datetime.now(UTC)
        message.edit_count += 1

    def _attachments(
        self,
        wanted: Sequence[Mapping[str, Any]] | None,
        files: Sequence[tuple[UploadedFile, bytes]],
        existing: Sequence[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        by_id = {a["id"]: a for a in existing}
        if wanted is None:
            wanted = [{"id": i} for i in range(len(files))]
            result = list(existing)
        else:
            result = []
        for item in wanted:
            key = str(item.get("id"))
            if key in by_id:
                result.append(by_id[key])
                continue
            index = int(item.get("id", -1))
            if not 0 <= index < len(files):
                continue
            upload, _content = files[index]
            attachment_id = str(self._snowflake())
            url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{upload.filename}"
            result.append(
                {
                    "id": attachment_id,
                    "filename": item.get("filename") or upload.filename,
                    "description": item.get("description"),
                    "size": upload.size,
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                }
            )
        return result
