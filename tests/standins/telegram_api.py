"""Loopback stand-in of the Telegram Bot API, for tests that drive the real python-telegram-bot.

Point a real ``Application`` at it with::

    ApplicationBuilder().token(standin.token).base_url(standin.base_url)
        .base_file_url(standin.base_file_url).build()

It keeps state the way Telegram does (per-chat message ids, the current text and keyboard of
every message, the update queue with offsets), answers with Telegram's own error texts where
the bot is expected to cope with them, and records every call so tests can assert on the wire
traffic instead of on mocks.

Wire format (python-telegram-bot 22.8, ``telegram/request/_requestparameter.py``): a request
is ``application/x-www-form-urlencoded`` (or ``multipart/form-data`` when it uploads a file);
string parameters are sent as-is and every other value is JSON-encoded. A text of ``"42"`` and
an integer ``42`` are therefore indistinguishable on the wire, so parameters that are strings in
the Bot API (see ``_STRING_PARAMS``) are never JSON-decoded. JSON bodies and query strings are
accepted as well.

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
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

Json = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
CALLBACK_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)

# Bot API parameters whose type is String: kept verbatim, never JSON-decoded.
_STRING_PARAMS = frozenset(
    {
        "action",
        "address",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_title",
        "description",
        "document",
        "emoji",
        "explanation",
        "file_id",
        "inline_message_id",
        "ip_address",
        "language_code",
        "message_effect_id",
        "name",
        "parse_mode",
        "photo",
        "query",
        "secret_token",
        "short_description",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
        "video",
        "voice",
    }
)

# Update types Telegram only sends when they are asked for in ``allowed_updates``.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_DEFAULT_ERROR_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

_RESTRICTED_PERMISSIONS = [
    "is_member",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_send_messages",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_manage_topics",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_edit_tag",
]

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

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?(?![A-Za-z0-9_@/])")
_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_HTML_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """A file uploaded with multipart/form-data (e.g. by ``sendDocument``)."""

    field: str
    filename: str
    content_type: str
    size: int
    file_id: str
    data: bytes = field(repr=False)


@dataclass
class ApiCall:
    """One request the bot made, as decoded by the stand-in.

    ``params`` holds decoded values; an uploaded file appears there (and in ``files``) as an
    :class:`UploadedFile`. ``failed`` is set when the answer was an error (injected or real).
    """

    method: str
    params: Json
    at: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    failed: bool = False
    error_code: int | None = None
    description: str | None = None
    result: Any = None


@dataclass
class StoredMessage:
    """The current state of one message, as Telegram would report it.

    ``text``/``caption`` are what users see (HTML tags removed, entities decoded, trimmed);
    ``raw_text`` is exactly what the bot sent.
    """

    chat_id: int
    message_id: int
    chat: Json
    from_user: Json
    date: int
    from_bot: bool
    text: str | None = None
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: list[Json] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[Json] = field(default_factory=list)
    reply_markup: Json | None = None
    photo: list[Json] | None = None
    document: Json | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    history: list[str] = field(default_factory=list)

    def to_api(self, *, reply_to: StoredMessage | None = None) -> Json:
        """Render the message as a Bot API ``Message`` object."""
        data: Json = {
            "message_id": self.message_id,
            "from": dict(self.from_user),
            "chat": dict(self.chat),
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if reply_to is not None:
            data["reply_to_message"] = reply_to.to_api()
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = [dict(e) for e in self.entities]
        if self.photo is not None:
            data["photo"] = [dict(p) for p in self.photo]
        if self.document is not None:
            data["document"] = dict(self.document)
        if self.caption is not None:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = [dict(e) for e in self.caption_entities]
        # Telegram echoes inline keyboards only; reply keyboards are not part of the message.
        if inline := _inline_only(self.reply_markup):
            data["reply_markup"] = inline
        return data


class ApiError(Exception):
    """A Bot API error answer; raised inside method handlers."""

    def __init__(self, error_code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> Json:
        """Render as Telegram's error body."""
        body: Json = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class _FailRule:
    method: str
    error_code: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | None

    def matches(self, method: str, params: Json) -> bool:
        if self.method != method.lower() or self.remaining <= 0:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


# --------------------------------------------------------------------------------------------
# HTML parsing, after tdlib's parse_html (td/telegram/MessageEntity.cpp)
# --------------------------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_html_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decode the entity starting at ``text[index] == '&'``; None when it is not one."""
    match = _HTML_ENTITY_RE.match(text, index)
    if match is None:
        return None
    decimal, hexadecimal, named = match.groups()
    if named:
        return _HTML_NAMED[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[Json]]:
    """Parse Telegram HTML into (plain text, entities); raise ApiError 400 like Telegram.

    Error texts follow tdlib. ``strict`` additionally rejects a bare ``>`` and a ``&`` that
    starts no entity, which Telegram would display literally (see the module docstring).
    """

    def fail(reason: str) -> ApiError:
        return _bad(f"can't parse entities: {reason}")

    out: list[str] = []
    offset = 0  # UTF-16 offset into the plain text, as Telegram counts entity offsets
    stack: list[tuple[str, str, int, int]] = []  # (tag, argument, utf16 offset, entity index)
    entities: list[Json | None] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                offset += _utf16_len(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise fail(
                    f'Unescaped "&" at byte offset {_byte_offset(text, i)} '
                    "(stand-in strict_html; Telegram would show it literally)"
                )
        if char == ">" and strict:
            raise fail(
                f'Unescaped ">" at byte offset {_byte_offset(text, i)} '
                "(stand-in strict_html; Telegram would show it literally)"
            )
        if char != "<":
            out.append(char)
            offset += _utf16_len(char)
            i += 1
            continue

        begin = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {begin}")
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise fail(f"Unclosed end tag at byte offset {begin}")
            tag, argument, start, slot = stack.pop()
            if end_name and end_name != tag:
                raise fail(
                    f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                    f'found "</{end_name}>"'
                )
            length = offset - start
            if length > 0:
                entities[slot] = _html_entity(tag, argument, start, length, entities)
            i = j + 1
            continue

        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise fail(f"Unclosed start tag at byte offset {begin}")
        tag = text[i + 1 : j].lower()
        if tag not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while text[j] != ">":
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            if text[j] == ">":
                break
            name_start = j
            while j < n and not text[j].isspace() and text[j] not in "=>":
                j += 1
            attribute = text[name_start:j].lower()
            if not attribute:
                raise fail(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            if text[j] != "=":
                if tag == "blockquote" and attribute == "expandable":
                    argument = "expandable"
                continue
            j += 1
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            value_chars: list[str] = []
            if text[j] in "'\"":
                quote = text[j]
                j += 1
                while j < n and text[j] != quote:
                    decoded = _decode_html_entity(text, j) if text[j] == "&" else None
                    if decoded is not None:
                        value_chars.append(decoded[0])
                        j = decoded[1]
                    else:
                        value_chars.append(text[j])
                        j += 1
                if j < n:
                    j += 1
                value = "".join(value_chars)
            else:
                value_start = j
                while j < n and (text[j].isalnum() or text[j] in ".-"):
                    j += 1
                value = text[value_start:j].lower()
                if j < n and not text[j].isspace() and text[j] != ">":
                    raise fail(
                        f"Unexpected end of name token at byte offset {_byte_offset(text, j)}"
                    )
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            if (
                (tag == "a" and attribute == "href")
                or (tag == "tg-emoji" and attribute == "emoji-id")
                or (tag == "code" and attribute == "class" and value.startswith("language-"))
            ):
                argument = value.removeprefix("language-") if tag == "code" else value
            elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                argument = value[3:]
        if tag == "span" and argument != "spoiler":
            raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        if tag == "tg-emoji" and not argument:
            raise fail(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin}')
        stack.append((tag, argument, offset, len(entities)))
        entities.append(None)
        i = j + 1

    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), [e for e in entities if e is not None]


def _html_entity(
    tag: str, argument: str, offset: int, length: int, entities: list[Json | None]
) -> Json | None:
    kind = _HTML_TAGS[tag]
    entity: Json = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        if not argument:
            return None  # Telegram turns the text into a plain link, or nothing
        entity["url"] = argument
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = argument
    elif tag == "blockquote" and argument == "expandable":
        entity["type"] = "expandable_blockquote"
    elif tag == "code" and argument:
        entity["language"] = argument  # folded into an enclosing <pre> below
    elif tag == "pre":
        # <pre><code class="language-x">...</code></pre> is one pre entity with a language.
        for index, inner in enumerate(entities):
            if (
                inner is not None
                and inner["type"] == "code"
                and (inner["offset"], inner["length"]) == (offset, length)
            ):
                if "language" in inner:
                    entity["language"] = inner["language"]
                entities[index] = None
    return entity


def _trim(text: str, entities: list[Json]) -> tuple[str, list[Json]]:
    """Strip surrounding whitespace like Telegram and shift/clip entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = _utf16_len(text[: len(text) - len(text.lstrip())])
    end = _utf16_len(stripped)
    trimmed: list[Json] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        stop = min(entity["offset"] + entity["length"] - lead, end)
        if stop > start:
            trimmed.append({**entity, "offset": start, "length": stop - start})
    return stripped, trimmed


def _command_entities(text: str) -> list[Json]:
    return [
        {"type": "bot_command", "offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m[0])}
        for m in _COMMAND_RE.finditer(text)
    ]


def _inline_only(markup: Json | None) -> Json | None:
    """The part of a reply_markup Telegram keeps on the message (inline keyboards only)."""
    return markup if markup and "inline_keyboard" in markup else None


def _decode_value(name: str, value: Any) -> Any:
    if name in _STRING_PARAMS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


# --------------------------------------------------------------------------------------------
# The stand-in
# --------------------------------------------------------------------------------------------

_Handler = Callable[[Json, ApiCall], Awaitable[Any]]


class TelegramStandIn:
    """An aiohttp server on 127.0.0.1 that speaks enough Bot API for a real PTB bot.

    Use ``async with TelegramStandIn() as tg:`` (or ``start()``/``stop()``), inject updates
    with the ``push_*`` helpers, inject failures with :meth:`fail_next`, and assert on
    :attr:`calls` and :attr:`messages`.
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "knotbot_test_bot",
        bot_id: int = 123456,
        *,
        bot_first_name: str = "Knotbot Test",
        strict_html: bool = True,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.strict_html = strict_html
        self.bot_user: Json = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.callback_answers: dict[str, Json] = {}
        self.uploads: dict[str, UploadedFile] = {}
        self.webhook_url: str | None = None
        self.pending_updates: list[Json] = []
        self.internal_errors: list[Exception] = []

        self._chats: dict[int, Json] = {}
        self._users: dict[int, Json] = {}
        self._admins: dict[int, tuple[set[int], int | None]] = {}
        self._blocked: dict[int, str] = {}
        self._callback_queries: set[str] = set()
        self._next_message_id: dict[int, int] = {}
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._fail_rules: list[_FailRule] = []
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._closing = False
        self._updates_changed = asyncio.Event()
        self._calls_changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, _Handler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "getfile": self._get_file,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "sendchataction": self._send_chat_action,
            "close": self._true,
            "logout": self._true,
        }

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # handler_cancellation: a long poll whose client went away ends at once.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        """End pending long polls and close the server."""
        self._closing = True
        self._wake_polls()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("TelegramStandIn is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url()``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url()``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ---- call log ----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        """All recorded calls of ``method`` (case-insensitive, like the Bot API)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain deadline is the pleasant API here
        count: int = 1,
    ) -> ApiCall:
        """Wait until ``count`` matching calls exist (whole history) and return the last one.

        The call's answer is already decided when this returns, so :attr:`messages` is up to
        date. Raises AssertionError with the recent calls on timeout.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            matches = [c for c in self.calls_to(method) if predicate is None or predicate(c)]
            if len(matches) >= count:
                return matches[count - 1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n".join(
                    f"  {c.method}{' FAILED' if c.failed else ''} {c.params!r}"
                    for c in self.calls[-15:]
                )
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {count} call(s) to {method}"
                    f"{' matching the predicate' if predicate else ''}; "
                    f"got {len(matches)}. Recent calls:\n{recent or '  (none)'}"
                )
            event = self._calls_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def sent_messages(self, chat_id: int | None = None) -> list[StoredMessage]:
        """Messages the bot sent (still existing), in sending order."""
        found = [
            m
            for m in self.messages.values()
            if m.from_bot and (chat_id is None or m.chat_id == chat_id)
        ]
        return sorted(found, key=lambda m: (m.date, m.message_id))

    # ---- configuration and error injection ---------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally to ``chat_id``) fail.

        ``description`` defaults to Telegram's usual text for the code (429 gets
        "Too Many Requests: retry after N"). ``retry_after`` ends up in ``parameters``.
        """
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = _DEFAULT_ERROR_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        self._fail_rules.append(
            _FailRule(method.lower(), error_code, description, retry_after, times, chat_id)
        )

    def set_admins(
        self, chat_id: int, user_ids: Iterable[int], *, creator_id: int | None = None
    ) -> None:
        """Declare a chat's administrators (and optionally its creator) for getChatMember."""
        self._admins[chat_id] = (set(user_ids), creator_id)

    def block(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Make every send to ``chat_id`` answer 403 until :meth:`unblock`."""
        self._blocked[chat_id] = description

    def unblock(self, chat_id: int) -> None:
        """Undo :meth:`block`."""
        self._blocked.pop(chat_id, None)

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
            entities=_command_entities(text),
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

    # ---- HTTP plumbing -----------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            return self._serve_file(path.removeprefix("/file/bot"))
        if not path.startswith("/bot") or path.count("/") != 2:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        token, method = path.removeprefix("/bot").split("/", 1)
        try:
            params, files = await self._read_params(request)
        except Exception as exc:  # a body the stand-in cannot read is its own bug: say so
            params, files = {"_unreadable_body": repr(exc)}, {}
        call = ApiCall(method=method, params=params, at=time.monotonic(), files=files)
        self.calls.append(call)
        self._notify_calls()
        try:
            if "_unreadable_body" in params:
                raise RuntimeError(params["_unreadable_body"])
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            self._raise_injected(method, params)
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            call.result = await handler(params, call)
            body: Json = {"ok": True, "result": call.result}
            status = 200
        except ApiError as error:
            call.failed = True
            call.error_code = error.error_code
            call.description = error.description
            body = error.to_api()
            status = error.error_code
        except asyncio.CancelledError:
            # handler_cancellation: the client hung up (e.g. PTB stopped a long poll).
            call.description = "client disconnected before the answer"
            raise
        except Exception as exc:
            # Answer in Telegram's shape so PTB raises a readable error instead of failing to
            # parse aiohttp's HTML 500 page; tests can also assert ``internal_errors`` is empty.
            self.internal_errors.append(exc)
            call.failed, call.error_code = True, 500
            call.description = f"Internal Server Error: stand-in crashed: {exc!r}"
            body = {"ok": False, "error_code": 500, "description": call.description}
            status = 500
        finally:
            self._notify_calls()
        return web.json_response(body, status=status)

    async def _read_params(self, request: web.Request) -> tuple[Json, dict[str, UploadedFile]]:
        raw: Json = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            if request.can_read_body:
                body = await request.json()
                if isinstance(body, dict):
                    raw.update(body)
        elif request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    upload = UploadedFile(
                        field=name,
                        filename=value.filename,
                        content_type=value.content_type,
                        size=len(data),
                        file_id=f"file{next(self._file_ids)}",
                        data=data,
                    )
                    files[name] = upload
                    self.uploads[upload.file_id] = upload
                    raw[name] = upload
                else:
                    raw[name] = value
        params = {name: _decode_value(name, value) for name, value in raw.items()}
        # Files referenced as attach://<name> resolve to their upload.
        for name, value in params.items():
            if isinstance(value, str) and value.startswith("attach://"):
                params[name] = files.get(value.removeprefix("attach://"), value)
        return params, files

    def _raise_injected(self, method: str, params: Json) -> None:
        for rule in self._fail_rules:
            if rule.matches(method, params):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._fail_rules.remove(rule)
                parameters = {"retry_after": rule.retry_after} if rule.retry_after else None
                raise ApiError(rule.error_code, rule.description, parameters)

    def _serve_file(self, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return web.Response(status=401, text="Unauthorized")
        for upload in self.uploads.values():
            if self._file_path(upload) == file_path:
                return web.Response(body=upload.data, content_type=upload.content_type)
        return web.Response(status=404, text="Not Found")

    def _notify_calls(self) -> None:
        self._calls_changed.set()
        self._calls_changed = asyncio.Event()

    def _wake_polls(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    # ---- state helpers -----------------------------------------------------------------------

    def _remember_user(
        self, user_id: int, first_name: str, language_code: str, username: str | None
    ) -> Json:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "username": username or f"{first_name.lower()}{user_id}",
            "language_code": language_code,
        }
        self._users[user_id] = user
        return user

    def _remember_chat(
        self, chat_id: int, chat_type: str, *, title: str | None = None, user: Json | None = None
    ) -> Json:
        if chat_type not in {"private", "group", "supergroup", "channel"}:
            raise ValueError(f"unknown chat type {chat_type!r}")
        if (chat_type == "private") != (chat_id > 0):
            raise ValueError(
                f"chat {chat_id} cannot be {chat_type!r}: Telegram uses positive ids for private "
                "chats and negative ids for groups (pass chat_type=...)"
            )
        chat: Json = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            if user is not None:
                chat["first_name"] = user["first_name"]
                chat["username"] = user["username"]
        else:
            known = self._chats.get(chat_id, {})
            chat["title"] = title or known.get("title") or f"Test {chat_type} {chat_id}"
        self._chats[chat_id] = chat
        return chat

    def _chat(self, chat_id: int) -> Json:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Test {kind} {chat_id}"}

    def _user(self, user_id: int) -> Json:
        if user_id == self.bot_id:
            return self.bot_user
        return self._users.get(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        )

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    @staticmethod
    def _member(user: Json, status: str) -> Json:
        member: Json = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_pin_messages=True,
            )
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(
                {key: True for key in _RESTRICTED_PERMISSIONS},
                until_date=0,
            )
        return member

    def _chat_id(self, params: Json) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise _bad("chat_id is empty")
        if isinstance(value, str):
            if value.startswith("@"):
                for chat in self._chats.values():
                    if chat.get("username") == value[1:]:
                        return int(chat["id"])
                raise _bad("chat not found")
            try:
                return int(value)
            except ValueError:
                raise _bad("chat not found") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad("chat not found")
        return value

    def _sendable_chat(self, params: Json) -> int:
        chat_id = self._chat_id(params)
        if chat_id in self._blocked:
            raise ApiError(403, self._blocked[chat_id])
        return chat_id

    def _format(
        self, text: Any, parse_mode: Any, entities: Any, *, limit: int, too_long: str
    ) -> tuple[str, list[Json]]:
        """Apply parse_mode like Telegram; returns the visible text and its entities."""
        text = str(text)
        if isinstance(parse_mode, str) and parse_mode.lower() == "html":
            plain, parsed = parse_html(text, strict=self.strict_html)
        elif parse_mode in (None, ""):
            plain, parsed = text, list(entities) if isinstance(entities, list) else []
        elif isinstance(parse_mode, str) and parse_mode.lower() in {"markdown", "markdownv2"}:
            plain, parsed = text, []  # not parsed: see the module docstring
        else:
            raise _bad(f"unsupported parse_mode {parse_mode}")
        plain, parsed = _trim(plain, parsed)
        if len(plain) > limit:
            raise _bad(too_long)
        return plain, parsed

    @staticmethod
    def _check_markup(markup: Any) -> Json | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("BUTTON_TEXT_INVALID")
                if not _BUTTON_ACTIONS & button.keys():
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and (
                    not data or len(str(data).encode()) > MAX_CALLBACK_DATA_BYTES
                ):
                    raise _bad("BUTTON_DATA_INVALID")
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
            raise _bad("message to be replied not found")
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
            raise _bad("message to edit not found")
        if not message.from_bot:
            raise _bad("message can't be edited")
        return message

    @staticmethod
    def _file_path(upload: UploadedFile) -> str:
        folder = "photos" if upload.field == "photo" else "documents"
        return f"{folder}/{upload.file_id}_{upload.filename}"

    def _media(self, params: Json, name: str) -> UploadedFile | str:
        value = params.get(name)
        if isinstance(value, UploadedFile):
            return value
        if isinstance(value, str) and value:
            if value in self.uploads or value.startswith(("http://", "https://")):
                return value
            raise _bad("wrong file identifier/HTTP URL specified")
        raise _bad(f"there is no {name} in the request")

    # ---- Bot API methods ---------------------------------------------------------------------

    async def _true(self, params: Json, call: ApiCall) -> bool:
        return True

    async def _get_me(self, params: Json, call: ApiCall) -> Json:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

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
                raise ApiError(409, _DEFAULT_ERROR_DESCRIPTIONS[409])
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

    async def _send_message(self, params: Json, call: ApiCall) -> Json:
        chat_id = self._sendable_chat(params)
        raw = params.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        text, entities = self._format(
            raw,
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
        )
        if not text:
            raise _bad("message text is empty")
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
            raise _bad("there is no text in the message to edit")
        raw = params.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        text, entities = self._format(
            raw,
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
        )
        if not text:
            raise _bad("message text is empty")
        markup = self._check_markup(params.get("reply_markup"))
        current = (message.text, message.entities, _inline_only(message.reply_markup))
        if (text, entities, _inline_only(markup)) == current:
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
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
        if _inline_only(markup) == _inline_only(message.reply_markup):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return self._render(message)

    async def _delete_message(self, params: Json, call: ApiCall) -> bool:
        chat_id = self._chat_id(params)
        if self.messages.pop((chat_id, params.get("message_id")), None) is None:  # type: ignore[arg-type]
            raise _bad("message to delete not found")
        return True

    async def _answer_callback_query(self, params: Json, call: ApiCall) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_queries or query_id in self.callback_answers:
            raise _bad(CALLBACK_TOO_OLD.removeprefix("Bad Request: "))
        self.callback_answers[query_id] = dict(params)
        return True

    @staticmethod
    def _commands_key(params: Json) -> tuple[str, str]:
        scope = params.get("scope")
        scope_key = json.dumps(scope, sort_keys=True) if scope else '{"type": "default"}'
        return scope_key, str(params.get("language_code") or "")

    async def _set_my_commands(self, params: Json, call: ApiCall) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("commands not specified")
        for command in commands:
            if not isinstance(command, dict) or not _BOT_COMMAND_NAME_RE.match(
                str(command.get("command", ""))
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("command description must be non-empty")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _delete_my_commands(self, params: Json, call: ApiCall) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _get_my_commands(self, params: Json, call: ApiCall) -> list[Json]:
        return self.commands.get(self._commands_key(params), [])

    def _caption(self, params: Json) -> Json:
        raw = params.get("caption")
        if raw is None or raw == "":
            return {}
        caption, entities = self._format(
            raw,
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
        )
        return {
            "caption": caption,
            "caption_entities": entities,
            "parse_mode": params.get("parse_mode"),
        }

    async def _send_photo(self, params: Json, call: ApiCall) -> Json:
        chat_id = self._sendable_chat(params)
        media = self._media(params, "photo")
        file_id = media.file_id if isinstance(media, UploadedFile) else media
        size = media.size if isinstance(media, UploadedFile) else 0
        photo = [
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "width": 1280,
                "height": 720,
                "file_size": size,
            }
        ]
        return self._store_bot_message(chat_id, params, photo=photo, **self._caption(params))

    async def _send_document(self, params: Json, call: ApiCall) -> Json:
        chat_id = self._sendable_chat(params)
        media = self._media(params, "document")
        if isinstance(media, UploadedFile):
            document = {
                "file_id": media.file_id,
                "file_unique_id": f"u{media.file_id}",
                "file_name": media.filename,
                "mime_type": media.content_type,
                "file_size": media.size,
            }
        else:
            document = {"file_id": media, "file_unique_id": f"u{media}"}
        return self._store_bot_message(chat_id, params, document=document, **self._caption(params))

    async def _get_file(self, params: Json, call: ApiCall) -> Json:
        upload = self.uploads.get(str(params.get("file_id")))
        if upload is None:
            raise _bad("invalid file_id")
        return {
            "file_id": upload.file_id,
            "file_unique_id": f"u{upload.file_id}",
            "file_size": upload.size,
            "file_path": self._file_path(upload),
        }

    def _status(self, chat_id: int, user_id: int) -> str:
        admins, creator = self._admins.get(chat_id, (set(), None))
        if user_id == creator:
            return "creator"
        return "administrator" if user_id in admins else "member"

    async def _get_chat_member(self, params: Json, call: ApiCall) -> Json:
        chat_id = self._chat_id(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise _bad("invalid user_id specified")
        return self._member(self._user(user_id), self._status(chat_id, user_id))

    async def _get_chat_administrators(self, params: Json, call: ApiCall) -> list[Json]:
        chat_id = self._chat_id(params)
        if self._chat(chat_id)["type"] == "private":
            raise _bad("there are no administrators in the private chat")
        admins, creator = self._admins.get(chat_id, (set(), None))
        ordered = ([creator] if creator is not None else []) + sorted(admins - {creator})
        return [self._member(self._user(u), self._status(chat_id, u)) for u in ordered]

    async def _send_chat_action(self, params: Json, call: ApiCall) -> bool:
        self._sendable_chat(params)
        if not params.get("action"):
            raise _bad("wrong parameter action in request")
        return True
