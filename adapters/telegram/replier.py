"""The core's `Replier` on Telegram: it answers one update, in its chat, and then it is done.

Everything later (a hold's frames, reminders) goes through the platform's outbox
(`delivery.TelegramOutbox`) by `MessageRef`.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery
from telegram.error import TelegramError

from adapters.telegram.delivery import Delivery
from adapters.telegram.render import valid_text
from bot.messages import MessageRef, Reply, text
from bot.outbox import PlatformLimits

log = logging.getLogger(__name__)

TOAST_LIMIT = 200  # characters in a callback query answer


class TelegramReplier:
    """Answers one update: in its chat (and topic), quoting the user's message in groups; a
    button press is answered on the pressed message, and its spinner stopped once."""

    def __init__(
        self,
        delivery: Delivery,
        limits: PlatformLimits,
        chat_id: int,
        *,
        quote: int | None = None,
        thread: int | None = None,
        query: CallbackQuery | None = None,
        pressed: MessageRef | None = None,
    ) -> None:
        self._delivery = delivery
        self._limits = limits
        self._chat_id = chat_id
        self._quote = quote
        self._thread = thread
        self._query = query
        self._pressed = pressed
        self._answered = query is None

    @property
    def limits(self) -> PlatformLimits:
        return self._limits

    async def reply(self, reply: Reply) -> MessageRef:
        """A new message. Reply.private has no meaning here: no Telegram message is seen by
        only one member of a group."""
        return await self._delivery.send(
            self._chat_id, reply, quote=self._quote, thread=self._thread, patient=True
        )

    async def update(self, reply: Reply) -> MessageRef:
        """In place of the pressed message; a new message when nothing was pressed."""
        if self._pressed is None:
            return await self.reply(reply)
        return await self._delivery.replace(self._pressed, reply, thread=self._thread)

    async def notice(self, note: str) -> None:
        """A toast on the pressed button when it can be one, else a short message."""
        if len(note) <= TOAST_LIMIT and await self.answer_button(note):
            return
        await self.reply(Reply((text(note),)))

    async def answer_button(self, toast: str | None = None) -> bool:
        """Answer the callback query, once (Telegram shows a spinner until then)."""
        if self._answered or self._query is None:
            return False
        self._answered = True  # before awaiting: a second caller must not answer again
        try:
            await self._query.answer(valid_text(toast) if toast else None)
        except TelegramError as error:  # too old (e.g. after a restart): nothing to stop
            log.info("telegram: could not answer a button press: %s", error)
            return False
        return True
