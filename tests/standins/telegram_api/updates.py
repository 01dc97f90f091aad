"""The update queue: what tests push (messages, button presses, membership changes) and how
the bot receives it (getUpdates long polling; webhooks are only remembered).

Callback queries live here too: pushing a button press creates the query that
answerCallbackQuery may answer once.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from typing import Any

from tests.standins.telegram_api.formatting import command_entities
from tests.standins.telegram_api.messages import MessagesMixin
from tests.standins.telegram_api.models import (
    CALLBACK_TOO_OLD,
    DEFAULT_ERROR_DESCRIPTIONS,
    ApiCall,
    ApiError,
    Json,
    StoredMessage,
    bad,
)

# Update types Telegram only sends when they are asked for in ``allowed_updates``.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdatesMixin(MessagesMixin):
    """``pending_updates`` until confirmed by a getUpdates offset; ``callback_answers`` by id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.callback_answers: dict[str, Json] = {}
        self.webhook_url: str | None = None
        self.pending_updates: list[Json] = []
        self._callback_queries: set[str] = set()
        self._update_ids = itertools.count(1)
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._closing = False
        self._updates_changed = asyncio.Event()

    # ---- update injection --------------------------------------------------------------------

    def push_update(self, raw: Json) -> int:
        """Queue an update as-is (for malformed or unusual ones); assigns update_id if missing."""
        update = dict(raw)
        if "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        else:
            update_id = int(update["update_id"])
            self._update_ids = itertools.count(max(update_id + 1, next(self._update_ids)))
        self.pending_updates.append(update)
        self._wake_polls()
        return int(update["update_id"])

    def push_text(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        chat_type: str = "private",
        first_name: str = "Ada",
        language_code: str = "en",
        *,
        username: str | None = None,
        title: str | None = None,
    ) -> int:
        """Queue a text message from a user; commands get their ``bot_command`` entities."""
        user = self._remember_user(user_id, first_name, language_code, username)
        chat = self._remember_chat(chat_id, chat_type, title=title, user=user)
        message = StoredMessage(
            chat_id=chat_id,
            message_id=self._new_message_id(chat_id),
            chat=chat,
            from_user=user,
            date=int(time.time()),
            from_bot=False,
            text=text,
            raw_text=text,
            entities=command_entities(text),
        )
        self.messages[(chat_id, message.message_id)] = message
        return self.push_update({"message": message.to_api()})

    def push_callback(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        chat_type: str | None = None,
        *,
        first_name: str = "Ada",
        language_code: str = "en",
    ) -> int:
        """Queue a button press on a stored message; the query id is ``cbq<update_id>``.

        ``chat_type`` defaults to the type the chat already has (or its id implies).
        """
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise LookupError(
                f"no stored message {message_id} in chat {chat_id}; "
                f"known: {sorted(k for k in self.messages if k[0] == chat_id)}"
            )
        user = self._remember_user(user_id, first_name, language_code, None)
        self._remember_chat(chat_id, chat_type or self._chat(chat_id)["type"], user=user)
        update_id = next(self._update_ids)
        query_id = f"cbq{update_id}"
        self._callback_queries.add(query_id)
        return self.push_update(
            {
                "update_id": update_id,
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": message.to_api(),
                    "chat_instance": str(abs(chat_id) * 7919 % 10**12),
                    "data": data,
                },
            }
        )

    def push_my_chat_member(
        self,
        chat_id: int,
        user_id: int,
        new_status: str,
        *,
        old_status: str | None = None,
        chat_type: str | None = None,
        first_name: str = "Ada",
    ) -> int:
        """Queue a change of the bot's own membership (``kicked`` = the user blocked the bot).

        Sends to that chat answer 403 while the status is ``kicked`` or ``left``, like Telegram.
        """
        user = self._remember_user(user_id, first_name, "en", None)
        chat_type = chat_type or self._chat(chat_id)["type"]
        chat = self._remember_chat(chat_id, chat_type, user=user)
        if old_status is None:
            old_status = "member" if new_status in {"kicked", "left"} else "kicked"
        if new_status in {"kicked", "left"}:
            if chat_type == "private":
                self._blocked[chat_id] = "Forbidden: bot was blocked by the user"
            else:
                self._blocked[chat_id] = f"Forbidden: bot was kicked from the {chat_type} chat"
        else:
            self._blocked.pop(chat_id, None)
        return self.push_update(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": self._member(self.bot_user, old_status),
                    "new_chat_member": self._member(self.bot_user, new_status),
                }
            }
        )

    def _wake_polls(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    # ---- Bot API methods ---------------------------------------------------------------------

    def _deliverable(self) -> list[Json]:
        allowed = self._allowed_updates
        out = []
        for update in self.pending_updates:
            kinds = set(update) - {"update_id"}
            if allowed:
                if kinds & set(allowed):
                    out.append(update)
            elif not kinds & _OPT_IN_UPDATES:
                out.append(update)
        return out

    async def _get_updates(self, params: Json, call: ApiCall) -> list[Json]:
        """Long polling: confirm by offset, then wait up to ``timeout`` for updates."""
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int):
            if offset < 0:
                self.pending_updates = self.pending_updates[offset:]
            else:
                self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed] or None
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout")
        timeout = float(timeout) if isinstance(timeout, int | float) else 0.0

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_polls()  # an older poll still waiting gets 409, like Telegram
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._closing:
                return []
            if generation != self._poll_generation:
                raise ApiError(409, DEFAULT_ERROR_DESCRIPTIONS[409])
            batch = self._deliverable()[:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0:
                return batch
            event = self._updates_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def _delete_webhook(self, params: Json, call: ApiCall) -> bool:
        self.webhook_url = None
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        return True

    async def _set_webhook(self, params: Json, call: ApiCall) -> bool:
        self.webhook_url = str(params.get("url") or "") or None
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        self._wake_polls()
        return True

    async def _get_webhook_info(self, params: Json, call: ApiCall) -> Json:
        return {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates),
        }

    async def _answer_callback_query(self, params: Json, call: ApiCall) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_queries or query_id in self.callback_answers:
            raise bad(CALLBACK_TOO_OLD.removeprefix("Bad Request: "))
        self.callback_answers[query_id] = dict(params)
        return True
