"""The core's `Replier` on Discord: it answers one interaction (a slash command or a button
press) and then it is done.

Discord wants an answer within 3 s: a slow answer is deferred at 2 s ("thinking" for a
command, a silent update for a press) and filled in later. Everything after the event (a
hold's frames, reminders) goes through the outbox (`delivery.DiscordOutbox`) by `MessageRef`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord import render
from adapters.discord.delivery import PLATFORM, Doing, Handle, LiveInteractions, translated
from bot.messages import ChatRef, MessageRef, Reply
from bot.outbox import PlatformLimits, RecipientGone

log = logging.getLogger(__name__)

# A message the core will edit for longer than this is sent non-ephemerally (see `_ephemeral`).
LIVE_TOKEN_BUDGET = 13 * 60.0
# Discord drops an interaction that is not acknowledged within 3 s; defer a bit before that.
DEFER_AFTER = 2.0

_UPDATES = (
    discord.InteractionResponseType.deferred_message_update,
    discord.InteractionResponseType.message_update,
)


class InteractionReplier:
    """The core's `Replier` for one interaction (a slash command or a button press).

    A lock orders everything that answers the interaction, so the 2-second deferral and the
    core's own answer never race each other. The messages it sends carry the interaction's
    token in their `MessageRef`, and the interaction is left in `live`, so the outbox can
    edit them later (a hold's countdown).
    """

    def __init__(
        self,
        client: discord.Client,
        live: LiveInteractions,
        interaction: discord.Interaction,
        chat: ChatRef,
        limits: PlatformLimits,
        *,
        defer_after: float = DEFER_AFTER,
    ) -> None:
        self._client = client
        self._live = live
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
        """The interaction's response (or a follow-up once it has one); private in a server."""
        async with self._lock:
            ref = await self._send(reply)
        self._keep_if_live(reply)
        return ref

    async def update(self, reply: Reply) -> MessageRef:
        """In place of the pressed message ("update message"); anew for a slash command."""
        source = self._interaction.message
        if not self._is_press or source is None:
            return await self.reply(reply)
        ref = await self._update(reply, source)
        self._keep_if_live(reply)
        return ref

    def _keep_if_live(self, reply: Reply) -> None:
        """A message the core will go on editing (a hold's): the outbox needs the interaction
        to edit it as `@original`."""
        if reply.live_for > 0:
            self._live.add(self._interaction)

    async def _update(self, reply: Reply, source: discord.Message) -> MessageRef:
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

    async def notice(self, text: str) -> None:
        """An ephemeral message only the person who acted sees."""
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
