"""Playing a person on Telegram: the app running on the stand-in, what people say and press,
and how a core reply looks once the adapter has sent it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from adapters.telegram.app import TelegramApp
from adapters.telegram.render import keyboard, render
from bot.actions import Action, decode
from bot.core import Knotbot
from bot.messages import ChatKind, ChatRef, Command, Reply, UserRef
from tests.standins.telegram_api import NOT_MODIFIED, ApiCall, StoredMessage, TelegramStandIn

USER = 42
OTHER = 43
GROUP = -1001234567890
GROUP_TITLE = "Knot Club"
# What Telegram says when the bot sent something it must not: broken HTML, too long, empty.
REFUSALS = ("can't parse entities", "too long", "text is empty", "DATA_INVALID")


@asynccontextmanager
async def checked_telegram() -> AsyncIterator[TelegramStandIn]:
    """The Telegram stand-in; afterwards, Telegram refused nothing the bot sent."""
    async with TelegramStandIn() as standin:
        yield standin
    refused = [
        f"{c.method}: {c.description}"
        for c in standin.calls
        if c.failed and any(marker in (c.description or "") for marker in REFUSALS)
    ]
    assert not refused, refused
    assert not standin.internal_errors


@asynccontextmanager
async def running(tg: TelegramStandIn, core: Knotbot, **options: Any) -> AsyncIterator[TelegramApp]:
    """The real python-telegram-bot Application, polling the stand-in, around `core`."""
    app = TelegramApp(
        core, token=tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url, **options
    )
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


# -- the core's side: the events the adapter should make ------------------------------------


def person(user_id: int = USER, *, moderator: bool = False) -> UserRef:
    """A stand-in user as the adapter names them."""
    return UserRef("telegram", str(user_id), "Ada", "en", is_moderator=moderator)


def private(user_id: int = USER) -> ChatRef:
    return ChatRef("telegram", str(user_id), ChatKind.PRIVATE)


def group() -> ChatRef:
    return ChatRef("telegram", str(GROUP), ChatKind.COMMUNITY, str(GROUP), GROUP_TITLE)


def command(name: str, args: str = "", *, chat: ChatRef | None = None, **who: Any) -> Command:
    """The core event for "/name args" said by `who` (a person) in `chat` (their private chat)."""
    user = person(**who)
    return Command(chat or private(int(user.user_id)), user, name, args)


def as_sent(reply: Reply) -> list[str]:
    """The HTML of each message the adapter sends for `reply`."""
    return render(reply)


def markup_of(reply: Reply) -> dict[str, Any] | None:
    """The inline keyboard the adapter sends with `reply`, as it goes over the wire."""
    markup = keyboard(reply)
    return markup.to_dict() if markup is not None else None


# -- the person's side ----------------------------------------------------------------------


async def ask(
    tg: TelegramStandIn,
    said: str,
    *,
    chat: int = USER,
    user: int = USER,
    chat_type: str = "private",
) -> StoredMessage:
    """Send `said` as a user and return the bot's next message (in any chat)."""
    call = await ask_call(tg, said, chat=chat, user=user, chat_type=chat_type)
    return tg.messages[(int(call.params["chat_id"]), call.result["message_id"])]


async def ask_call(
    tg: TelegramStandIn,
    said: str,
    *,
    chat: int = USER,
    user: int = USER,
    chat_type: str = "private",
) -> ApiCall:
    """Send `said` as a user and return the bot's next sendMessage call (what went over)."""
    before = len(tg.calls_to("sendMessage"))
    tg.push_text(chat, user, said, chat_type=chat_type, title=GROUP_TITLE)
    call = await tg.wait_for("sendMessage", count=before + 1)
    assert not call.failed, call.description
    return call


def buttons(message: StoredMessage) -> list[dict[str, str]]:
    markup = message.reply_markup or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def data_of(message: StoredMessage, label: str) -> str:
    return next(b["callback_data"] for b in buttons(message) if b["text"] == label)


def press(tg: TelegramStandIn, message: StoredMessage, data: str, user: int = USER) -> str:
    """Press a button on `message`; returns the callback query id."""
    return f"cbq{tg.push_callback(message.chat_id, user, message.message_id, data)}"


def answers_to(tg: TelegramStandIn, query_id: str) -> list[dict[str, object]]:
    return [
        c.params
        for c in tg.calls_to("answerCallbackQuery")
        if c.params.get("callback_query_id") == query_id
    ]


def edits_of(tg: TelegramStandIn, message: StoredMessage) -> list[ApiCall]:
    return [
        c
        for c in tg.calls_to("editMessageText")
        if c.params.get("message_id") == message.message_id and not c.failed
    ]


def data_for(message: StoredMessage, action: type[Action], **fields: object) -> str:
    """The callback data of the button on `message` that means an `action` with `fields`."""
    for button in buttons(message):
        decoded = decode(button["callback_data"])
        if isinstance(decoded, action) and all(getattr(decoded, k) == v for k, v in fields.items()):
            return button["callback_data"]
    raise AssertionError(f"no {action.__name__} button on the message: {buttons(message)}")


def wire_history(tg: TelegramStandIn, chat_id: int, message_id: int) -> list[str]:
    """The HTML a message was sent with, then each edit of it Telegram took (in order)."""
    history = []
    for call in tg.calls:
        if call.method == "sendMessage" and not call.failed:
            if (int(call.params["chat_id"]), call.result["message_id"]) == (chat_id, message_id):
                history.append(str(call.params["text"]))
        elif (
            call.method == "editMessageText"
            and call.params.get("message_id") == message_id
            and (not call.failed or call.description == NOT_MODIFIED)
        ):
            history.append(str(call.params["text"]))
    return history
