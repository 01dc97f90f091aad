"""The Telegram adapter: an update becomes one core event; a core reply becomes messages.

It translates and nothing else. Every sentence a user reads comes from the core; this module
decides only how a Reply looks in Telegram HTML (see render.py) and how Telegram's answers map
to the core's delivery errors (see delivery.py).

    message "/knot@bot jaw"  -> Command(chat, user, "knot", "jaw")     (any command, known or not)
    private plain text       -> Command(chat, user, "", text)          (groups: ignored)
    callback query           -> ButtonPress(chat, user, data, MessageRef of the pressed message)
    my_chat_member           -> core.recipient_gone / core.recipient_back (blocked, unblocked)

Updates of different chats run concurrently; updates of one chat run in order, so answers
arrive in the order people asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import re
import secrets
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    ChatMember,
    ChatMemberRestricted,
    Message,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.errors import TokenRejected  # PTB's own error quotes the token; ours does not
from adapters.telegram.delivery import CAPTIONED, PLATFORM, Delivery, chat_id_of
from adapters.telegram.render import valid_text
from bot.core import Knotbot
from bot.messages import (
    ButtonPress,
    ChatKind,
    ChatRef,
    Command,
    MessageRef,
    Reply,
    UserRef,
    text,
)
from bot.outbox import PlatformLimits
from bot.settings import Settings

log = logging.getLogger(__name__)

# Telegram: about 1 message/s per chat, 30/s overall; edits share that budget, and bots that
# edited faster than every few seconds were told to wait minutes (see PLATFORM_NOTES.md).
LIMITS = PlatformLimits(min_edit_interval=3.0, sends_per_second=30.0, sends_per_chat_per_second=1.0)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
MAX_INPUT = 4096  # no real Telegram message is longer; anything longer is not for us
# A button press still being handled after this long gets its spinner stopped anyway.
ANSWER_BUTTON_AFTER = 2.0
MODERATOR_TTL = 60.0  # seconds an admin lookup is trusted
MODERATOR_FAILURE_TTL = 10.0
MODERATOR_CACHE_SIZE = 10_000
MAX_CONCURRENT_UPDATES = 256
_TOAST_LIMIT = 200  # characters in a callback query answer
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
_MODERATORS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


@dataclass(frozen=True)
class WebhookConfig:
    """Where Telegram posts updates in webhook mode (needs python-telegram-bot[webhooks])."""

    url: str  # the public HTTPS URL Telegram calls
    listen: str = "0.0.0.0"
    port: int = 8443
    # Telegram sends it back in a header, so nobody else can post fake updates. Without one
    # configured, each start picks a random one (setWebhook is called at every start).
    secret: str | None = None

    @property
    def path(self) -> str:
        """The local path to serve: the URL's path (a reverse proxy forwards it as-is)."""
        return urlsplit(self.url).path.lstrip("/")


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Different chats concurrently, one chat in order (PTB's own choice is all or nothing)."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:  # nobody else queued: forget the chat
                del self._waiting[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class TelegramReplier:
    """Answers one update: in its chat, quoting the user's message in groups.

    It outlives the update: a hold keeps editing its message through it.
    """

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
        # Reply.private has no meaning here: Telegram has no messages only one member sees.
        return await self._delivery.send(
            self._chat_id, reply, quote=self._quote, thread=self._thread, patient=True
        )

    async def update(self, reply: Reply) -> MessageRef:
        if self._pressed is None:
            return await self.reply(reply)
        return await self._delivery.replace(self._pressed, reply, thread=self._thread)

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        # Not patient: a hold's runner paces itself on RateLimited.
        await self._delivery.edit(message, reply)

    async def notice(self, note: str) -> None:
        """A toast on the pressed button when it can be one, else a short message."""
        if len(note) <= _TOAST_LIMIT and await self.answer_button(note):
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


class TelegramOutbox:
    """The platform as a whole: reminders and fixing up messages after a restart.

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
        # A PRIVATE chat's id is the user's id, and on Telegram that is the chat's id too.
        return await self._delivery.send(chat_id_of(chat.chat_id), reply)

    async def edit(self, message: MessageRef, reply: Reply) -> None:
        await self._delivery.edit(message, reply)


@dataclass(frozen=True)
class _Sender:
    user: User
    moderator: bool | None  # None: ask Telegram


class TelegramAdapter:
    """A python-telegram-bot Application wired to the core; `start()`, later `stop()`."""

    def __init__(
        self,
        core: Knotbot,
        *,
        token: str,
        base_url: str = "https://api.telegram.org/bot",
        base_file_url: str = "https://api.telegram.org/file/bot",
        webhook: WebhookConfig | None = None,
        limits: PlatformLimits = LIMITS,
        answer_button_after: float = ANSWER_BUTTON_AFTER,
    ) -> None:
        self._core = core
        self.limits = limits
        self.webhook = webhook
        self._answer_after = answer_button_after
        # No AIORateLimiter: the core paces holds and reminders to `limits`; two limiters
        # would fight. No JobQueue: the core schedules.
        self.application: Application = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .job_queue(None)
            .concurrent_updates(ChatOrderedUpdates(MAX_CONCURRENT_UPDATES))
            .build()
        )
        self.delivery = Delivery(self.application.bot)
        self.outbox = TelegramOutbox(self.delivery, limits)
        self._moderators: dict[tuple[int, int], tuple[float, bool]] = {}
        self._add_handlers()

    @classmethod
    def from_settings(
        cls, core: Knotbot, settings: Settings, *, limits: PlatformLimits = LIMITS
    ) -> TelegramAdapter:
        token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
        if not token.strip():
            raise ValueError("KNOTBOT_TELEGRAM_TOKEN is not set")
        webhook = None
        if settings.telegram_webhook_url:
            secret = settings.telegram_webhook_secret
            webhook = WebhookConfig(
                settings.telegram_webhook_url,
                settings.telegram_webhook_listen,
                settings.telegram_webhook_port,
                secret.get_secret_value() if secret else None,
            )
        return cls(
            core,
            token=token.strip(),
            base_url=settings.telegram_base_url,
            base_file_url=settings.telegram_base_file_url,
            webhook=webhook,
            limits=limits,
        )

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect, register the command menu, let the core tidy up, then handle updates.

        The core's `start` runs before the first update is handled, so its restart fix-ups
        never race a hold started by a fresh button press.
        """
        if self.webhook is not None and importlib.util.find_spec("tornado") is None:
            raise RuntimeError(
                "webhook mode needs python-telegram-bot[webhooks] (tornado); "
                "unset KNOTBOT_TELEGRAM_WEBHOOK_URL to use polling"
            )
        app = self.application
        try:
            await app.initialize()
        except InvalidToken:
            await app.bot.shutdown()
            raise TokenRejected("Telegram rejected KNOTBOT_TELEGRAM_TOKEN") from None
        except BaseException:
            await app.bot.shutdown()  # initialize() opened the HTTP clients before failing
            raise
        core_started = False
        try:
            await self._register_commands()
            await self._take_updates()  # fetched updates wait in the queue until app.start()
            core_started = True
            await self._core.start(PLATFORM, self.outbox)
            await app.start()
        except BaseException:
            if core_started:  # its reminder dispatcher must not outlive a failed start
                await self._core.shutdown()
            await self._disconnect()
            raise
        log.info("telegram: connected as @%s", app.bot.username)

    async def stop(self) -> None:
        """Stop taking updates, finish those in hand, end running holds, then disconnect.

        The core shuts down while the HTTP client is still up, so each running hold's
        message can say it stopped.
        """
        app = self.application
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await self._core.shutdown()
        finally:
            await app.shutdown()

    async def _disconnect(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _take_updates(self) -> None:
        updater = self.application.updater
        assert updater is not None
        if self.webhook is None:
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            return
        await updater.start_webhook(
            listen=self.webhook.listen,
            port=self.webhook.port,
            url_path=self.webhook.path,
            webhook_url=self.webhook.url,
            secret_token=self.webhook.secret or secrets.token_urlsafe(32),
            allowed_updates=ALLOWED_UPDATES,
        )

    async def _register_commands(self) -> None:
        """The command menu, from the core's table; a failure here is not worth not starting."""
        commands = [
            BotCommand(spec.name, spec.description[:256])
            for spec in self._core.commands
            if _COMMAND_NAME.fullmatch(spec.name) and spec.description
        ]
        try:
            await self.application.bot.set_my_commands(commands)
        except TelegramError as error:
            log.warning("telegram: could not register the command menu: %s", error)

    # -- updates -> core events ----------------------------------------------------------------

    def _add_handlers(self) -> None:
        new_message = filters.UpdateType.MESSAGE  # not edited messages, not channel posts
        app = self.application
        app.add_handler(MessageHandler(new_message & filters.COMMAND, self._on_command))
        app.add_handler(
            MessageHandler(
                new_message & filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE,
                self._on_text,
            )
        )
        app.add_handler(CallbackQueryHandler(self._on_button))
        app.add_handler(ChatMemberHandler(self._on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self._on_error)

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every command goes to the core, known or not: it owns names, aliases, "I don't know"."""
        message = update.message
        if message is None or not message.text or not message.entities:
            return
        chat, sender = _chat_ref(message.chat), _sender(message)
        if chat is None or sender is None:
            return
        said = valid_text(message.text)
        word = _command_word(said)
        if word is None:  # not a command a Telegram client can send: plain text, then
            await self._on_text(update, context)
            return
        name, _, addressee = word.removeprefix("/").partition("@")
        if addressee and addressee.lower() != (context.bot.username or "").lower():
            return  # meant for another bot in the group
        rest = said[len(word) :]
        user = await self._user_ref(message.chat, sender)
        event = Command(chat, user, name.lower(), _clip(rest))
        await self._core.handle(event, self._replier_for(message))

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Plain text in a private chat is free text for the core (a spot's name, say)."""
        message = update.message
        if message is None or not message.text:
            return
        chat, sender = _chat_ref(message.chat), _sender(message)
        said = _clip(message.text)
        if chat is None or sender is None or chat.is_community or not said:
            return
        user = await self._user_ref(message.chat, sender)
        await self._core.handle(Command(chat, user, "", said), self._replier_for(message))

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        replier: TelegramReplier | None = None
        try:
            pressed = query.message  # None for inline-mode messages, which knotbot never sends
            chat = _chat_ref(pressed.chat) if pressed is not None else None
            if pressed is None or chat is None or not query.data or query.from_user.is_bot:
                return
            sent_as_caption = isinstance(pressed, Message) and pressed.text is None
            ref = MessageRef(
                PLATFORM,
                str(pressed.chat.id),
                str(pressed.message_id),
                CAPTIONED if sent_as_caption else "",
            )
            topic = isinstance(pressed, Message) and pressed.is_topic_message
            replier = TelegramReplier(
                self.delivery,
                self.limits,
                pressed.chat.id,
                thread=pressed.message_thread_id if topic else None,
                query=query,
                pressed=ref,
            )
            user = await self._user_ref(pressed.chat, _Sender(query.from_user, None))
            event = ButtonPress(chat, user, valid_text(query.data), ref)
            await self._handle_press(event, replier)
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

    async def _on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot's own membership: in a private chat, "kicked" means the user blocked it."""
        change = update.my_chat_member
        chat = _chat_ref(change.chat) if change is not None else None
        if change is None or chat is None:
            return
        was, now = _present(change.old_chat_member), _present(change.new_chat_member)
        if was and not now:
            await self.recipient_gone(chat)
        elif now and not was:
            await self.recipient_back(chat)

    async def recipient_gone(self, chat: ChatRef) -> None:
        """The user blocked the bot (private chat: status "kicked") or removed it from a group.

        The translation point of the `my_chat_member` event: the core pauses what it would
        send there (reminders) instead of meeting a 403 each time.
        """
        log.info("telegram: a %s chat is gone (my_chat_member)", chat.kind)
        try:
            await self._core.recipient_gone(PLATFORM, chat.chat_id)
        except Exception as error:  # a database outage must not fail the update
            log.warning("telegram: could not record a gone chat: %s", error)

    async def recipient_back(self, chat: ChatRef) -> None:
        """The user unblocked the bot (status back to "member"), or it was added to a group."""
        log.info("telegram: a %s chat is back (my_chat_member)", chat.kind)
        try:
            await self._core.recipient_back(PLATFORM, chat.chat_id)
        except Exception as error:
            log.warning("telegram: could not record a chat coming back: %s", error)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what failed, never the update's content or the token."""
        error = context.error
        where = f"update {update.update_id}" if isinstance(update, Update) else "a background task"
        if isinstance(error, TelegramError):
            log.warning("telegram: %s failed: %s: %s", where, type(error).__name__, error.message)
        else:
            log.error("telegram: %s failed", where, exc_info=error)

    # -- translation helpers -------------------------------------------------------------------

    def _replier_for(self, message: Message) -> TelegramReplier:
        group = message.chat.type != ChatType.PRIVATE
        return TelegramReplier(
            self.delivery,
            self.limits,
            message.chat.id,
            quote=message.message_id if group else None,
            thread=message.message_thread_id if message.is_topic_message else None,
        )

    async def _user_ref(self, chat: Chat, sender: _Sender) -> UserRef:
        moderator = sender.moderator
        if moderator is None:
            moderator = chat.type != ChatType.PRIVATE and await self._is_admin(
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

    async def _is_admin(self, chat_id: int, user_id: int) -> bool:
        """Group admin or creator, asked once a minute per person and group at most."""
        now = time.monotonic()
        cached = self._moderators.get((chat_id, user_id))
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            member = await self.application.bot.get_chat_member(chat_id, user_id)
            admin, ttl = member.status in _MODERATORS, MODERATOR_TTL
        except TelegramError as error:
            log.info("telegram: could not look up a member's role: %s", error)
            admin, ttl = False, MODERATOR_FAILURE_TTL
        if len(self._moderators) >= MODERATOR_CACHE_SIZE:
            self._moderators = {k: v for k, v in self._moderators.items() if v[0] > now}
            if len(self._moderators) >= MODERATOR_CACHE_SIZE:
                self._moderators.clear()
        self._moderators[(chat_id, user_id)] = (now + ttl, admin)
        return admin


def _chat_ref(chat: Chat | None) -> ChatRef | None:
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


def _present(member: ChatMember | None) -> bool:
    if member is None:
        return False
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in _PRESENT


_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?")


def _command_word(said: str) -> str | None:
    """The command at the start of `said` ("/knot" or "/knot@knotbot"), read from the text
    itself rather than from the entity's length, which a client may get wrong."""
    match = _COMMAND.match(said)
    return match.group(0) if match else None


def _clip(said: str) -> str:
    return valid_text(said[:MAX_INPUT]).strip()


async def _start_when_reachable(adapter: TelegramAdapter, stop: asyncio.Event) -> bool:
    """Start, retrying while Telegram is unreachable (a bot started before the network)."""
    delay = 1.0
    while not stop.is_set():
        try:
            await adapter.start()
            return True
        except NetworkError as error:
            if isinstance(error, BadRequest):
                raise
            log.warning("telegram: cannot reach the Bot API (%s); retrying in %.0f s", error, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        delay = min(delay * 2, 60.0)
    return False


async def run_telegram(bot: Knotbot, settings: Settings, stop: asyncio.Event) -> None:
    """Run knotbot on Telegram until `stop` is set, then shut down gracefully."""
    adapter = TelegramAdapter.from_settings(bot, settings)
    if not await _start_when_reachable(adapter, stop):
        return
    try:
        await stop.wait()
    finally:
        await adapter.stop()
