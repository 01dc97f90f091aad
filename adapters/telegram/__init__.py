"""knotbot on Telegram (python-telegram-bot): `run_telegram` for the CLI, the rest for tests."""

from adapters.telegram.adapter import (
    LIMITS,
    TelegramAdapter,
    TelegramOutbox,
    TelegramReplier,
    TokenRejected,
    WebhookConfig,
    run_telegram,
)
from adapters.telegram.render import render

__all__ = [
    "LIMITS",
    "TelegramAdapter",
    "TelegramOutbox",
    "TelegramReplier",
    "TokenRejected",
    "WebhookConfig",
    "render",
    "run_telegram",
]
