"""Loopback stand-in of the Telegram Bot API, for tests that drive the real python-telegram-bot.

Point a real ``Application`` at it with::

    ApplicationBuilder().token(standin.token).base_url(standin.base_url)
        .base_file_url(standin.base_file_url).build()

It keeps state the way Telegram does (per-chat message ids, the current text and keyboard of
every message, the update queue with offsets), answers with Telegram's own error texts where
the bot is expected to cope with them, and records every call so tests can assert on the wire
traffic instead of on mocks.

Approximations, on purpose:

* HTML (``parse_mode=HTML``) is parsed like tdlib does (same tags, same error texts). With
  ``strict_html=True`` (the default) a bare ``>`` or a ``&`` that does not start an entity is
  rejected too: real Telegram shows those literally, but a bot that sends them forgot to escape
  user text, which is exactly what the tests want to catch.
* Length limits count code points of the text after HTML parsing, after trimming surrounding
  whitespace (like Telegram). Markdown/MarkdownV2 are not parsed: their raw length is counted.
* ``editMessageText`` without ``reply_markup`` removes the inline keyboard, like Telegram.
* Updates are only served through ``getUpdates``; a webhook set with ``setWebhook`` is
  remembered (``getUpdates`` then answers 409 like Telegram) but never called.
* Answers come at once, unless ``send_latency`` delays sends (half before the message is
  stored, half after; a client that hangs up meanwhile cancels the rest, like aiohttp does).

One module per concern; :class:`TelegramStandIn` (``server.py``) assembles them:

* ``models``: the records tests assert on (calls, messages, uploads) and Bot API errors
* ``wire``: how python-telegram-bot encodes a request, decoded back into parameters
* ``formatting``: parse_mode handling (tdlib's HTML parser), trimming, command entities
* ``calls``: the call log and waiting for calls
* ``failures``: injected error answers (``fail_next``)
* ``chats``: users, chats, administrators, blocking, getChatMember and friends
* ``messages``: sending, editing and deleting text messages; keyboard checks
* ``files``: photos, documents, getFile and the file download endpoint
* ``updates``: the update queue (``push_*``), getUpdates long polling, webhooks, callback answers
* ``commands``: setMyCommands / getMyCommands / deleteMyCommands
"""

from tests.standins.telegram_api.formatting import parse_html
from tests.standins.telegram_api.models import (
    CALLBACK_TOO_OLD,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    NOT_MODIFIED,
    ApiCall,
    ApiError,
    Json,
    StoredMessage,
    UploadedFile,
)
from tests.standins.telegram_api.server import TelegramStandIn

__all__ = [
    "CALLBACK_TOO_OLD",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "NOT_MODIFIED",
    "ApiCall",
    "ApiError",
    "Json",
    "StoredMessage",
    "TelegramStandIn",
    "UploadedFile",
    "parse_html",
]
