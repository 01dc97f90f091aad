"""Storage: SQLAlchemy 2.0 (async) on SQLite or PostgreSQL, one small repository per concern."""

from bot.storage.db import Database, DatabaseUnavailable, safe_url
from bot.storage.repositories import Tx

__all__ = ["Database", "DatabaseUnavailable", "Tx", "safe_url"]
