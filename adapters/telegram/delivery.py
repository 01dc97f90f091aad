"""Where knotbot's messages go on Telegram: sending, splitting and editing rendered replies,
and the platform's answers read as the core's delivery errors (`to_delivery_error`).

The replier (answers to one update) and the outbox (`TelegramOutbox`: hold frames, reminders,
restart fix-ups) both go through `Delivery`, so a message looks and fails the same way
whichever path sent it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import functools
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram.render import CAPTION_LIMIT, MESSAGE_LIMIT, keyboard, render, render_one
from bot.messages import Attachment, ChatRef, MessageRef, Reply
from bot.outbox import (
    DeliveryError,
    MessageGone,
    PlatformLimits,
    RateLimited,
    RecipientGone,
    TemporaryFailure,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

PLATFORM = "telegram"
# MessageRef.extra for a message whose text is a caption (a photo or a document).
CAPTIONED = "caption"
# An interactive answer waits out a flood limit this short once, instead of failing.
PATIENT_RETRY_SECONDS = 5.0

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_NOT_MODIFIED = "message is not modified"
_CHAT_GONE = (
    "chat not found",
    "user not found",
    "bot was blocked",
    "bot was kicked",
    "user is deactivated",
    "not enough rights to send",
    "have no rights to send",
    "chat_write_forbidden",
)
_MESSAGE_GONE = (
    "message to edit not found",
    "message can't be edited",
    "there is no text in the message to edit",
    "there is no caption in the message to edit",
    "message_id_invalid",
)


class Unchanged(DeliveryError):
    """An edit that changed nothing: Telegram calls it an error, knotbot calls it done."""


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whether PTB gives an int or a timedelta (PTB_TIMEDELTA)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


def to_delivery_error(error: TelegramError) -> DeliveryError:
    """The core's reading of a Telegram error: a flood limit, a chat that is gone (blocked,
    kicked, deleted), a message that can no longer be edited, or trouble worth retrying."""
    text = error.message.lower()
    if isinstance(error, RetryAfter):
        return RateLimited(retry_seconds(error), error.message)
    if isinstance(error, Forbidden | ChatMigrated):
        return RecipientGone(error.message)
    if isinstance(error, BadRequest):
        if _NOT_MODIFIED in text:
            return Unchanged(error.message)
        if any(marker in text for marker in _MESSAGE_GONE):
            return MessageGone(error.message)
        if any(marker in text for marker in _CHAT_GONE):
            return RecipientGone(error.message)
        return DeliveryError(error.message)
    if isinstance(error, NetworkError):  # includes TimedOut and 5xx answers
        return TemporaryFailure(error.message)
    return DeliveryError(error.message)  # InvalidToken, Conflict, EndPointNotFound, ...


def message_ref(message: Message) -> MessageRef:
    """How to edit `message` later; a caption (a photo's text) is edited differently."""
    captioned = message.text is None
    return MessageRef(
        PLATFORM,
        str(message.chat_id),
        str(message.message_id),
        CAPTIONED if captioned else "",
    )


def chat_id_of(value: str) -> int:
    """A core chat id as Telegram's number (a private chat's id is its user's id)."""
    try:
        return int(value)
    except ValueError:
        raise RecipientGone(f"not a Telegram chat id: {value!r}") from None


class Delivery:
    """Sends and edits replies as HTML; raises only the core's DeliveryError family."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(
        self,
        chat_id: int,
        reply: Reply,
        *,
        quote: int | None = None,
        thread: int | None = None,
        patient: bool = False,
    ) -> MessageRef:
        """Send `reply` as one or more messages; the ref is the last one (with the buttons).

        `patient` waits out one short flood limit (an answer someone is waiting for).
        """
        if reply.attachment is not None:
            return await self._send_attachment(
                chat_id, reply, reply.attachment, quote, thread, patient
            )
        parts = render(reply)
        return await self._send_parts(chat_id, parts, keyboard(reply), quote, thread, patient)

    async def edit(self, ref: MessageRef, reply: Reply, *, patient: bool = False) -> None:
        """Replace a message's text and buttons; an unchanged message counts as done.

        An edit cannot add messages: a reply too long for one is cut (and logged).
        """
        limit = CAPTION_LIMIT if ref.extra == CAPTIONED else MESSAGE_LIMIT
        await self._edit_html(ref, render_one(reply, limit), keyboard(reply), patient)

    async def replace(
        self, ref: MessageRef, reply: Reply, *, thread: int | None = None
    ) -> MessageRef:
        """Show `reply` in place of a message (a pressed button's); extra parts follow it.

        Falls back to a new message when the old one cannot take it: it is gone or too old,
        it is a photo and the text is too long for a caption, or the reply has an attachment.
        """
        chat_id = chat_id_of(ref.chat_id)
        captioned = ref.extra == CAPTIONED
        parts = render(reply, CAPTION_LIMIT if captioned else MESSAGE_LIMIT)
        if reply.attachment is not None or not parts or (captioned and len(parts) > 1):
            return await self.send(chat_id, reply, thread=thread, patient=True)
        markup = keyboard(reply)
        try:
            await self._edit_html(ref, parts[0], markup if len(parts) == 1 else None, True)
        except MessageGone:
            return await self.send(chat_id, reply, thread=thread, patient=True)
        if len(parts) == 1:
            return ref
        return await self._send_parts(chat_id, parts[1:], markup, None, thread, True)

    async def _send_parts(
        self,
        chat_id: int,
        parts: list[str],
        markup: InlineKeyboardMarkup | None,
        quote: int | None,
        thread: int | None,
        patient: bool,
    ) -> MessageRef:
        if not parts:
            raise DeliveryError("the reply has no text to send")
        sent: Message | None = None
        for index, part in enumerate(parts):
            sent = await self._call(
                functools.partial(
                    self._bot.send_message,
                    chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if index == len(parts) - 1 else None,
                    reply_parameters=_quote(quote) if index == 0 else None,
                    message_thread_id=thread,
                    link_preview_options=_NO_PREVIEW,
                ),
                patient=patient,
            )
        assert sent is not None
        return message_ref(sent)

    async def _edit_html(
        self, ref: MessageRef, text: str, markup: InlineKeyboardMarkup | None, patient: bool
    ) -> None:
        try:
            chat_id, message_id = int(ref.chat_id), int(ref.message_id)
        except ValueError:
            raise MessageGone(f"not a Telegram message: {ref.to_json()}") from None
        if ref.extra == CAPTIONED:
            call = functools.partial(
                self._bot.edit_message_caption,
                chat_id=chat_id,
                message_id=message_id,
                caption=text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        else:
            call = functools.partial(
                self._bot.edit_message_text,
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=_NO_PREVIEW,
            )
        with contextlib.suppress(Unchanged):
            await self._call(call, patient=patient)

    async def _send_attachment(
        self,
        chat_id: int,
        reply: Reply,
        attachment: Attachment,
        quote: int | None,
        thread: int | None,
        patient: bool,
    ) -> MessageRef:
        """A photo (or file) with the text as its caption, or after the text if that is long."""
        parts = render(reply, CAPTION_LIMIT)
        caption = parts[0] if len(parts) == 1 else None
        if len(parts) > 1:
            text_only = Reply(reply.blocks, private=reply.private)
            await self.send(chat_id, text_only, quote=quote, thread=thread, patient=patient)
            quote = None
        send = (
            self._bot.send_photo
            if attachment.media_type.startswith("image/")
            else self._bot.send_document
        )
        sent = await self._call(
            functools.partial(
                send,
                chat_id,
                InputFile(attachment.data, filename=attachment.filename),
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply),
                reply_parameters=_quote(quote),
                message_thread_id=thread,
            ),
            patient=patient,
        )
        return message_ref(sent)

    async def _call(self, make: Callable[[], Awaitable[T]], *, patient: bool) -> T:
        """Run one Bot API call; errors become the core's, a short 429 may be waited out."""
        try:
            return await make()
        except RetryAfter as error:
            wait = retry_seconds(error)
            if not patient or wait > PATIENT_RETRY_SECONDS:
                raise RateLimited(wait, error.message) from error
            log.info("telegram: flood limit, retrying once in %.1f s", wait)
        except TelegramError as error:
            raise to_delivery_error(error) from error
        await asyncio.sleep(wait)
        try:
            return await make()
        except TelegramError as error:
            raise to_delivery_error(error) from error


class TelegramOutbox:
    """The core's `Outbox` on Telegram: hold frames, reminders, fixing up messages after a
    restart, all by chat id and `MessageRef`, never through an update.

    `key` is ignored: Telegram has no idempotency key, so a send that failed with
    TemporaryFailure (a timeout) may still have arrived; retrying may show it twice.
    """

    def __init__(self, delivery: Delivery, limits: PlatformLimits) -> None:
        self._delivery = delivery
        self._limits = limits

    @property
    def limits(self) -> PlatformLimits:
        return self._limits

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> MessageRef:
        return await self._delivery.send(chat_id_of(chat.chat_id), reply)

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        """Not patient: a hold's runner paces itself on RateLimited."""
        await self._delivery.edit(message, reply)


def _quote(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    # The user may have deleted their message meanwhile: answer anyway.
    return ReplyParameters(message_id, allow_sending_without_reply=True)
