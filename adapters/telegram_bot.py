"""What the CLI imports for `knotbot run telegram`; the adapter lives in adapters/telegram/."""

from adapters.telegram import LIMITS, TelegramAdapter, run_telegram

__all__ = ["LIMITS", "TelegramAdapter", "run_telegram"]
