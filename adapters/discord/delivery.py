"""Where knotbot's messages go on Discord: sending and editing, and the outbox.

Discord gives each interaction a token that answers it (within 3 s), sends follow-ups and
edits those messages for 15 minutes; ephemeral messages can only ever be edited with it.
After that a message can still be edited through its channel, with the bot's own
permissions, if it is not ephemeral. A `MessageRef` carries what both ways need (`Handle`,
in `extra`), so the outbox can edit a message a replier sent (a hold's countdown), and fix it
up after a restart too. Discord's answers are read as the core's errors by `to_delivery_error`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Awaitable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TypeVar

import aiohttp
import discord

from adapters.discord import render
from bot.messages import ChatKind, ChatRef, MessageRef, Reply
from bot.outbox import (
    DeliveryError,
    MessageGone,
    PlatformLimits,
    RateLimited,
    RecipientGone,
    TemporaryFailure,
)

log = logging.getLogger(__name__)

PLATFORM = "discord"
TOKEN_LIFETIME = 15 * 60.0
# Use an interaction token for edits only while it has this much life left; then the channel.
TOKEN_MARGIN = 60.0
NONCE_LIMIT = 25

# Forbidden 50007: the user's DMs are closed; unknown user / channel; 50033: invalid recipient.
_RECIPIENT_GONE_CODES = {50007, 10013, 10003, 50033}
# The interaction token no longer works (expired or unknown): edit through the channel instead.
_TOKEN_GONE_CODES = {10015, 50027, 10062}

T = TypeVar("T")


@dataclass(frozen=True)
class Handle:
    """How to edit a message later; stored as JSON in `MessageRef.extra`.

    `token` is the interaction token that sent the message (absent for plain channel
    messages), `created` when that interaction was created (epoch seconds), `original`
    whether the message is the interaction's original response (`@original`).
    """

    app_id: int | None = None
    token: str | None = None
    created: float = 0.0
    ephemeral: bool = False
    original: bool = False

    def to_extra(self) -> str:
        values = {k: v for k, v in asdict(self).items() if v not in (None, False, 0.0)}
        return json.dumps(values, separators=(",", ":")) if values else ""

    @classmethod
    def from_extra(cls, extra: str) -> Handle:
        """Tolerant: a ref from an older version or a broken row is just a channel message."""
        try:
            values = json.loads(extra) if extra else {}
            return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})
        except (ValueError, TypeError):
            return cls()

    def token_usable(self, now: float) -> bool:
        expires = self.created + TOKEN_LIFETIME - TOKEN_MARGIN
        return bool(self.token and self.app_id) and now < expires


class Doing(StrEnum):
    """What the adapter was doing when Discord said no; the same answer means different things."""

    SEND = "send"  # a new message to a user or channel
    ANSWER = "answer"  # answering an interaction (its token)
    EDIT = "edit"  # changing a message that exists


def to_delivery_error(exc: BaseException, doing: Doing) -> DeliveryError | None:
    """Discord's answer as the core's error, or None for a bug that should surface as is."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, discord.RateLimited):  # discord.py would have to wait too long
        return RateLimited(exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        what = f"Discord said {exc.status} (code {exc.code}): {exc.text}"
        if exc.status == 429:  # a 429 discord.py did not retry (e.g. Cloudflare's)
            return RateLimited(_retry_after(exc), what)
        if exc.status >= 500:
            return TemporaryFailure(what)
        if doing is Doing.EDIT and exc.status in (403, 404):
            return MessageGone(what)
        if doing is Doing.SEND and (exc.code in _RECIPIENT_GONE_CODES or exc.status in (403, 404)):
            return RecipientGone(what)
        return DeliveryError(what)  # e.g. an interaction answered too late: nobody is gone
    if isinstance(exc, discord.ConnectionClosed | aiohttp.ClientError | TimeoutError | OSError):
        return TemporaryFailure(f"connection trouble: {exc!r}")
    return None


async def translated(call: Awaitable[T], doing: Doing) -> T:
    """Await a discord.py call, raising the core's error for Discord's."""
    try:
        return await call
    except Exception as exc:
        error = to_delivery_error(exc, doing)
        if error is None or error is exc:
            raise
        raise error from exc


def _retry_after(exc: discord.HTTPException) -> float:
    try:
        return float(exc.response.headers.get("Retry-After", "5"))
    except (AttributeError, TypeError, ValueError):
        return 5.0


def _token_gone(exc: Exception) -> bool:
    return isinstance(exc, discord.HTTPException) and (
        exc.status == 401 or exc.code in _TOKEN_GONE_CODES
    )


def nonce(key: str, index: int) -> str:
    """A message nonce (<= 25 chars) for part `index` of the logical message `key`."""
    raw = key if index == 0 else f"{key}#{index}"
    if len(raw) <= NONCE_LIMIT:
        return raw
    return hashlib.sha256(raw.encode()).hexdigest()[:NONCE_LIMIT]


class LiveInteractions:
    """Interactions whose answer the core goes on editing (a hold's countdown), by token.

    Discord edits an interaction's first answer as `@original`; discord.py reaches that
    endpoint through the `Interaction` object only, so the replier leaves it here and the
    outbox finds it by the token in a message's `Handle`. Entries go once the token expires.
    """

    def __init__(self) -> None:
        self._by_token: dict[str, discord.Interaction] = {}  # oldest first

    def add(self, interaction: discord.Interaction) -> None:
        now = time.time()
        while self._by_token:  # forget the expired ones, oldest first
            oldest = next(iter(self._by_token.values()))
            if oldest.created_at.timestamp() + TOKEN_LIFETIME > now:
                break
            del self._by_token[oldest.token]
        self._by_token.setdefault(interaction.token, interaction)

    def get(self, token: str) -> discord.Interaction | None:
        return self._by_token.get(token)

    def clear(self) -> None:
        self._by_token.clear()


async def edit_message(
    client: discord.Client, live: LiveInteractions, ref: MessageRef, reply: Reply
) -> None:
    """Edit with the interaction token while it lasts, else through the channel.

    The first answer of an interaction is edited as `@original` while its interaction is at
    hand; a follow-up, or any message after a restart, by its id with the token as a webhook.
    """
    handle = Handle.from_extra(ref.extra)
    message = render.single(reply)
    try:
        message_id = int(ref.message_id)
        channel_id = int(ref.chat_id)
    except ValueError:
        raise MessageGone(f"not a Discord message: {ref.chat_id}/{ref.message_id}") from None
    if handle.token and handle.app_id and handle.token_usable(time.time()):
        interaction = live.get(handle.token) if handle.original else None
        try:
            if interaction is not None:
                await interaction.edit_original_response(**message.edit_kwargs())
            else:
                webhook = discord.Webhook.partial(handle.app_id, handle.token, client=client)
                await webhook.edit_message(message_id, **message.edit_kwargs())
            return
        except Exception as exc:
            if not _token_gone(exc):
                error = to_delivery_error(exc, Doing.EDIT)
                if error is None:
                    raise
                raise error from exc
            # Never log the ref itself: its extra holds the token.
            log.info("the interaction token for message %s no longer works", ref.message_id)
    if handle.ephemeral:
        raise MessageGone("an ephemeral message can only be edited while its token lasts")
    channel = client.get_partial_messageable(channel_id)
    partial = channel.get_partial_message(message_id)
    await translated(partial.edit(**message.edit_kwargs()), Doing.EDIT)


class DiscordOutbox:
    """The core's `Outbox` on Discord: hold frames, reminders, tips of the day, and fixing up
    messages after a restart, by chat and `MessageRef`."""

    def __init__(
        self, client: discord.Client, limits: PlatformLimits, live: LiveInteractions
    ) -> None:
        self._client = client
        self._limits = limits
        self._live = live

    @property
    def limits(self) -> PlatformLimits:
        return self._limits

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        """A DM to a PRIVATE chat (chat_id is the user's id), else a post in the channel.

        `key` becomes the message nonce with enforce_nonce, so Discord drops a retried
        duplicate of the same logical message.
        """
        self._check_connected()
        try:
            target = int(chat.chat_id)
        except ValueError:
            raise RecipientGone(f"not a Discord id: {chat.chat_id!r}") from None
        channel: discord.abc.Messageable
        if chat.kind is ChatKind.PRIVATE:
            channel = await translated(self._client.create_dm(discord.Object(target)), Doing.SEND)
        else:
            channel = self._client.get_partial_messageable(target)
        message: discord.Message | None = None
        for index, part in enumerate(render.layout(reply)):
            kwargs = part.send_kwargs()
            if key:
                kwargs["nonce"] = nonce(key, index)
            message = await translated(channel.send(**kwargs), Doing.SEND)
        assert message is not None
        return MessageRef(PLATFORM, str(message.channel.id), str(message.id))

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        self._check_connected()
        await edit_message(self._client, self._live, message, reply)

    def _check_connected(self) -> None:
        if self._client.is_closed() or self._client.user is None:
            raise TemporaryFailure("the Discord client is not connected")


async def acknowledge(interaction: discord.Interaction) -> None:
    """Answer an interaction the core cannot take (a malformed one) without saying anything."""
    with contextlib.suppress(Exception):
        if interaction.type is discord.InteractionType.component:
            await interaction.response.defer()
        elif interaction.type is discord.InteractionType.application_command:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.delete_original_response()
