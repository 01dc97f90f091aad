"""Configuration: every option comes from the environment (prefix KNOTBOT_) or a .env file."""

from __future__ import annotations

import socket
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The content shipped with knotbot sits next to the `bot` package in the repository.
SHIPPED_CONTENT = Path(__file__).resolve().parent.parent / "content"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KNOTBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Core
    database_url: str = "sqlite+aiosqlite:///knotbot.db"
    content_dir: Path = SHIPPED_CONTENT
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    # Names this process in the database (which holds it runs). Give each process its own
    # when several run on one machine.
    instance_id: str = Field(default_factory=lambda: socket.gethostname()[:40] or "knotbot")
    # A reminder missed while the bot was down is still sent if it is at most this late.
    reminder_grace_minutes: int = Field(default=30, ge=0, le=24 * 60)

    # Discord
    discord_token: SecretStr | None = None
    discord_api_base_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    # Sync slash commands to this one server only (instant; for development).
    discord_dev_guild_id: int | None = None
    # Members with this role may moderate, besides those with Manage Server.
    discord_moderator_role_id: int | None = None

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # Webhook mode: set the public HTTPS URL Telegram should post updates to; unset = polling.
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: SecretStr | None = None

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (try e.g. Europe/Berlin)") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level
