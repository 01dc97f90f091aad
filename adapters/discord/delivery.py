"""Where knotbot's messages go on Discord: interaction replies, edits, and the outbox.

Discord gives each interaction a token that answers it (within 3 s), sends follow-ups and
edits those messages for 15 minutes; ephemeral messages can only ever be edited with it.
After that a message can still be edited through its channel, with the bot's own
permissions, if it is not ephemeral. A `MessageRef` carries what both ways need (`Handle`,
in `extra`), so a message can be fixed up after a restart too.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Awaitable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, TypeVar

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
# A message the core will edit for longer than this is sent non-ephemerally (see `_ephemeral`).
LIVE_TOKEN_BUDGET = 13 * 60.0
# Discord drops an interaction that is not acknowledged within 3 s; defer a bit before that.
DEFER_AFTER = 2.0
NONCE_LIMIT = 25

# Forbidden 50007: the user's DMs are closed; unknown user / channel; 50033: invalid recipient.
_RECIPIENT_GONE_CODES = {50007, 10013, 10003, 50033}
# The interaction token no longer works (expired or unknown): edit through the channel instead.
_TOKEN_GONE_CODES = {10015, 50027, 10062}

_UPDATES = (
    discord.InteractionResponseType.deferred_message_update,
    discord.InteractionResponseType.message_update,
)

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


def delivery_error(exc: BaseException, doing: Doing) -> DeliveryError | None:
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
        error = delivery_error(exc, doing)
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


async def edit_message(
    client: discord.Client,
    ref: MessageRef,
    reply: Reply,
    *,
    interaction: discord.Interaction | None = None,
) -> None:
    """Edit with the interaction token while it lasts, else through the channel.

    `interaction`, when it is the one that sent the message, edits `@original` through it;
    otherwise (after a restart) the token from the ref is used as a webhook.
    """
    handle = Handle.from_extra(ref.extra)
    message = render.single(reply)
    try:
        message_id = int(ref.message_id)
        channel_id = int(ref.chat_id)
    except ValueError:
        raise MessageGone(f"not a Discord message: {ref.chat_id}/{ref.message_id}") from None
    if handle.token and handle.app_id and handle.token_usable(time.time()):
        try:
            if interaction is not None and interaction.token == handle.token:
                if handle.original:
                    await interaction.edit_original_response(**message.edit_kwargs())
                else:
                    await interaction.followup.edit_message(message_id, **message.edit_kwargs())
            else:
                webhook = discord.Webhook.partial(handle.app_id, handle.token, client=client)
                await webhook.edit_message(message_id, **message.edit_kwargs())
            return
        except Exception as exc:
            if not _token_gone(exc):
                error = delivery_error(exc, Doing.EDIT)
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


class InteractionReplier:
    """The core's `Replier` for one interaction (a slash command or a button press).

    A lock orders everything that answers the interaction, so the 2-second deferral and the
    core's own answer never race each other.
    """

    def __init__(
        self,
        client: discord.Client,
        interaction: discord.Interaction,
        chat: ChatRef,
        limits: PlatformLimits,
        *,
        defer_after: float = DEFER_AFTER,
    ) -> None:
        self._client = client
        self._interaction = interaction
        self._chat = chat
        self._limits = limits
        self._lock = asyncio.Lock()
        # Deferred with "thinking": the first follow-up fills that message; True = ephemeral.
        self._thinking: bool | None = None
        self._timer = asyncio.create_task(self._defer_later(defer_after), name="discord-defer")

    @property
    def limits(self) -> PlatformLimits:
        return self._limits

    @property
    def _is_press(self) -> bool:
        return self._interaction.type is discord.InteractionType.component

    def _ephemeral(self, reply: Reply) -> bool:
        """Private replies stay private in a server; DMs are private anyway.

        A message the core will keep editing for longer than an interaction token lasts is
        sent visibly, so the bot can go on editing it through the channel.
        """
        return self._chat.is_community and reply.private and reply.live_for <= LIVE_TOKEN_BUDGET

    async def reply(self, reply: Reply) -> MessageRef:
        async with self._lock:
            return await self._send(reply)

    async def update(self, reply: Reply) -> MessageRef:
        source = self._interaction.message
        if not self._is_press or source is None:
            return await self.reply(reply)
        async with self._lock:
            response = self._interaction.response
            first, *rest = render.layout(reply)
            if not response.is_done():
                await translated(response.edit_message(**first.edit_kwargs()), Doing.EDIT)
            elif response.type in _UPDATES:
                # After a (deferred) update, @original is the pressed message.
                await translated(
                    self._interaction.edit_original_response(**first.edit_kwargs()), Doing.EDIT
                )
            else:  # already answered with a message of its own: answer anew
                return await self._send(reply)
            ephemeral = bool(source.flags.ephemeral)
            ref = self._ref(source.id, ephemeral=ephemeral, original=True)
            for part in rest:
                ref = await self._followup(part, ephemeral)
            return ref

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        await edit_message(self._client, message, reply, interaction=self._interaction)

    async def notice(self, text: str) -> None:
        async with self._lock:
            kwargs: dict[str, Any] = {
                "content": render.escape(text)[: render.CONTENT_LIMIT] or render.EMPTY,
                "ephemeral": True,
                "allowed_mentions": render.NO_MENTIONS,
            }
            response = self._interaction.response
            if not response.is_done():
                await translated(response.send_message(**kwargs), Doing.ANSWER)
            else:
                await translated(self._interaction.followup.send(**kwargs), Doing.ANSWER)
                self._thinking = None

    async def finish(self) -> None:
        """After the core is done: make sure Discord does not report a failed interaction."""
        self._timer.cancel()
        async with self._lock:
            response = self._interaction.response
            try:
                if not response.is_done() and self._is_press:
                    await response.defer()  # acknowledged; the pressed message stays as it is
                elif not response.is_done():
                    # A command the core answered with nothing visible (e.g. /stop, whose hold
                    # message says it all): Discord needs a response, so think, then vanish.
                    await response.defer(ephemeral=True, thinking=True)
                    await self._interaction.delete_original_response()
                elif self._thinking is not None:
                    await self._interaction.delete_original_response()
                    self._thinking = None
            except Exception as exc:
                log.info("could not acknowledge interaction %s: %r", self._interaction.id, exc)

    # -- internals -------------------------------------------------------------------------

    async def _send(self, reply: Reply) -> MessageRef:
        ephemeral = self._ephemeral(reply)
        parts = render.layout(reply)
        if self._thinking is not None and self._thinking != ephemeral:
            # Deferred as private, but this message must be visible (a long live message):
            # the "thinking" message cannot change, so it goes and the channel gets the message.
            await translated(self._interaction.delete_original_response(), Doing.ANSWER)
            self._thinking = None
            return await self._channel_send(parts)
        response = self._interaction.response
        ref: MessageRef | None = None
        for part in parts:
            if not response.is_done():
                kwargs = part.send_kwargs()
                sent = await translated(
                    response.send_message(**kwargs, ephemeral=ephemeral), Doing.ANSWER
                )
                message_id = sent.message_id
                if message_id is None:
                    message_id = (await self._interaction.original_response()).id
                ref = self._ref(message_id, ephemeral=ephemeral, original=True)
            else:
                ref = await self._followup(part, ephemeral)
        assert ref is not None  # layout() always gives at least one message
        return ref

    async def _followup(self, part: render.OutMessage, ephemeral: bool) -> MessageRef:
        sent = await translated(
            self._interaction.followup.send(**part.send_kwargs(), ephemeral=ephemeral, wait=True),
            Doing.ANSWER,
        )
        filled_thinking = self._thinking is not None
        self._thinking = None
        return self._ref(sent.id, ephemeral=ephemeral, original=filled_thinking)

    async def _channel_send(self, parts: list[render.OutMessage]) -> MessageRef:
        channel_id = self._interaction.channel_id
        if channel_id is None:
            raise RecipientGone("the interaction has no channel")
        channel = self._client.get_partial_messageable(channel_id)
        message: discord.Message | None = None
        for part in parts:
            message = await translated(channel.send(**part.send_kwargs()), Doing.SEND)
        assert message is not None
        return MessageRef(PLATFORM, str(channel_id), str(message.id))

    def _ref(self, message_id: int, *, ephemeral: bool, original: bool) -> MessageRef:
        interaction = self._interaction
        handle = Handle(
            app_id=interaction.application_id,
            token=interaction.token,
            created=round(interaction.created_at.timestamp(), 3),
            ephemeral=ephemeral,
            original=original,
        )
        return MessageRef(
            PLATFORM, str(interaction.channel_id or ""), str(message_id), handle.to_extra()
        )

    async def _defer_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        async with self._lock:
            response = self._interaction.response
            if response.is_done():
                return
            try:
                if self._is_press:
                    await response.defer()  # an update; the answer may still be a new message
                else:
                    ephemeral = self._chat.is_community  # most replies in a server are private
                    await response.defer(ephemeral=ephemeral, thinking=True)
                    self._thinking = ephemeral
            except Exception as exc:
                log.info("could not defer interaction %s: %r", self._interaction.id, exc)


class DiscordOutbox:
    """The core's `Outbox`: messages nobody asked for just now, and fixing up old ones."""

    def __init__(self, client: discord.Client, limits: PlatformLimits) -> None:
        self._client = client
        self._limits = limits

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
        await edit_message(self._client, message, reply)

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
