"""knotbot on Telegram: the python-telegram-bot Application built from settings, started and
stopped. `run` is what `knotbot run telegram` calls.

Start: connect, register the command menu, take updates (they wait in the queue), start the
core (restart fix-ups, reminders), then handle updates: no update is handled before the core
started, so a hold can always edit through the outbox. Stop: stop taking updates, finish those
in hand, shut the core down while Telegram can still be reached (running holds say they
stopped), then disconnect. This module is the only one that starts or stops the core.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder

from adapters import startup
from adapters.errors import TokenRejected  # PTB's own error quotes the token; ours does not
from adapters.telegram import menu
from adapters.telegram.delivery import PLATFORM, Delivery, TelegramOutbox
from adapters.telegram.events import ANSWER_BUTTON_AFTER, TelegramEvents
from adapters.telegram.ordering import ChatOrderedUpdates
from bot.core import Knotbot
from bot.logs import keep_secret
from bot.outbox import PlatformLimits
from bot.settings import Settings

log = logging.getLogger(__name__)

# About one message a second into a chat, twenty a minute into one group, thirty a second in
# all; edits of a countdown every 3 s or slower (faster editors were told to wait minutes).
LIMITS = PlatformLimits(
    min_edit_interval=3.0,
    sends_per_second=30.0,
    sends_per_chat_per_second=1.0,
    sends_per_community_chat_per_minute=20.0,
)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
MAX_CONCURRENT_UPDATES = 256


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


class TelegramApp:
    """One connection to Telegram for one core: `start()`, later `stop()` (single use)."""

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
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
    ) -> None:
        self._core = core
        self.limits = limits
        self.webhook = webhook
        # No AIORateLimiter: the core paces holds and reminders to `limits`; two limiters
        # would fight. No JobQueue: the core schedules.
        self.application: Application = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .job_queue(None)
            .concurrent_updates(ChatOrderedUpdates(max_concurrent_updates))
            .build()
        )
        bot = self.application.bot
        self.delivery = Delivery(bot)
        self.outbox = TelegramOutbox(self.delivery, limits)
        self.events = TelegramEvents(
            core, bot, self.delivery, limits, answer_button_after=answer_button_after
        )
        self.events.attach(self.application)
        self._core_started = False

    @classmethod
    def from_settings(
        cls, core: Knotbot, settings: Settings, *, limits: PlatformLimits = LIMITS
    ) -> TelegramApp:
        """The app the KNOTBOT_TELEGRAM_* settings describe."""
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

    async def start(self) -> None:
        """Connect, register the menu, start the core, then handle updates; on any failure,
        everything started so far is stopped again."""
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
        try:
            await menu.register(app.bot, self._core.commands)
            await self._take_updates()  # fetched updates wait in the queue until app.start()
            self._core_started = True
            await self._core.start(PLATFORM, self.outbox)
            await app.start()
        except BaseException:
            await self.stop()
            raise
        log.info("telegram: connected as @%s", app.bot.username)

    async def stop(self) -> None:
        """Stop taking updates, finish those in hand, shut the core down, then disconnect."""
        app = self.application
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            if self._core_started:
                self._core_started = False
                await self._core.shutdown()
        finally:
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
            secret_token=self.webhook.secret or _made_up_secret(),
            allowed_updates=ALLOWED_UPDATES,
        )


def unreachable(error: BaseException) -> bool:
    """Telegram could not be reached (worth retrying), as opposed to refusing something."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def run(core: Knotbot, settings: Settings, stop: asyncio.Event) -> None:
    """Run knotbot on Telegram until `stop` is set, then shut down gracefully."""

    async def connect() -> TelegramApp:
        app = TelegramApp.from_settings(core, settings)
        await app.start()  # stops what it started if it fails or is cancelled
        return app

    app = await startup.when_reachable(connect, stop, unreachable=unreachable, platform="telegram")
    if app is None:
        return
    try:
        await stop.wait()
    finally:
        await app.stop()


def _made_up_secret() -> str:
    """A webhook secret for this run when none is configured; kept out of the logs too."""
    secret = secrets.token_urlsafe(32)
    keep_secret(secret)
    return secret
