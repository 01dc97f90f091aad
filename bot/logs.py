"""Logging: one line per event, structured, and secrets never reach a log line.

`text` lines read `2026-11-26T03:58:01Z INFO bot.core: handled command=knot platform=telegram
ms=3`; `json` lines carry the same as one object. Extra fields come from
`log.info("...", extra={"fields": {...}})`. User text is never put in fields.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

FIELDS = "fields"


def fields(**values: Any) -> dict[str, dict[str, Any]]:
    """`extra=` for a log call: structured fields of the event."""
    return {FIELDS: values}


class RedactSecrets(logging.Filter):
    """Replaces every secret value in a record's final text with ***.

    Libraries log URLs that embed the bot token (httpx logs Telegram request URLs, for one),
    so redaction happens on the formatted message, for every logger.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if secret and len(secret) >= 6 and secret not in self._secrets:
            self._secrets.append(secret)

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = self._clean(message)
        if redacted != message or record.exc_info:
            record.msg, record.args = redacted, None
            if record.exc_info:
                record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True


def _stamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _exception(record: logging.LogRecord) -> str | None:
    if record.exc_info:
        return logging.Formatter().formatException(record.exc_info)
    return record.exc_text or None


class TextLines(logging.Formatter):
    """One line per event: time, level, logger, message, then key=value fields."""

    def format(self, record: logging.LogRecord) -> str:
        parts = [_stamp(record), record.levelname, f"{record.name}:", record.getMessage()]
        for key, value in getattr(record, FIELDS, {}).items():
            parts.append(f"{key}={_value(value)}")
        exception = _exception(record)
        if exception:
            parts.append("exc=" + json.dumps(exception))  # escaped: still one line
        return " ".join(parts)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": _stamp(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **getattr(record, FIELDS, {}),
        }
        exception = _exception(record)
        if exception:
            data["exc"] = exception
        return json.dumps(data, default=str)


def _value(value: Any) -> str:
    text = str(value)
    return json.dumps(text) if (not text or any(c in text for c in ' "=\n')) else text


def keep_secret(secret: str) -> None:
    """A secret made up while running (a webhook secret nobody configured) is redacted too."""
    for handler in logging.getLogger().handlers:
        for found in handler.filters:
            if isinstance(found, RedactSecrets):
                found.add(secret)


def configure_logging(
    level: str, secrets: Iterable[str] = (), fmt: str = "text", stream: IO[str] | None = None
) -> None:
    """One handler on the root logger, whose every line has every secret replaced by ***."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines() if fmt == "json" else TextLines())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Request-by-request lines (with URLs) only when debugging.
    for noisy in ("httpx", "httpcore", "aiosqlite", "alembic", "discord.gateway", "discord.http"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
