"""Configuration: every option comes from the environment (prefix KNOTBOT_) or a .env file."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


def _url_password(url: str) -> str | None:
    try:
        return make_url(url).password  # type: ignore[return-value]
    except (ArgumentError, ValueError):
        return None


def _masked_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(unreadable URL)"


def _shipped_content() -> Path:
    """The content files shipped with knotbot: package data (`knotbot_content`, from the
    repository's content/ folder), so any install has them; a checkout run without installing
    reads the folder itself."""
    try:
        return Path(str(resources.files("knotbot_content")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "content"


SHIPPED_CONTENT = _shipped_content()


def _data_dir() -> Path:
    """The user's data folder for knotbot (e.g. ~/.local/share/knotbot on Linux)."""
    return Path(platformdirs.user_data_dir("knotbot", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KNOTBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Core
    # Where the console writes files (exports, charts) and, by default, the SQLite database.
    data_dir: Path = Field(default_factory=_data_dir)
    # Default: SQLite in data_dir (knotbot.db), whatever folder knotbot is started from.
    database_url: str = ""
    content_dir: Path = SHIPPED_CONTENT
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    # "text": one key=value line per event; "json": one JSON object per line.
    log_format: Literal["text", "json"] = "text"
    # Names this process in the database (which holds it runs). Give each process its own
    # when several run on one machine.
    instance_id: str = Field(default_factory=lambda: socket.gethostname()[:40] or "knotbot")
    # At start, an unreachable database is tried this many times, this many seconds apart.
    db_connect_attempts: int = Field(default=12, ge=1, le=1000)
    db_connect_retry_seconds: float = Field(default=5.0, ge=0.0, le=300.0)
    # A reminder missed while the bot was down is still sent if it is at most this late.
    reminder_grace_minutes: int = Field(default=30, ge=0, le=24 * 60)
    # Limits that keep one person (or one group) from crowding out everyone else.
    max_reminders_per_person: int = Field(default=20, ge=1, le=1000)
    max_shared_reminders_per_community: int = Field(default=20, ge=1, le=1000)
    max_running_holds_per_person: int = Field(default=3, ge=1, le=100)

    # Discord
    discord_token: SecretStr | None = None
    discord_api_base_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    # Sync slash commands to this one server only (instant; for development).
    discord_dev_guild_id: int | None = None
    # Members with this role may moderate, besides those with Manage Server.
    discord_moderator_role_id: int | None = None
    # Sharding for large bots: how many shards in all, and which of them this process runs
    # ("0,1"). Unset: one process runs every shard Discord recommends.
    discord_shard_count: int | None = Field(default=None, ge=1)
    discord_shard_ids: str | None = None

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # Webhook mode: set the public HTTPS URL Telegram should post updates to; unset = polling.
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: SecretStr | None = None

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """As pydantic shows settings, with the database password masked (tokens and the
        webhook secret are SecretStr, masked by pydantic itself)."""
        for name, value in super().__repr_args__():
            yield name, _masked_url(value) if name == "database_url" else value

    @property
    def secrets(self) -> list[str]:
        """Every secret value, for the log filter that keeps them out of every line."""
        found = [
            s.get_secret_value()
            for s in (self.discord_token, self.telegram_token, self.telegram_webhook_secret)
            if s is not None
        ]
        password = _url_password(self.database_url)
        return [s for s in [*found, password] if s]

    @model_validator(mode="after")
    def _database_in_the_data_folder(self) -> Settings:
        if not self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'knotbot.db'}"
        return self

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (try e.g. Europe/Berlin)") from exc
        return value

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_list(cls, value: str | None) -> str | None:
        if value is not None and not all(p.strip().isdigit() for p in value.split(",")):
            raise ValueError("use shard numbers separated by commas, like 0,1")
        return value

    @property
    def shard_ids(self) -> list[int] | None:
        if not self.discord_shard_ids:
            return None
        return [int(p) for p in self.discord_shard_ids.split(",")]

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level
