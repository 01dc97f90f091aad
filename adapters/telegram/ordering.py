"""In which order Telegram updates are handled: one chat in order, different chats at once.

python-telegram-bot runs either every update one after another or all of them at once, each
holding one of `max_concurrent_updates` slots while it runs. Here the first update of a chat
becomes that chat's worker: it handles its own update, then every update of the chat that
arrived meanwhile, in order, and only it holds a slot. A later update of a busy chat joins the
chat's queue and gives its slot back at once, so one busy group (or a press waiting for a hold
to stop) never keeps other chats waiting for a slot.

Nothing is lost at shutdown: `Application.stop` waits for every update task it started, and a
worker's task ends only when its chat's queue is empty.

(discord.py runs each interaction as a task of its own, so Discord has no counterpart.)
"""

from __future__ import annotations

import inspect
import logging
from collections import deque
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Updates of one chat in the order they came; different chats concurrently."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        # A chat is here while its worker runs; the deque holds what waits behind it.
        self._waiting: dict[int, deque[Awaitable[Any]]] = {}

    def queued(self, chat_id: int) -> int:
        """How many updates of the chat wait behind the one being handled."""
        return len(self._waiting.get(chat_id, ()))

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:  # nothing to order it with
            await coroutine
            return
        waiting = self._waiting.get(chat.id)
        if waiting is not None:  # the chat's worker will handle it; free this slot now
            waiting.append(coroutine)
            return
        waiting = self._waiting[chat.id] = deque()
        try:
            await _handle(coroutine)
            while waiting:
                await _handle(waiting.popleft())
        finally:
            del self._waiting[chat.id]
            for left in waiting:  # only when cancelled: close them, they will not run
                _close(left)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing is waiting once the Application stopped (it waits for every worker)."""
        for waiting in self._waiting.values():
            for left in waiting:
                _close(left)
        self._waiting.clear()


async def _handle(coroutine: Awaitable[Any]) -> None:
    """One update; a failure is logged and the chat's next update still runs."""
    try:
        await coroutine
    except Exception:  # the Application's error handler already saw handler errors
        log.exception("telegram: handling an update failed")


def _close(coroutine: Awaitable[Any]) -> None:
    if inspect.iscoroutine(coroutine):
        coroutine.close()
