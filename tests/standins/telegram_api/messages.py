"""Messages the bot sends, edits and deletes, stored the way Telegram keeps them.

Texts go through :func:`~tests.standins.telegram_api.formatting.format_text` (parse_mode,
limits) and keyboards through :meth:`MessagesMixin._check_markup`, with Telegram's error texts.
"""

from __future__ import annotations

import time
from typing import Any

from tests.standins.telegram_api.chats import ChatsMixin
from tests.standins.telegram_api.formatting import format_text
from tests.standins.telegram_api.models import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_TEXT_LENGTH,
    NOT_MODIFIED,
    ApiCall,
    Json,
    StoredMessage,
    bad,
    inline_only,
)

_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


class MessagesMixin(ChatsMixin):
    """``messages`` by (chat id, message id), with per-chat message ids like Telegram."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self._next_message_id: dict[int, int] = {}

    def sent_messages(self, chat_id: int | None = None) -> list[StoredMessage]:
        """Messages the bot sent (still existing), in sending order."""
        found = [
            m
            for m in self.messages.values()
            if m.from_bot and (chat_id is None or m.chat_id == chat_id)
        ]
        return sorted(found, key=lambda m: (m.date, m.message_id))

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    @staticmethod
    def _check_markup(markup: Any) -> Json | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad("BUTTON_TEXT_INVALID")
                if not _BUTTON_ACTIONS & button.keys():
                    raise bad(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and (
                    not data or len(str(data).encode()) > MAX_CALLBACK_DATA_BYTES
                ):
                    raise bad("BUTTON_DATA_INVALID")
        return markup

    def _reply_to(self, chat_id: int, params: Json) -> int | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
        else:
            message_id = params.get("reply_to_message_id")
            allow = params.get("allow_sending_without_reply")
        if message_id is None:
            return None
        if (chat_id, message_id) not in self.messages:
            if allow:
                return None
            raise bad("message to be replied not found")
        return int(message_id)

    def _store_bot_message(self, chat_id: int, params: Json, **content: Any) -> Json:
        message = StoredMessage(
            chat_id=chat_id,
            message_id=self._new_message_id(chat_id),
            chat=self._chat(chat_id),
            from_user=self.bot_user,
            date=int(time.time()),
            from_bot=True,
            reply_markup=self._check_markup(params.get("reply_markup")),
            reply_to_message_id=self._reply_to(chat_id, params),
            **content,
        )
        self.messages[(chat_id, message.message_id)] = message
        return self._render(message)

    def _render(self, message: StoredMessage) -> Json:
        reply_to = None
        if message.reply_to_message_id is not None:
            reply_to = self.messages.get((message.chat_id, message.reply_to_message_id))
        return message.to_api(reply_to=reply_to)

    def _message_to_edit(self, params: Json) -> StoredMessage:
        chat_id = self._chat_id(params)
        message = self.messages.get((chat_id, params.get("message_id")))  # type: ignore[arg-type]
        if message is None:
            raise bad("message to edit not found")
        if not message.from_bot:
            raise bad("message can't be edited")
        return message

    # ---- Bot API methods ---------------------------------------------------------------------

    async def _send_message(self, params: Json, call: ApiCall) -> Json:
        chat_id = self._sendable_chat(params)
        raw = params.get("text")
        if raw is None or raw == "":
            raise bad("message text is empty")
        text, entities = format_text(
            raw,
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
            strict=self.strict_html,
        )
        if not text:
            raise bad("message text is empty")
        return self._store_bot_message(
            chat_id,
            params,
            text=text,
            raw_text=str(raw),
            parse_mode=params.get("parse_mode"),
            entities=entities,
        )

    async def _edit_message_text(self, params: Json, call: ApiCall) -> Json | bool:
        if params.get("inline_message_id"):
            return True
        message = self._message_to_edit(params)
        if message.text is None:
            raise bad("there is no text in the message to edit")
        raw = params.get("text")
        if raw is None or raw == "":
            raise bad("message text is empty")
        text, entities = format_text(
            raw,
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
            strict=self.strict_html,
        )
        if not text:
            raise bad("message text is empty")
        markup = self._check_markup(params.get("reply_markup"))
        current = (message.text, message.entities, inline_only(message.reply_markup))
        if (text, entities, inline_only(markup)) == current:
            raise bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.history.append(message.text)
        message.text, message.raw_text, message.entities = text, str(raw), entities
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return self._render(message)

    async def _edit_message_reply_markup(self, params: Json, call: ApiCall) -> Json | bool:
        if params.get("inline_message_id"):
            return True
        message = self._message_to_edit(params)
        markup = self._check_markup(params.get("reply_markup"))
        if inline_only(markup) == inline_only(message.reply_markup):
            raise bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return self._render(message)

    async def _delete_message(self, params: Json, call: ApiCall) -> bool:
        chat_id = self._chat_id(params)
        if self.messages.pop((chat_id, params.get("message_id")), None) is None:  # type: ignore[arg-type]
            raise bad("message to delete not found")
        return True
