"""Telegram updates as core events: who wrote, where, and which command or button.

    message "/knot@bot jaw"  -> Command(chat, user, "knot", "jaw")     (any command, known or not)
    private plain text       -> Command(chat, user, "", text)          (groups: ignored)
    callback query           -> ButtonPress(chat, user, data, MessageRef of the pressed message)
    my_chat_member           -> core.recipient_gone / core.recipient_back (blocked, unblocked)

Each event is handed to `Knotbot.handle` with a `TelegramReplier` for it. Group admins (and
anonymous admins posting as the group) are moderators; whether someone is an admin is asked of
Telegram at most once a minute per person and group.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from dataclasses import dataclass

from telegram import Bot, Chat, ChatMember, ChatMemberRestricted, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram.delivery import CAPTIONED, PLATFORM, Delivery
from adapters.telegram.render import valid_text
from adapters.telegram.replier import TelegramReplier
from bot.core import Knotbot
from bot.messages import ButtonPress, ChatKind, ChatRef, Command, MessageRef, UserRef
from bot.outbox import PlatformLimits

log = logging.getLogger(__name__)

MAX_INPUT = 4096  # no real Telegram message is longer; anything longer is not for us
# A button press still being handled after this long gets its spinner stopped anyway.
ANSWER_BUTTON_AFTER = 2.0
MODERATOR_TTL = 60.0  # seconds an admin lookup is trusted
MODERATOR_FAILURE_TTL = 10.0
MODERATOR_CACHE_SIZE = 10_000
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?")
_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
_MODERATORS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


@dataclass(frozen=True)
class _Sender:
    user: User
    moderator: bool | None  # None: ask Telegram


class TelegramEvents:
    """The Application's handlers: each turns an update into one core event for `core`."""

    def __init__(
        self,
        core: Knotbot,
        bot: Bot,
        delivery: Delivery,
        limits: PlatformLimits,
        *,
        answer_button_after: float = ANSWER_BUTTON_AFTER,
    ) -> None:
        self._core = core
        self._delivery = delivery
        self._limits = limits
        self._answer_after = answer_button_after
        self._admins = AdminCache(bot)

    def attach(self, app: Application) -> None:
        """Route the updates knotbot reads to these handlers."""
        new_message = filters.UpdateType.MESSAGE  # not edited messages, not channel posts
        app.add_handler(MessageHandler(new_message & filters.COMMAND, self.on_command))
        private_text = new_message & filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
        app.add_handler(MessageHandler(private_text, self.on_text))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(ChatMemberHandler(self.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self.on_error)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every command goes to the core, known or not: it owns names, aliases, "I don't know"."""
        message = update.message
        if message is None or not message.text or not message.entities:
            return
        chat, sender = chat_ref(message.chat), _sender(message)
        if chat is None or sender is None:
            return
        said = valid_text(message.text)
        word = command_word(said)
        if word is None:  # not a command a Telegram client can send: plain text, then
            await self.on_text(update, context)
            return
        name, _, addressee = word.removeprefix("/").partition("@")
        if addressee and addressee.lower() != (context.bot.username or "").lower():
            return  # meant for another bot in the group
        user = await self._user_ref(message.chat, sender)
        event = Command(chat, user, name.lower(), clip(said[len(word) :]))
        await self._core.handle(event, self._replier_for(message))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Plain text in a private chat is free text for the core (a spot's name, say)."""
        message = update.message
        if message is None or not message.text:
            return
        chat, sender = chat_ref(message.chat), _sender(message)
        said = clip(message.text)
        if chat is None or sender is None or chat.is_community or not said:
            return
        user = await self._user_ref(message.chat, sender)
        await self._core.handle(Command(chat, user, "", said), self._replier_for(message))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press on one of knotbot's buttons; its spinner is always stopped, once."""
        query = update.callback_query
        if query is None:
            return
        replier: TelegramReplier | None = None
        try:
            pressed = query.message  # None for inline-mode messages, which knotbot never sends
            chat = chat_ref(pressed.chat) if pressed is not None else None
            if pressed is None or chat is None or not query.data or query.from_user.is_bot:
                return
            captioned = isinstance(pressed, Message) and pressed.text is None
            ref = MessageRef(
                PLATFORM,
                str(pressed.chat.id),
                str(pressed.message_id),
                CAPTIONED if captioned else "",
            )
            topic = isinstance(pressed, Message) and pressed.is_topic_message
            replier = TelegramReplier(
                self._delivery,
                self._limits,
                pressed.chat.id,
                thread=pressed.message_thread_id if topic else None,
                query=query,
                pressed=ref,
            )
            user = await self._user_ref(pressed.chat, _Sender(query.from_user, None))
            await self._handle_press(ButtonPress(chat, user, valid_text(query.data), ref), replier)
        finally:
            if replier is not None:
                await replier.answer_button()
            else:
                with contextlib.suppress(TelegramError):
                    await query.answer()

    async def _handle_press(self, event: ButtonPress, replier: TelegramReplier) -> None:
        """Let the core answer (a toast, maybe); stop the spinner if it takes long."""
        handling = asyncio.ensure_future(self._core.handle(event, replier))
        try:
            done, _ = await asyncio.wait({handling}, timeout=self._answer_after)
            if not done:
                await replier.answer_button()
            await handling
        finally:
            if not handling.done():
                handling.cancel()

    async def on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot's own membership. In a private chat "kicked" means the user blocked the bot,
        and the core pauses what it would send there instead of meeting a 403 each time."""
        change = update.my_chat_member
        chat = chat_ref(change.chat) if change is not None else None
        if change is None or chat is None:
            return
        was, now = present(change.old_chat_member), present(change.new_chat_member)
        if was == now:
            return
        log.info("telegram: a %s chat is %s (my_chat_member)", chat.kind, "back" if now else "gone")
        try:
            if now:
                await self._core.recipient_back(PLATFORM, chat.chat_id)
            else:
                await self._core.recipient_gone(PLATFORM, chat.chat_id)
        except Exception as error:  # a database outage must not fail the update
            log.warning("telegram: could not record a chat's membership: %s", error)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what failed, never the update's content or the token."""
        error = context.error
        where = f"update {update.update_id}" if isinstance(update, Update) else "a background task"
        if isinstance(error, TelegramError):
            log.warning("telegram: %s failed: %s: %s", where, type(error).__name__, error.message)
        else:
            log.error("telegram: %s failed", where, exc_info=error)

    def _replier_for(self, message: Message) -> TelegramReplier:
        group = message.chat.type != ChatType.PRIVATE
        return TelegramReplier(
            self._delivery,
            self._limits,
            message.chat.id,
            quote=message.message_id if group else None,
            thread=message.message_thread_id if message.is_topic_message else None,
        )

    async def _user_ref(self, chat: Chat, sender: _Sender) -> UserRef:
        moderator = sender.moderator
        if moderator is None:
            moderator = chat.type != ChatType.PRIVATE and await self._admins.is_admin(
                chat.id, sender.user.id
            )
        user = sender.user
        return UserRef(
            PLATFORM,
            str(user.id),
            valid_text(user.full_name),
            user.language_code,
            is_moderator=moderator,
        )


class AdminCache:
    """Is this person an admin (or the creator) of this group? Asked of Telegram once a minute
    per person and group at most; a failed lookup means no, for a shorter while."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._known: dict[tuple[int, int], tuple[float, bool]] = {}

    async def is_admin(self, chat_id: int, user_id: int) -> bool:
        now = time.monotonic()
        cached = self._known.get((chat_id, user_id))
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            member = await self._bot.get_chat_member(chat_id, user_id)
            admin, ttl = member.status in _MODERATORS, MODERATOR_TTL
        except TelegramError as error:
            log.info("telegram: could not look up a member's role: %s", error)
            admin, ttl = False, MODERATOR_FAILURE_TTL
        if len(self._known) >= MODERATOR_CACHE_SIZE:
            self._known = {k: v for k, v in self._known.items() if v[0] > now}
            if len(self._known) >= MODERATOR_CACHE_SIZE:
                self._known.clear()
        self._known[(chat_id, user_id)] = (now + ttl, admin)
        return admin


def chat_ref(chat: Chat | None) -> ChatRef | None:
    """Private chats and groups; channels are not places knotbot talks."""
    if chat is None:
        return None
    if chat.type == ChatType.PRIVATE:
        return ChatRef(PLATFORM, str(chat.id), ChatKind.PRIVATE)
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return ChatRef(
            PLATFORM,
            str(chat.id),
            ChatKind.COMMUNITY,
            community_id=str(chat.id),
            community_name=valid_text(chat.title or ""),
        )
    return None


def _sender(message: Message) -> _Sender | None:
    """Who wrote: a person, or an anonymous admin posting as the group; not bots or channels."""
    user = message.from_user
    if user is None:
        return None
    if message.sender_chat is not None:
        if message.sender_chat.id == message.chat.id:  # only admins can post as the group
            return _Sender(user, True)
        return None  # on behalf of a channel
    return None if user.is_bot else _Sender(user, None)


def present(member: ChatMember | None) -> bool:
    """Is the bot in the chat (a private chat: not blocked) according to this member record?"""
    if member is None:
        return False
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in _PRESENT


def command_word(said: str) -> str | None:
    """The command at the start of `said` ("/knot" or "/knot@knotbot"), read from the text
    itself rather than from the entity's length, which a client may get wrong."""
    match = _COMMAND.match(said)
    return match.group(0) if match else None


def clip(said: str) -> str:
    """What the core is given of a message: valid text, at most one message long."""
    return valid_text(said[:MAX_INPUT]).strip()
